//! SAML 2.0 login: SP metadata, SP-initiated login (HTTP-Redirect AuthnRequest), and the
//! assertion consumer service for SP- and IdP-initiated responses (L1, L2), with JIT
//! provisioning through the policy engine (U3, M3).

mod acs;
mod browser;
mod guards;
mod login;
mod metadata;
mod ports;
mod settings;

use actix_web::web;
pub(crate) use guards::Guards;

/// Registers the SAML routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/saml/{ws}/metadata", web::get().to(metadata::show))
        .route("/saml/{ws}/login", web::get().to(login::start))
        .route("/saml/{ws}/acs", web::post().to(acs::consume));
}
