//! Errors, and the one place they become HTTP responses.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use tessera_store::StoreError;

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

/// An error a request handler answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request body is larger than `body_limit_bytes`.
    #[error("the request body is larger than the {limit}-byte limit")]
    PayloadTooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The database is unreachable.
    #[error("the database is unreachable")]
    Unavailable,
    /// A storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    fn status_and_public_text(&self) -> (StatusCode, String) {
        match self {
            ApiError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, self.to_string()),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, self.to_string()),
            ApiError::Store(error) => store_status(error),
        }
    }
}

/// The status and public text of a storage failure; internals stay in the log.
fn store_status(error: &StoreError) -> (StatusCode, String) {
    match error {
        StoreError::OrgNotFound { .. } => (StatusCode::NOT_FOUND, error.to_string()),
        StoreError::OrgExists { .. } | StoreError::UserExists { .. } => {
            (StatusCode::CONFLICT, error.to_string())
        }
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
        self.status_and_public_text().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, text) = self.status_and_public_text();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        HttpResponse::build(status).json(serde_json::json!({ "error": text }))
    }
}
