//! Refuses oversized request bodies: before they are read when they declare their
//! length, and as soon as the limit is passed when they come chunked.

use crate::ApiError;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{Error, ResponseError};
use futures_util::future::{LocalBoxFuture, Ready, ready};
use std::time::Duration;

/// How long a client has to send a request's head (line and headers) after connecting
/// or after the previous response: slower clients (slowloris) get 408 and are dropped.
pub(crate) const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle keep-alive connection stays open.
pub(crate) const KEEP_ALIVE: Duration = Duration::from_secs(5);
/// How long a closing connection may take to shut down.
pub(crate) const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// The answer to a body extractor's error (JSON, form): 413 when the body passed the
/// limit, also when it came without a `Content-Length`; else 400 with the reason.
pub(crate) fn body_error(error: impl ResponseError, limit: usize) -> Error {
    if error.status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge { limit }.into()
    } else {
        ApiError::BadRequest(error.to_string()).into()
    }
}

/// Middleware answering 413 to any request whose declared `Content-Length` exceeds the
/// limit. Bodies without a length (chunked) are bounded by the extractors' own limits
/// (`PayloadConfig`, `JsonConfig`, `FormConfig`, and the upload reader).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit {
    limit: usize,
}

impl BodyLimit {
    pub(crate) fn new(limit: usize) -> Self {
        Self { limit }
    }
}

impl<S, B> Transform<S, ServiceRequest> for BodyLimit
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = BodyLimitService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(BodyLimitService {
            service,
            limit: self.limit,
        }))
    }
}

pub(crate) struct BodyLimitService<S> {
    service: S,
    limit: usize,
}

impl<S, B> Service<ServiceRequest> for BodyLimitService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.limit as u64) {
            let response = if req.path().starts_with("/scim/") {
                crate::scim::payload_too_large()
            } else {
                ApiError::PayloadTooLarge { limit: self.limit }.error_response()
            };
            return Box::pin(ready(Ok(req.into_response(response).map_into_right_body())));
        }
        let future = self.service.call(req);
        Box::pin(async move { Ok(future.await?.map_into_left_body()) })
    }
}
