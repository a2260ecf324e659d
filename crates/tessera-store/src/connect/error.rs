//! Why a step of the Connect walkthrough was refused.

use crate::{ExecuteError, StoreError};
use tessera_mapping::{MappingError, Rejection};

/// Why a walkthrough step was refused; a refused step changes nothing (C2).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// W2: sandbox orgs never connect.
    #[error("W2: only a production org can connect SSO/SCIM")]
    Sandbox,
    /// W3: the operator has not switched the option on.
    #[error("W3: SSO/SCIM is not enabled for this org; ask the operator to enable it")]
    SsoNotEnabled,
    /// W2: an org has at most one IdP connection.
    #[error("W2: this org is already connected to an IdP")]
    AlreadyConnected,
    /// C2: the step needs an earlier one first.
    #[error("C2: {needed} first")]
    OutOfOrder {
        /// What to do first, as an instruction.
        needed: &'static str,
    },
    /// C1: SCIM credentials exist only in scim mode.
    #[error("C1: SCIM credentials are for the scim mode; this connection is {mode}")]
    NotScimMode {
        /// The chosen mode.
        mode: &'static str,
    },
    /// M2: the uploaded sheet has problems; nothing was applied.
    #[error("M2: the mapping sheet was refused ({} problem(s)); nothing was applied", .0.problems.len() + .0.omitted)]
    MappingRejected(Rejection),
    /// The mapping sheet could not be written.
    #[error(transparent)]
    Sheet(#[from] MappingError),
    /// The IdP details do not hold up.
    #[error("the IdP details are invalid: {reason}")]
    InvalidIdp {
        /// What is wrong, in a sentence.
        reason: String,
    },
    /// The policy engine refused, or the store failed while deciding.
    #[error(transparent)]
    Policy(#[from] ExecuteError),
    /// A storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ConnectError {
    /// The product rule behind a refusal, if any.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ConnectError::Sandbox | ConnectError::AlreadyConnected => Some("W2"),
            ConnectError::SsoNotEnabled => Some("W3"),
            ConnectError::OutOfOrder { .. } => Some("C2"),
            ConnectError::NotScimMode { .. } => Some("C1"),
            ConnectError::MappingRejected(_) => Some("M2"),
            ConnectError::Policy(error) => error.rule(),
            ConnectError::Sheet(_) | ConnectError::InvalidIdp { .. } | ConnectError::Store(_) => {
                None
            }
        }
    }
}

impl From<diesel::result::Error> for ConnectError {
    fn from(error: diesel::result::Error) -> Self {
        ConnectError::Store(StoreError::Database(error))
    }
}
