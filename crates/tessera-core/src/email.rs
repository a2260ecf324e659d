//! Case-insensitive email addresses and SCIM user names.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// The longest address SMTP can carry (RFC 5321 path limit minus the angle brackets).
const MAX_EMAIL_LEN: usize = 254;
/// The longest local part RFC 5321 allows.
const MAX_LOCAL_LEN: usize = 64;

/// An email address. Compared, hashed and looked up case-insensitively (IdPs and admins
/// disagree about case); displayed as it was given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email {
    original: String,
    normalized: String,
}

impl Email {
    /// Parses an address, trimming surrounding whitespace.
    ///
    /// Accepts what real directories hold (`first.last+tag@sub.corp.example`,
    /// internationalised domains) and refuses what cannot be delivered to: no `@`,
    /// empty parts, spaces, a domain without a dot, labels that start or end with `-`.
    pub fn parse(value: &str) -> Result<Self, CoreError> {
        let trimmed = value.trim();
        let refuse = |problem| CoreError::InvalidEmail {
            value: value.to_owned(),
            problem,
        };
        if trimmed.is_empty() {
            return Err(refuse("it is empty"));
        }
        if trimmed.len() > MAX_EMAIL_LEN {
            return Err(refuse("it is longer than 254 characters"));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse("it contains a space or a control character"));
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(refuse("it has no @"));
        };
        if local.is_empty() {
            return Err(refuse("nothing comes before the @"));
        }
        if local.len() > MAX_LOCAL_LEN {
            return Err(refuse("the part before the @ is longer than 64 characters"));
        }
        if local.contains('@')
            || local.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']', '\\'])
        {
            return Err(refuse(
                "the part before the @ contains a character mail cannot carry",
            ));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(refuse("the part before the @ has a misplaced dot"));
        }
        if domain.is_empty() {
            return Err(refuse("nothing comes after the @"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return Err(refuse("the domain has no dot"));
        }
        for label in &labels {
            if label.is_empty() {
                return Err(refuse("the domain has an empty part"));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(refuse("a domain part starts or ends with a hyphen"));
            }
            if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
                return Err(refuse(
                    "the domain contains a character other than letters, digits, hyphens and dots",
                ));
            }
        }
        Ok(Self {
            original: trimmed.to_owned(),
            normalized: trimmed.to_lowercase(),
        })
    }

    /// The address as it was given (surrounding whitespace removed).
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The lower-cased form used for comparison and database lookups.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The part after the `@`, lower-cased.
    pub fn domain(&self) -> &str {
        self.normalized
            .rsplit_once('@')
            .map_or("", |(_, domain)| domain)
    }
}

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.normalized == other.normalized
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized.hash(state);
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

impl FromStr for Email {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.original
    }
}

/// A SCIM `userName`: the IdP's unique identifier for a person (often, not always, an
/// email: Entra sends the UPN). Compared case-insensitively, as RFC 7643 defines it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName {
    original: String,
    normalized: String,
}

/// A generous bound on user names; directories cap them far lower.
const MAX_USER_NAME_LEN: usize = 512;

impl UserName {
    /// Parses a user name: not blank, at most 512 bytes, no control characters.
    pub fn parse(value: &str) -> Result<Self, CoreError> {
        let refuse = |problem| CoreError::InvalidUserName {
            value: value.to_owned(),
            problem,
        };
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(refuse("it is empty"));
        }
        if trimmed.len() > MAX_USER_NAME_LEN {
            return Err(refuse("it is longer than 512 bytes"));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(refuse("it contains a control character"));
        }
        Ok(Self {
            original: trimmed.to_owned(),
            normalized: trimmed.to_lowercase(),
        })
    }

    /// The user name as the IdP sent it.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The lower-cased form used for comparison and lookups.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

impl PartialEq for UserName {
    fn eq(&self, other: &Self) -> bool {
        self.normalized == other.normalized
    }
}

impl Eq for UserName {}

impl Hash for UserName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized.hash(state);
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

impl TryFrom<String> for UserName {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UserName> for String {
    fn from(value: UserName) -> Self {
        value.original
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn emails_compare_case_insensitively_but_keep_their_spelling() {
        let a = Email::parse("Jane.Doe@Corp.Example").unwrap();
        let b = Email::parse("jane.doe@corp.example").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "Jane.Doe@Corp.Example");
        assert_eq!(a.normalized(), "jane.doe@corp.example");
        assert_eq!(a.domain(), "corp.example");
        let set: HashSet<Email> = [a, b].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn real_world_addresses_are_accepted() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.corp.example",
            "o'brien@corp.example",
            "user@xn--bcher-kva.example",
            "józef@bücher.example",
            "  padded@corp.example  ",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn undeliverable_addresses_are_refused_with_a_reason() {
        let cases = [
            ("", "it is empty"),
            ("jane", "it has no @"),
            ("@corp.example", "nothing comes before the @"),
            ("jane@", "nothing comes after the @"),
            ("jane@localhost", "the domain has no dot"),
            (
                "jane doe@corp.example",
                "it contains a space or a control character",
            ),
            (
                "jane@@corp.example",
                "the part before the @ contains a character mail cannot carry",
            ),
            ("jane@corp..example", "the domain has an empty part"),
            (
                "jane@-corp.example",
                "a domain part starts or ends with a hyphen",
            ),
            (
                ".jane@corp.example",
                "the part before the @ has a misplaced dot",
            ),
            (
                "jane@corp.example<!---->.evil.com",
                "the domain contains a character other than letters, digits, hyphens and dots",
            ),
        ];
        for (input, problem) in cases {
            let err = Email::parse(input).unwrap_err();
            assert!(err.to_string().ends_with(problem), "{input:?}: {err}");
        }
    }

    #[test]
    fn user_names_compare_case_insensitively() {
        let a = UserName::parse("Jane@Corp.Example").unwrap();
        assert_eq!(a, UserName::parse("jane@corp.example").unwrap());
        assert_eq!(a.as_str(), "Jane@Corp.Example");
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse("a\u{0}b").is_err());
    }
}
