//! The one place SCIM failures become RFC 7644 §3.12 Error responses. Policy and
//! storage failures arrive as [`ServiceError`]s and are mapped by their kind.

use super::response::{Log, ScimResponse};
use crate::error::{ErrorKind, ServiceError};
use tessera_scim::{ErrorBody, ScimError};

/// Why a SCIM request failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScimFailure {
    /// A protocol error (bad filter, bad PATCH, If-Match mismatch, …).
    #[error(transparent)]
    Protocol(#[from] ScimError),
    /// A policy refusal or a storage failure.
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("the request body is larger than the server accepts")]
    PayloadTooLarge,
    #[error("{method} is not supported on this endpoint")]
    MethodNotAllowed { method: String },
    #[error("no SCIM endpoint at {path}")]
    UnknownEndpoint { path: String },
    #[error("not supported: {what}")]
    NotImplemented { what: &'static str },
    #[error("W3: SSO/SCIM is turned off for this workspace by the operator; nothing was changed")]
    SsoDisabled,
    #[error("too many SCIM requests for this workspace; retry after {retry_after_secs} s")]
    RateLimited {
        retry_after_secs: u64,
        /// The warning for the log (the first refusal of a minute only).
        warning: Option<String>,
    },
}

impl From<crate::error::StorageError> for ScimFailure {
    fn from(error: crate::error::StorageError) -> Self {
        ScimFailure::Service(error.into())
    }
}

fn kind_status(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::NotFound => 404,
        ErrorKind::Conflict => 409,
        ErrorKind::Invalid => 400,
        ErrorKind::Forbidden => 403,
        ErrorKind::Unavailable => 503,
        ErrorKind::Internal => 500,
    }
}

impl ScimFailure {
    /// The SCIM Error response, with `WWW-Authenticate` on 401 and `Retry-After` on
    /// 429 and 503; server faults carry a line for the caller's log.
    pub(crate) fn response(&self) -> ScimResponse {
        let (status, scim_type) = match self {
            ScimFailure::Protocol(error) => (error.status(), error.scim_type()),
            ScimFailure::Service(error) => (kind_status(error.kind), error.scim_type),
            ScimFailure::PayloadTooLarge => (413, None),
            ScimFailure::MethodNotAllowed { .. } => (405, None),
            ScimFailure::UnknownEndpoint { .. } => (404, None),
            ScimFailure::NotImplemented { .. } => (501, None),
            ScimFailure::SsoDisabled => (403, None),
            ScimFailure::RateLimited { .. } => (429, None),
        };
        let mut response =
            ScimResponse::json(status, &ErrorBody::new(status, scim_type, self.to_string()));
        if status == 401 {
            response.set_header("WWW-Authenticate", "Bearer realm=\"SCIM\"");
        }
        if status == 503 || status == 429 {
            let seconds = match self {
                ScimFailure::RateLimited {
                    retry_after_secs, ..
                } => *retry_after_secs,
                _ => 1,
            };
            response.set_header("Retry-After", &seconds.max(1).to_string());
        }
        if let ScimFailure::RateLimited {
            warning: Some(warning),
            ..
        } = self
        {
            response.log = Some(Log::Warn(warning.clone()));
        }
        if status >= 500 && status != 501 {
            let detail = match self {
                ScimFailure::Service(error) => error
                    .log_detail
                    .clone()
                    .unwrap_or_else(|| error.to_string()),
                other => other.to_string(),
            };
            response.log = Some(Log::Error(format!("SCIM request failed: {detail}")));
        }
        response
    }
}
