//! Errors, and the one place they become HTTP responses (SCIM errors, which have a body
//! format of their own, are answered by the SCIM module).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use tessera_mapping::Rejection;
use tessera_policy::PolicyError;
use tessera_store::{ConnectError, ExecuteError, StoreError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The configured address.
        addr: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The database could not be opened or prepared.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The runtime failed.
    #[error("server runtime failed: {0}")]
    Runtime(String),
}

/// An error a request handler answers with. The JSON body is
/// `{"error": {"status": 409, "rule": "T4", "message": "…"}}`; `rule` is the product
/// rule that refused, or `null`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request body is larger than `body_limit_bytes`.
    #[error("the request body is larger than the {limit}-byte limit")]
    PayloadTooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The request body did not arrive in time.
    #[error("the request body did not arrive within {seconds} s")]
    RequestTimeout {
        /// The deadline.
        seconds: u64,
    },
    /// No or an unknown credential.
    #[error("sign in, or send an admin API token as `Authorization: Bearer …`")]
    Unauthorized,
    /// The caller may not do this (e.g. a form without a valid CSRF token).
    #[error("{0}")]
    Forbidden(String),
    /// The resource does not exist (or belongs to another org: the answer is the same).
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The database is unreachable.
    #[error("the database is unreachable")]
    Unavailable,
    /// The policy engine refused, or the store failed while deciding.
    #[error(transparent)]
    Policy(#[from] ExecuteError),
    /// A storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A step of the Connect walkthrough was refused; a refused mapping sheet lists
    /// its problems in the body's `problems`.
    #[error(transparent)]
    Connect(#[from] ConnectError),
}

impl ApiError {
    fn status_rule_and_public_text(&self) -> (StatusCode, Option<&'static str>, String) {
        match self {
            ApiError::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, None, self.to_string())
            }
            ApiError::RequestTimeout { .. } => {
                (StatusCode::REQUEST_TIMEOUT, None, self.to_string())
            }
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, None, self.to_string()),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, None, self.to_string()),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, None, self.to_string()),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, None, self.to_string()),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, None, self.to_string()),
            ApiError::Policy(error) => policy_status(error),
            ApiError::Store(error) => {
                let (status, text) = store_status(error);
                (status, None, text)
            }
            ApiError::Connect(error) => connect_status(error),
        }
    }
}

/// The status of a policy outcome: refusals by a product rule are 409 (the request
/// conflicts with the org's state under that rule), permission refusals 403, unknown
/// references 404, taken names 409, bad input 400.
fn policy_status(error: &ExecuteError) -> (StatusCode, Option<&'static str>, String) {
    let status = match error {
        PolicyError::Port(store) => {
            let (status, text) = store_status(store);
            return (status, None, text);
        }
        PolicyError::UserNotFound { .. } | PolicyError::TeamNotFound { .. } => {
            StatusCode::NOT_FOUND
        }
        PolicyError::InvalidTeamName { .. } | PolicyError::MissingEmail { .. } => {
            StatusCode::BAD_REQUEST
        }
        PolicyError::NotAccountAdmin { .. }
        | PolicyError::UserDeactivated { .. }
        | PolicyError::NotProvisioned { .. } => StatusCode::FORBIDDEN,
        PolicyError::BuiltInTeamMissing { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        PolicyError::UserNameTaken { .. }
        | PolicyError::EmailTaken { .. }
        | PolicyError::GroupNameTaken { .. }
        | PolicyError::TeamNameTaken { .. }
        | PolicyError::IdpEmailTaken { .. }
        | PolicyError::SelfChange { .. }
        | PolicyError::BuiltInTeamName { .. }
        | PolicyError::BuiltInTeamFixed { .. }
        | PolicyError::BuiltInMembership { .. }
        | PolicyError::IdpTeamFixed { .. }
        | PolicyError::IdpTeamMembers { .. }
        | PolicyError::ScimManagedUser { .. }
        | PolicyError::SsoNotConnected
        | PolicyError::SalesforceInvitesDisabled
        | PolicyError::SandboxCannotConnect
        | PolicyError::AlreadyConnected => StatusCode::CONFLICT,
    };
    (status, error.rule(), error.to_string())
}

/// The status of a refused walkthrough step: rule refusals are 409 (403 for the
/// operator's gate, W3), a refused sheet 422, invalid IdP details 400.
fn connect_status(error: &ConnectError) -> (StatusCode, Option<&'static str>, String) {
    let status = match error {
        ConnectError::Policy(error) => return policy_status(error),
        ConnectError::Store(error) => {
            let (status, text) = store_status(error);
            return (status, None, text);
        }
        ConnectError::Sheet(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "the mapping sheet could not be written; the server log has the details".into(),
            );
        }
        ConnectError::SsoNotEnabled => StatusCode::FORBIDDEN,
        ConnectError::MappingRejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ConnectError::InvalidIdp { .. } => StatusCode::BAD_REQUEST,
        ConnectError::Sandbox
        | ConnectError::AlreadyConnected
        | ConnectError::OutOfOrder { .. }
        | ConnectError::NotScimMode { .. } => StatusCode::CONFLICT,
    };
    (status, error.rule(), error.to_string())
}

/// The problems of a refused mapping sheet, by row and column (M2).
pub(crate) fn problems_json(rejection: &Rejection) -> serde_json::Value {
    rejection
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "row": p.row,
                "column": p.column.map(|c| c.to_string()),
                "message": p.message,
            })
        })
        .collect()
}

/// The status and public text of a storage failure; internals stay in the log.
fn store_status(error: &StoreError) -> (StatusCode, String) {
    match error {
        StoreError::OrgNotFound { .. }
        | StoreError::UserNotFound { .. }
        | StoreError::UnknownUserId { .. } => (StatusCode::NOT_FOUND, error.to_string()),
        StoreError::NotAccountAdmin { .. } => (StatusCode::FORBIDDEN, error.to_string()),
        StoreError::OrgExists { .. }
        | StoreError::UserExists { .. }
        | StoreError::NoIdpConnection => (StatusCode::CONFLICT, error.to_string()),
        StoreError::Contention => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
        StoreError::Connect(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unreachable".into(),
        ),
        StoreError::UnsupportedUrl { .. }
        | StoreError::Migration(_)
        | StoreError::Corrupt { .. }
        | StoreError::Database(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error; the server log has the details".into(),
        ),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status_rule_and_public_text().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, rule, text) = self.status_rule_and_public_text();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        let mut body = serde_json::json!({
            "error": { "status": status.as_u16(), "rule": rule, "message": text }
        });
        if let ApiError::Connect(ConnectError::MappingRejected(rejection)) = self {
            body["problems"] = problems_json(rejection);
            body["omitted"] = rejection.omitted.into();
        }
        response.json(body)
    }
}
