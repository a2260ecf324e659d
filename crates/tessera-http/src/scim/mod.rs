//! The SCIM 2.0 server (RFC 7644) under `/scim/v2/{ws}`: one set of endpoints that
//! Okta, Entra ID, OneLogin, JumpCloud, PingFederate and PingOne drive unchanged.
//!
//! Requests are authenticated per org ([`auth`]), bodies are normalised by
//! `tessera-scim`, every change is one `Store::execute` transaction decided by the
//! policy engine (which writes the audit log and queues invitations), and every failure
//! is answered as a SCIM Error ([`error`]).

mod auth;
mod discovery;
mod error;
mod groups;
mod rate_limit;
mod response;
mod users;

use actix_web::{HttpRequest, HttpResponse, web};
use error::ScimFailure;
use rate_limit::ScimRateLimit;

/// The SCIM server's limits, from the configuration.
#[derive(Clone)]
pub(crate) struct ScimLimits {
    /// Requests per second per org (`scim_rate_limit_per_second`, `…_burst`).
    pub rate_limit: ScimRateLimit,
    /// The most rows an unindexed filter may scan (`scim_filter_scan_limit`).
    pub filter_scan_limit: u64,
}

impl ScimLimits {
    pub(crate) fn from_config(config: &crate::Config) -> Self {
        Self {
            rate_limit: ScimRateLimit::new(
                config.scim_rate_limit_per_second,
                config.scim_rate_limit_burst,
            ),
            filter_scan_limit: config.scim_filter_scan_limit,
        }
    }
}

/// Registers the SCIM endpoints; anything else under the SCIM root is a SCIM 404.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/scim/v2/{ws}")
            .service(
                web::resource("/Users")
                    .route(web::get().to(users::list))
                    .route(web::post().to(users::create))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(search("/Users/.search", web::post().to(users::search)))
            .service(
                web::resource("/Users/{id}")
                    .route(web::get().to(users::get))
                    .route(web::put().to(users::replace))
                    .route(web::patch().to(users::patch))
                    .route(web::delete().to(users::delete))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/Groups")
                    .route(web::get().to(groups::list))
                    .route(web::post().to(groups::create))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(search("/Groups/.search", web::post().to(groups::search)))
            .service(
                web::resource("/Groups/{id}")
                    .route(web::get().to(groups::get))
                    .route(web::put().to(groups::replace))
                    .route(web::patch().to(groups::patch))
                    .route(web::delete().to(groups::delete))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(read_only(
                "/ServiceProviderConfig",
                web::get().to(discovery::service_provider_config),
            ))
            .service(read_only(
                "/ResourceTypes",
                web::get().to(discovery::resource_types),
            ))
            .service(read_only(
                "/ResourceTypes/{id}",
                web::get().to(discovery::resource_type),
            ))
            .service(search("/.search", web::post().to(search_all_types)))
            .service(read_only("/Schemas", web::get().to(discovery::schemas)))
            .service(read_only("/Schemas/{id}", web::get().to(discovery::schema)))
            .default_service(web::to(unknown_endpoint)),
    );
}

/// A discovery resource: GET only, other methods answer 405.
fn read_only(path: &str, get: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(get)
        .default_service(web::to(method_not_allowed))
}

/// A `.search` endpoint: POST only, other methods answer 405.
fn search(path: &str, post: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(post)
        .default_service(web::to(method_not_allowed))
}

/// `POST /.search` across resource types: optional in RFC 7644 §3.4.3, answered 501
/// (§3.12) as the RFC suggests for an operation the provider does not support.
async fn search_all_types() -> Result<HttpResponse, ScimFailure> {
    Err(ScimFailure::NotImplemented {
        what: "searching several resource types at once (POST /.search); use /Users/.search or /Groups/.search",
    })
}

/// The SCIM 413 answer, for the body-size middleware.
pub(crate) fn payload_too_large() -> HttpResponse {
    actix_web::ResponseError::error_response(&ScimFailure::PayloadTooLarge)
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ScimFailure> {
    Err(ScimFailure::MethodNotAllowed {
        method: req.method().to_string(),
    })
}

async fn unknown_endpoint(req: HttpRequest) -> Result<HttpResponse, ScimFailure> {
    Err(ScimFailure::UnknownEndpoint {
        path: req.path().to_owned(),
    })
}
