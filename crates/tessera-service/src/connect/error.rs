//! Why a step of the Connect walkthrough was refused, as [`ServiceError`]s; a refused
//! step changes nothing (C2).

use crate::error::{ErrorDetails, ErrorKind, ServiceError};
use tessera_mapping::{MappingError, Rejection};

/// W2: sandbox orgs never connect.
pub(crate) fn sandbox() -> ServiceError {
    ServiceError::conflict("W2: only a production org can connect SSO/SCIM").with_rule(Some("W2"))
}

/// W3: the operator has not switched the option on.
pub(crate) fn sso_not_enabled() -> ServiceError {
    ServiceError::forbidden(
        "W3: SSO/SCIM is not enabled for this org; ask the operator to enable it",
    )
    .with_rule(Some("W3"))
}

/// W2: an org has at most one IdP connection.
pub(crate) fn already_connected() -> ServiceError {
    ServiceError::conflict("W2: this org is already connected to an IdP").with_rule(Some("W2"))
}

/// C2: the step needs an earlier one first; `needed` says which, as an instruction.
pub(crate) fn out_of_order(needed: &str) -> ServiceError {
    ServiceError::conflict(format!("C2: {needed} first")).with_rule(Some("C2"))
}

/// C1: SCIM credentials exist only in scim mode.
pub(crate) fn not_scim_mode(mode: &str) -> ServiceError {
    ServiceError::conflict(format!(
        "C1: SCIM credentials are for the scim mode; this connection is {mode}"
    ))
    .with_rule(Some("C1"))
}

/// M2: the uploaded sheet has problems (listed in the details); nothing was applied.
pub(crate) fn mapping_rejected(rejection: Rejection) -> ServiceError {
    let count = rejection.problems.len() + rejection.omitted;
    ServiceError::invalid(format!(
        "M2: the mapping sheet was refused ({count} problem(s)); nothing was applied"
    ))
    .with_rule(Some("M2"))
    .with_details(ErrorDetails::MappingRejected(rejection))
}

/// The mapping sheet could not be written (a server fault).
pub(crate) fn sheet_failed(error: MappingError) -> ServiceError {
    ServiceError {
        message: "the mapping sheet could not be written; the server log has the details".into(),
        ..ServiceError::internal(error.to_string())
    }
}

/// The IdP details do not hold up; `reason` says why, in a sentence.
pub fn invalid_idp(reason: impl Into<String>) -> ServiceError {
    ServiceError::new(
        ErrorKind::Invalid,
        format!("the IdP details are invalid: {}", reason.into()),
    )
}
