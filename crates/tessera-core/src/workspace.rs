//! Workspace names (rule W1).

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The name of an org's workspace, used in every URL (`/scim/v2/{ws}`, `/saml/{ws}`).
///
/// Rule W1: 1–63 characters, lowercase ASCII letters and digits only. Input is never
/// silently lower-cased or trimmed: `Acme` is refused, so an admin sees exactly the
/// name that will appear in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkspaceName(String);

/// The longest workspace name rule W1 allows.
const MAX_LEN: usize = 63;

impl WorkspaceName {
    /// Checks `name` against rule W1.
    pub fn parse(name: &str) -> Result<Self, CoreError> {
        let refuse = |problem: String| CoreError::InvalidWorkspaceName {
            name: name.to_owned(),
            problem,
        };
        if name.is_empty() {
            return Err(refuse("is empty".into()));
        }
        let length = name.chars().count();
        if length > MAX_LEN {
            return Err(refuse(format!("is {length} characters long")));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        {
            let problem = if bad.is_ascii_uppercase() {
                format!("contains the uppercase letter {bad:?}")
            } else if bad.is_whitespace() {
                "contains a space".to_owned()
            } else {
                format!("contains {bad:?}")
            };
            return Err(refuse(problem));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkspaceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for WorkspaceName {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for WorkspaceName {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WorkspaceName> for String {
    fn from(value: WorkspaceName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // covers W1
    #[test]
    fn w1_accepts_lowercase_letters_and_digits() {
        for ok in ["acme", "a", "acme2024", "0", &"a".repeat(63)] {
            assert_eq!(WorkspaceName::parse(ok).unwrap().as_str(), ok);
        }
    }

    // covers W1
    #[test]
    fn w1_refuses_everything_else_and_says_why() {
        let cases = [
            ("", "is empty"),
            ("Acme", "contains the uppercase letter 'A'"),
            ("Acme!", "contains the uppercase letter 'A'"),
            ("acme!", "contains '!'"),
            ("bad name", "contains a space"),
            ("acme-corp", "contains '-'"),
            ("acme_corp", "contains '_'"),
            ("café", "contains 'é'"),
            (&"a".repeat(64), "is 64 characters long"),
        ];
        for (input, problem) in cases {
            let message = WorkspaceName::parse(input).unwrap_err().to_string();
            assert!(message.starts_with("W1: "), "{message}");
            assert!(message.ends_with(problem), "{input:?}: {message}");
        }
    }

    // covers W1
    #[test]
    fn w1_applies_when_deserialising_too() {
        assert!(serde_json::from_str::<WorkspaceName>("\"acme\"").is_ok());
        let err = serde_json::from_str::<WorkspaceName>("\"Acme\"").unwrap_err();
        assert!(err.to_string().contains("W1"));
    }

    proptest! {
        // covers W1
        #[test]
        fn w1_accepts_exactly_the_documented_alphabet(name in "\\PC{0,70}") {
            let valid = !name.is_empty()
                && name.chars().count() <= 63
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            prop_assert_eq!(WorkspaceName::parse(&name).is_ok(), valid);
        }
    }
}
