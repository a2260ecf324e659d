//! The one error type of this crate.

/// Why a value was refused. Every message names the product rule it enforces, if any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// Rule W1: workspace names are 1–63 lowercase ASCII letters and digits.
    #[error(
        "W1: a workspace name is 1-63 lowercase letters (a-z) and digits (0-9); {name:?} {problem}"
    )]
    InvalidWorkspaceName {
        /// The refused input.
        name: String,
        /// What exactly is wrong with it.
        problem: String,
    },
    /// Not a usable email address.
    #[error("{value:?} is not an email address: {problem}")]
    InvalidEmail {
        /// The refused input.
        value: String,
        /// What exactly is wrong with it.
        problem: &'static str,
    },
    /// A SCIM userName that is empty or too long.
    #[error("{value:?} is not a valid user name: {problem}")]
    InvalidUserName {
        /// The refused input.
        value: String,
        /// What exactly is wrong with it.
        problem: &'static str,
    },
    /// An enumerated value (role, status, ...) that is not one of the known names.
    #[error("{value:?} is not a valid {kind}; expected one of: {expected}")]
    UnknownVariant {
        /// Which vocabulary was being parsed (e.g. "role").
        kind: &'static str,
        /// The refused input.
        value: String,
        /// The accepted names, comma separated.
        expected: &'static str,
    },
    /// An id that is not a UUID.
    #[error("{value:?} is not a valid {kind} id")]
    InvalidId {
        /// Which id was being parsed (e.g. "user").
        kind: &'static str,
        /// The refused input.
        value: String,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, CoreError>;
