//! SAML 2.0 login: SP metadata, SP-initiated login (HTTP-Redirect AuthnRequest), and the
//! assertion consumer service for SP- and IdP-initiated responses (L1, L2): thin actix
//! adapters over `tessera_service::login` (cookies, pages, status codes, sessions).

mod acs;
mod browser;
mod login;
mod metadata;

pub(crate) use login::{failure_page, no_workspace, refusal_page};

use crate::Config;
use actix_web::web;
use std::sync::Arc;
use tessera_saml::SpKeyPair;
use tessera_service::login::{LoginConfig, LoginService};
use tessera_store::Store;

/// The SAML endpoints' shared state: the login service (with the refusal-record
/// budget of this process) and whether the request cookie is `Secure`.
pub(crate) struct Saml {
    pub service: LoginService,
    /// The public URL is https: the request cookie is `__Host-`, `Secure; SameSite=None`.
    pub https: bool,
}

impl Saml {
    pub fn new(config: &Config, store: &Store, sp_keys: SpKeyPair) -> Self {
        let login = LoginConfig {
            public_url: config.public_url.trim_end_matches('/').to_owned(),
            sp_key_pair: Some(sp_keys),
            max_outstanding_requests: config.saml_outstanding_requests_per_org,
            refusals_recorded_per_minute: config.saml_refusals_recorded_per_minute,
            diagnostics: config.diagnostics_retention(),
        };
        Self {
            service: LoginService::new(Arc::new(store.clone()), login),
            https: config.is_https(),
        }
    }
}

/// Registers the SAML routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/saml/{ws}/metadata", web::get().to(metadata::show))
        .route("/saml/{ws}/login", web::get().to(login::start))
        .route("/saml/{ws}/acs", web::post().to(acs::consume));
}
