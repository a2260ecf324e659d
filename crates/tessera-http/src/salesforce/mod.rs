//! Salesforce login over OpenID Connect: `GET /login/salesforce/production` and
//! `/login/salesforce/sandbox` start it (taking `ws` and `next`), and
//! `{public_url}/login/salesforce/callback` finishes it. The flow's state lives in the
//! database (`tessera_service::login::salesforce`), bound to the browser by a cookie.
//!
//! Salesforce sends the browser back with a top-level cross-site GET: a
//! `SameSite=Strict` cookie (such as the CSRF cookie) is not sent with it, so the state
//! cookie is `SameSite=Lax`, which is.

mod oidc;
mod routes;

use crate::config::Config;
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, web};
use oidc::Oidc;
use std::sync::Arc;
use tessera_service::login::salesforce::{STATE_LIFETIME, SalesforceService};
use tessera_store::Store;

/// The state cookie over plain http.
const STATE_COOKIE: &str = "tessera_sf_state";
/// Over https: `__Host-` keeps sibling subdomains from planting a known value.
const HOST_STATE_COOKIE: &str = "__Host-tessera_sf_state";
/// The prefix of the cookie's values.
const BINDING_PREFIX: &str = "tsr_sf";

/// Salesforce login, when `salesforce_client_id` is configured.
pub(crate) struct Salesforce {
    oidc: Oidc,
    service: SalesforceService,
    https: bool,
}

impl Salesforce {
    /// The login of `config` over `store`; `None` without a client id.
    pub(crate) fn new(config: &Config, store: &Store) -> Result<Option<Self>, String> {
        let Some(client_id) = config.salesforce_client_id.as_deref() else {
            return Ok(None);
        };
        let public_url = config.public_url.trim_end_matches('/');
        let oidc = Oidc::new(
            client_id,
            config
                .salesforce_client_secret
                .as_ref()
                .map(|s| s.expose().as_str()),
            &format!("{public_url}/login/salesforce/callback"),
            &config.salesforce_production_url,
            &config.salesforce_sandbox_url,
        )?;
        Ok(Some(Self {
            oidc,
            service: SalesforceService::new(Arc::new(store.clone())),
            https: public_url.starts_with("https://"),
        }))
    }

    fn cookie_name(&self) -> &'static str {
        if self.https {
            HOST_STATE_COOKIE
        } else {
            STATE_COOKIE
        }
    }

    /// The browser binding the request presents, if it has the shape of one.
    fn presented(&self, request: &HttpRequest) -> Option<String> {
        request
            .cookie(self.cookie_name())
            .map(|c| c.value().to_owned())
            .filter(|v| v.starts_with("tsr_sf_") && v.len() < 128)
    }

    /// The state cookie: HttpOnly, `SameSite=Lax` (sent with Salesforce's cross-site
    /// redirect back), `Secure` over https, for as long as a login may take.
    fn cookie(&self, value: String) -> Cookie<'static> {
        Cookie::build(self.cookie_name(), value)
            .path("/")
            .http_only(true)
            .secure(self.https)
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::seconds(STATE_LIFETIME.num_seconds()))
            .finish()
    }

    /// A cookie that removes the state cookie.
    fn cleared_cookie(&self) -> Cookie<'static> {
        let mut cookie = self.cookie(String::new());
        cookie.make_removal();
        cookie
    }
}

/// A fresh browser binding value (256 bits).
fn new_binding() -> String {
    tessera_core::generate_token(BINDING_PREFIX)
}

/// Registers the Salesforce routes (they answer 404 while it is not configured).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/login/salesforce/production",
        web::get().to(routes::start_production),
    )
    .route(
        "/login/salesforce/sandbox",
        web::get().to(routes::start_sandbox),
    )
    .route(
        "/login/salesforce/callback",
        web::get().to(routes::callback),
    );
}
