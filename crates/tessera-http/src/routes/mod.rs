//! The route table.

mod health;

use actix_web::web;

/// Registers every route.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .configure(crate::api::configure)
        .configure(crate::scim::configure)
        .configure(crate::login::configure)
        .configure(crate::pages::configure)
        .configure(crate::saml::configure)
        .configure(crate::salesforce::configure);
}
