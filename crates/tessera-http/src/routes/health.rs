//! Liveness, readiness and metrics.

use crate::{ApiError, AppState};
use actix_web::{HttpResponse, web};

/// Liveness: the process answers.
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

/// Readiness: the database answers.
pub(crate) async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    match web::block(move || store.ping()).await {
        Ok(Ok(())) => Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready\n")),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check failed");
            Err(ApiError::Unavailable)
        }
        Err(_) => Err(ApiError::Unavailable),
    }
}

/// Prometheus text exposition.
pub(crate) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
