//! The one place SCIM failures become RFC 7644 §3.12 Error responses.

use super::response::SCIM_CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use tessera_policy::PolicyError;
use tessera_scim::{ErrorBody, ScimError, ScimType};
use tessera_store::{ExecuteError, StoreError};

/// Why a SCIM request failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScimFailure {
    /// A protocol mistake found by the SCIM model (filter, body, path, value, 404, 412).
    #[error(transparent)]
    Protocol(#[from] ScimError),
    /// The policy engine refused, or the store failed while deciding.
    #[error(transparent)]
    Policy(#[from] ExecuteError),
    /// A storage failure while reading.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The body is larger than the configured limit.
    #[error("the request body is larger than the server accepts")]
    PayloadTooLarge,
    /// The method is not served on this resource.
    #[error("{method} is not supported on this endpoint")]
    MethodNotAllowed {
        /// The method as sent.
        method: String,
    },
    /// No endpoint under the SCIM root answers to this path.
    #[error("no SCIM endpoint at {path}")]
    UnknownEndpoint {
        /// The path as requested.
        path: String,
    },
    /// An optional operation this server does not offer.
    #[error("not supported: {what}")]
    NotImplemented {
        /// The operation.
        what: &'static str,
    },
    /// The operator switched SSO/SCIM off for this org (W3).
    #[error("W3: SSO/SCIM is turned off for this workspace by the operator; nothing was changed")]
    SsoDisabled,
    /// The org sent more requests than its SCIM rate limit allows.
    #[error("too many SCIM requests for this workspace; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a request will be accepted again (`Retry-After`).
        retry_after_secs: u64,
    },
    /// The server cannot serve the request now (shutting down, misassembled).
    #[error("the server cannot serve this request now; retry later")]
    Unavailable,
}

impl ScimFailure {
    fn status_type_and_detail(&self) -> (u16, Option<ScimType>, String) {
        match self {
            ScimFailure::Protocol(error) => (error.status(), error.scim_type(), error.to_string()),
            ScimFailure::Policy(error) => policy_status(error),
            ScimFailure::Store(error) => store_status(error),
            ScimFailure::PayloadTooLarge => (413, None, self.to_string()),
            ScimFailure::MethodNotAllowed { .. } => (405, None, self.to_string()),
            ScimFailure::UnknownEndpoint { .. } => (404, None, self.to_string()),
            ScimFailure::NotImplemented { .. } => (501, None, self.to_string()),
            ScimFailure::SsoDisabled => (403, None, self.to_string()),
            ScimFailure::RateLimited { .. } => (429, None, self.to_string()),
            ScimFailure::Unavailable => (503, None, self.to_string()),
        }
    }
}

/// Conflicts are 409 `uniqueness`; names and emails that cannot be used are 400
/// `invalidValue` with the rule id in the detail (T1); unknown references are 404.
/// Rules that a SCIM command cannot break are 409 without a keyword.
fn policy_status(error: &ExecuteError) -> (u16, Option<ScimType>, String) {
    let (status, scim_type) = match error {
        PolicyError::Port(store) => return store_status(store),
        PolicyError::UserNotFound { .. } | PolicyError::TeamNotFound { .. } => (404, None),
        PolicyError::UserNameTaken { .. }
        | PolicyError::EmailTaken { .. }
        | PolicyError::GroupNameTaken { .. }
        | PolicyError::TeamNameTaken { .. }
        | PolicyError::IdpEmailTaken { .. } => (409, Some(ScimType::Uniqueness)),
        PolicyError::InvalidTeamName { .. }
        | PolicyError::MissingEmail { .. }
        | PolicyError::BuiltInTeamName { .. } => (400, Some(ScimType::InvalidValue)),
        PolicyError::BuiltInTeamMissing { .. } => (500, None),
        PolicyError::NotAccountAdmin { .. }
        | PolicyError::SelfChange { .. }
        | PolicyError::BuiltInTeamFixed { .. }
        | PolicyError::BuiltInMembership { .. }
        | PolicyError::IdpTeamFixed { .. }
        | PolicyError::IdpTeamMembers { .. }
        | PolicyError::ScimManagedUser { .. }
        | PolicyError::UserDeactivated { .. }
        | PolicyError::NotProvisioned { .. }
        | PolicyError::SsoNotConnected
        | PolicyError::SalesforceInvitesDisabled
        | PolicyError::SandboxCannotConnect
        | PolicyError::AlreadyConnected => (409, None),
    };
    (status, scim_type, error.to_string())
}

/// Storage failures are the server's, never the client's: 503 when retrying may help
/// (IdPs retry 5xx), 500 otherwise; internals stay in the log.
fn store_status(error: &StoreError) -> (u16, Option<ScimType>, String) {
    match error {
        StoreError::Contention => (503, None, error.to_string()),
        StoreError::Connect(_) => (503, None, "the database is unreachable".into()),
        StoreError::OrgNotFound { .. }
        | StoreError::UserNotFound { .. }
        | StoreError::UnknownUserId { .. }
        | StoreError::OrgExists { .. }
        | StoreError::UserExists { .. }
        | StoreError::NotAccountAdmin { .. }
        | StoreError::NoIdpConnection
        | StoreError::UnsupportedUrl { .. }
        | StoreError::Migration(_)
        | StoreError::Corrupt { .. }
        | StoreError::Database(_) => (
            500,
            None,
            "internal error; the server log has the details".into(),
        ),
    }
}

/// A SCIM Error response with `status`, `scimType` and `detail`; a 503 or 429 says
/// when to retry.
pub(crate) fn error_response(
    status: u16,
    scim_type: Option<ScimType>,
    detail: String,
    retry_after_secs: u64,
) -> HttpResponse {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(code);
    response.content_type(SCIM_CONTENT_TYPE);
    if code == StatusCode::UNAUTHORIZED {
        response.insert_header(("WWW-Authenticate", "Bearer realm=\"SCIM\""));
    }
    if code == StatusCode::SERVICE_UNAVAILABLE || code == StatusCode::TOO_MANY_REQUESTS {
        response.insert_header(("Retry-After", retry_after_secs.max(1).to_string()));
    }
    response.json(ErrorBody::new(status, scim_type, detail))
}

impl ResponseError for ScimFailure {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status_type_and_detail().0)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let (status, scim_type, detail) = self.status_type_and_detail();
        if status >= 500 && status != 501 {
            tracing::error!(error = %self, "SCIM request failed");
        }
        let retry_after_secs = match self {
            ScimFailure::RateLimited { retry_after_secs } => *retry_after_secs,
            _ => 1,
        };
        error_response(status, scim_type, detail, retry_after_secs)
    }
}
