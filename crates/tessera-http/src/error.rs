//! Errors, and the one place they become HTTP responses of the admin API and the
//! pages (SCIM errors, which have a body format of their own, are answered by the SCIM
//! service).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use tessera_mapping::Rejection;
use tessera_service::{ErrorDetails, ErrorKind, ServiceError};
use tessera_store::{ExecuteError, StoreError};

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
    /// The request is well formed but refused (a webhook URL reaching a non-public
    /// address).
    #[error("{0}")]
    Unprocessable(String),
    /// The database is unreachable.
    #[error("the database is unreachable")]
    Unavailable,
    /// A service refused or failed (the policy engine, a walkthrough step, the store);
    /// a refused mapping sheet lists its problems in the body's `problems`.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<ExecuteError> for ApiError {
    fn from(error: ExecuteError) -> Self {
        ApiError::Service(ServiceError::from_policy(error))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::Service(error.into())
    }
}

impl ApiError {
    /// The failure as a service error; `None` for the HTTP-only ones with a status of
    /// their own.
    fn service_error(&self) -> Option<ServiceError> {
        let text = self.to_string();
        Some(match self {
            ApiError::PayloadTooLarge { .. }
            | ApiError::RequestTimeout { .. }
            | ApiError::Unauthorized
            | ApiError::Unprocessable(_) => return None,
            ApiError::Forbidden(_) => ServiceError::forbidden(text),
            ApiError::NotFound(_) => ServiceError::not_found(text),
            ApiError::BadRequest(_) => ServiceError::invalid(text),
            ApiError::Unavailable => ServiceError::new(ErrorKind::Unavailable, text),
            ApiError::Service(error) => error.clone(),
        })
    }

    fn status_rule_and_public_text(&self) -> (StatusCode, Option<&'static str>, String) {
        match self.service_error() {
            Some(error) => (kind_status(&error), error.rule, error.message),
            None => {
                let status = match self {
                    ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
                    ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    _ => StatusCode::UNAUTHORIZED,
                };
                (status, None, self.to_string())
            }
        }
    }

    /// The problems of a refused mapping sheet (M2), if this is one.
    pub(crate) fn rejection(&self) -> Option<&Rejection> {
        match self {
            ApiError::Service(ServiceError {
                details: Some(ErrorDetails::MappingRejected(rejection)),
                ..
            }) => Some(rejection),
            _ => None,
        }
    }
}

/// The one map from error kinds to the statuses of the admin API and the pages.
fn kind_status(error: &ServiceError) -> StatusCode {
    match error.kind {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        // M2: a refused sheet, its problems in the body.
        ErrorKind::Invalid if error.details.is_some() => StatusCode::UNPROCESSABLE_ENTITY,
        // A value a product rule refuses (T1: a built-in team's name) conflicts with it.
        ErrorKind::Invalid if error.rule.is_some() => StatusCode::CONFLICT,
        ErrorKind::Invalid => StatusCode::BAD_REQUEST,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
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

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status_rule_and_public_text().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, rule, text) = self.status_rule_and_public_text();
        if status.is_server_error() {
            let detail = match self {
                ApiError::Service(ServiceError {
                    log_detail: Some(detail),
                    ..
                }) => detail.clone(),
                _ => self.to_string(),
            };
            tracing::error!(error = %detail, "request failed");
        }
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        let mut body = serde_json::json!({
            "error": { "status": status.as_u16(), "rule": rule, "message": text }
        });
        if let Some(rejection) = self.rejection() {
            body["problems"] = problems_json(rejection);
            body["omitted"] = rejection.omitted.into();
        }
        response.json(body)
    }
}
