//! `GET /saml/{ws}/login`: SP-initiated login (L2) over `LoginService::start`: sends
//! the browser to the org's IdP with the AuthnRequest and sets the request cookie
//! binding it to this browser (see `browser.rs`).

use super::browser;
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tessera_core::WorkspaceName;
use tessera_service::{ErrorKind, ServiceError};

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
        return Ok(no_workspace());
    };
    let now = state.clock.now();
    let https = state.saml.https;
    let binding = browser::binding_value(&request, https);
    let (saml, bound) = (state.saml.clone(), binding.clone());
    let relay_state = query.into_inner().relay_state;
    let started = crate::blocking::blocking(move || {
        Ok::<_, ApiError>(saml.service.start(&ws, relay_state.as_deref(), &bound, now))
    })
    .await?;
    Ok(match started {
        Ok(redirect) => HttpResponse::Found()
            .cookie(browser::request_cookie(
                binding,
                https,
                redirect.binding_lifetime_secs,
            ))
            .insert_header((header::LOCATION, redirect.url))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Err(error) => refusal_page(
            &error,
            "Single sign-on is unavailable right now.",
            "cannot start a SAML login",
        ),
    })
}

/// The 404 page of a malformed workspace name.
pub(crate) fn no_workspace() -> HttpResponse {
    failure_page(
        StatusCode::NOT_FOUND,
        "There is no workspace with that name.",
    )
}

/// The page of a login that cannot go on: no such workspace (404), SSO not set up (409),
/// the storage unavailable (503) or a server fault (500 with `internal`, logged as
/// `what`).
pub(crate) fn refusal_page(error: &ServiceError, internal: &str, what: &str) -> HttpResponse {
    let detail = error.log_detail.as_deref().unwrap_or(&error.message);
    match error.kind {
        ErrorKind::NotFound => failure_page(StatusCode::NOT_FOUND, &error.message),
        ErrorKind::Conflict => failure_page(StatusCode::CONFLICT, &error.message),
        ErrorKind::Unavailable => {
            tracing::error!(error = %detail, "{what}: storage unavailable");
            failure_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable right now. Try again in a moment.",
            )
        }
        _ => {
            tracing::error!(error = %detail, "{what}");
            failure_page(StatusCode::INTERNAL_SERVER_ERROR, internal)
        }
    }
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
