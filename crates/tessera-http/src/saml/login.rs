//! `GET /saml/{ws}/login`: SP-initiated login (L2). Sends the browser to the org's IdP
//! with an AuthnRequest (HTTP-Redirect binding, signed when the SP has a key) whose id
//! (128 random bits) is stored with the RelayState and the browser binding (see
//! `browser.rs`) until it is answered or expires; at most
//! `saml_outstanding_requests_per_org` are kept per org (the oldest is dropped).

use super::browser;
use super::settings::{Unavailable, identity_provider, service_provider};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde::Deserialize;
use tessera_core::WorkspaceName;
use tessera_saml::AuthnRequest;

/// How long an AuthnRequest may be answered.
const REQUEST_LIFETIME: Duration = Duration::minutes(10);

/// `GET /saml/{ws}/login` query.
#[derive(Deserialize)]
pub(crate) struct StartQuery {
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// Redirects to the IdP.
pub(crate) async fn start(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse, ApiError> {
    let Ok(ws) = WorkspaceName::parse(&path) else {
        return Ok(failure_page(
            StatusCode::NOT_FOUND,
            "There is no workspace with that name.",
        ));
    };
    let relay_state = query
        .relay_state
        .as_deref()
        .and_then(tessera_saml::relay_state::sanitize)
        .map(str::to_owned);
    let now = state.clock.now();
    let inner = state.clone();
    let binding = browser::binding_value(&request, state.saml.https);
    let bound = binding.clone();
    let url =
        crate::blocking::blocking(move || -> Result<Result<String, Unavailable>, ApiError> {
            let (org, idp) = match identity_provider(&inner, &ws) {
                Ok(found) => found,
                Err(unavailable) => return Ok(Err(unavailable)),
            };
            let sp = match service_provider(&inner, &ws) {
                Ok(sp) => sp,
                Err(unavailable) => return Ok(Err(unavailable)),
            };
            let request = AuthnRequest::new(&sp, &idp, now, REQUEST_LIFETIME);
            let dropped = inner.store.save_saml_request(
                org.id,
                request.id(),
                &bound,
                relay_state.as_deref(),
                now,
                request.expires_at(),
                inner.saml.max_outstanding_requests,
            )?;
            if dropped > 0 {
                tracing::warn!(org = %ws, dropped,
                    limit = inner.saml.max_outstanding_requests,
                    "too many outstanding SAML requests: the oldest were dropped");
            }
            let signing = if idp.sign_authn_requests {
                sp.key_pair.as_ref()
            } else {
                None
            };
            Ok(request
                .redirect_url(None, signing)
                .map_err(|e| Unavailable::Internal(e.to_string())))
        })
        .await?;
    Ok(match url {
        Ok(url) => HttpResponse::Found()
            .cookie(browser::request_cookie(
                binding,
                state.saml.https,
                REQUEST_LIFETIME.num_seconds(),
            ))
            .insert_header((header::LOCATION, url))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Err(Unavailable::NoOrg) => failure_page(
            StatusCode::NOT_FOUND,
            "There is no workspace with that name.",
        ),
        Err(Unavailable::NotConnected) => failure_page(
            StatusCode::CONFLICT,
            "Single sign-on is not set up for this workspace. Sign in with your email instead.",
        ),
        Err(Unavailable::Internal(error)) => {
            tracing::error!(%error, "cannot start a SAML login");
            failure_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Single sign-on is unavailable right now.",
            )
        }
    })
}

/// A page saying why SSO did not work, with a way back.
pub(crate) fn failure_page(status: StatusCode, message: &str) -> HttpResponse {
    let markup = crate::login::page(
        "Sign-in failed",
        maud::html! {
            h1 { "Sign-in failed" }
            p.error role="alert" { (message) }
            p { a href="/login" { "Back to sign in" } }
        },
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}
