//! The start and callback routes of Salesforce login.

use super::oidc::Failure;
use super::{Salesforce, new_binding};
use crate::saml::{failure_page, no_workspace, refusal_page};
use crate::session::{WEB_SESSION_TTL, session_cookie};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tessera_core::{OrgKind, WorkspaceName};
use tessera_service::ServiceError;
use tessera_service::login::salesforce::{PendingLogin, SalesforceOutcome};
use tessera_store::SessionKind;

/// `GET /login/salesforce/{production,sandbox}` query (other fields are ignored).
#[derive(Deserialize)]
pub(crate) struct StartQuery {
    ws: Option<String>,
    next: Option<String>,
}

/// The callback's query: the code and state, or an error, and the issuer (RFC 9207).
#[derive(Deserialize)]
pub(crate) struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// What Salesforce login tells a browser whose state is missing, forged, used or old.
const STATE_UNKNOWN: &str = "This Salesforce sign-in has expired or was already used. \
    Start again from the sign-in page.";

/// The page of a Salesforce route while Salesforce login is not configured.
fn not_offered() -> HttpResponse {
    failure_page(
        StatusCode::NOT_FOUND,
        "Salesforce login is not offered here.",
    )
}

fn unavailable(detail: &str) -> HttpResponse {
    tracing::error!(error = %detail, "Salesforce login: Salesforce unavailable");
    failure_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Salesforce cannot be reached right now. Try again in a moment.",
    )
}

/// `GET /login/salesforce/production`.
pub(crate) async fn start_production(
    state: web::Data<AppState>,
    query: web::Query<StartQuery>,
) -> HttpResponse {
    start(state, query.into_inner(), OrgKind::Production).await
}

/// `GET /login/salesforce/sandbox`.
pub(crate) async fn start_sandbox(
    state: web::Data<AppState>,
    query: web::Query<StartQuery>,
) -> HttpResponse {
    start(state, query.into_inner(), OrgKind::Sandbox).await
}

/// Stores the started login and sends the browser to Salesforce.
async fn start(
    state: web::Data<AppState>,
    query: StartQuery,
    environment: OrgKind,
) -> HttpResponse {
    let Some(salesforce) = state.salesforce.clone() else {
        return not_offered();
    };
    let Some(ws) = query
        .ws
        .as_deref()
        .and_then(|ws| WorkspaceName::parse(ws.trim()).ok())
    else {
        return failure_page(
            StatusCode::BAD_REQUEST,
            "Enter your workspace name, then choose Salesforce.",
        );
    };
    let now = state.clock.now();
    let (url, secrets) = match salesforce.oidc.authorize(environment, now).await {
        Ok(started) => started,
        Err(Failure::Unavailable(detail) | Failure::Refused(_, detail)) => {
            return unavailable(&detail);
        }
    };
    let binding = new_binding();
    let (inner, value) = (salesforce.clone(), binding.clone());
    let stored = web::block(move || {
        inner.service.start(
            &ws,
            environment,
            query.next.as_deref(),
            &value,
            &secrets,
            now,
        )
    })
    .await;
    match stored {
        Ok(Ok(())) => HttpResponse::SeeOther()
            .cookie(salesforce.cookie(binding))
            .insert_header((header::LOCATION, url))
            .finish(),
        Ok(Err(error)) if error.kind == tessera_service::ErrorKind::NotFound => no_workspace(),
        Ok(Err(error)) => refusal_page(&error, "Sign-in failed.", "Salesforce login start"),
        Err(_) => failure_page(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment."),
    }
}

/// `GET /login/salesforce/callback`: takes the state (once), checks Salesforce's
/// answer, and signs the account in.
pub(crate) async fn callback(
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let Some(salesforce) = state.salesforce.clone() else {
        return Ok(not_offered());
    };
    let query = query.into_inner();
    let now = state.clock.now();
    let binding = salesforce.presented(&request);
    let taken_state = query.state.clone().unwrap_or_default();
    let inner = salesforce.clone();
    let pending = crate::blocking::blocking(move || {
        inner.service.take(&taken_state, binding.as_deref(), now)
    })
    .await?;
    let Some(pending) = pending else {
        let mut response = failure_page(StatusCode::BAD_REQUEST, STATE_UNKNOWN);
        response.add_cookie(&salesforce.cleared_cookie()).ok();
        return Ok(response);
    };
    let outcome = match check(&salesforce, &pending, &query, now).await {
        Ok(identity) => {
            let inner = salesforce.clone();
            let pending = pending.clone();
            web::block(move || inner.service.complete(&pending, &identity, now)).await
        }
        Err(Failure::Refused(code, detail)) => {
            let inner = salesforce.clone();
            let pending = pending.clone();
            web::block(move || inner.service.refuse(&pending, code, &detail, now)).await
        }
        Err(Failure::Unavailable(detail)) => return Ok(unavailable(&detail)),
    }
    .map_err(|_| ApiError::Unavailable)?;
    let mut response = respond(&state, outcome, now).await;
    response.add_cookie(&salesforce.cleared_cookie()).ok();
    Ok(response)
}

/// Salesforce's answer for the started login: its `error`, its `iss` (RFC 9207: when
/// sent, it must be the issuer the login went to), then the code exchange and the ID
/// token's checks.
async fn check(
    salesforce: &Salesforce,
    pending: &PendingLogin,
    query: &CallbackQuery,
    now: DateTime<Utc>,
) -> Result<tessera_service::login::salesforce::SalesforceIdentity, Failure> {
    if let Some(error) = &query.error {
        return Err(Failure::Refused("provider_error", error.clone()));
    }
    let expected = salesforce.oidc.issuer_url(pending.environment);
    if let Some(iss) = &query.iss
        && iss.trim_end_matches('/') != expected.trim_end_matches('/')
    {
        return Err(Failure::Refused(
            "issuer_mismatch",
            format!("the callback's iss {iss:?} is not {expected:?}"),
        ));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(Failure::Refused("no_code", "no code".into()));
    };
    salesforce.oidc.identity(pending, code, now).await
}

/// A session and a redirect to `next`, or the refusal page (403).
async fn respond(
    state: &web::Data<AppState>,
    outcome: Result<SalesforceOutcome, ServiceError>,
    now: DateTime<Utc>,
) -> HttpResponse {
    let sign_in = match outcome {
        Ok(SalesforceOutcome::SignIn(sign_in)) => sign_in,
        Ok(SalesforceOutcome::Refused(refusal)) => {
            return failure_page(StatusCode::FORBIDDEN, &refusal.message);
        }
        Err(error) => {
            return refusal_page(&error, "Sign-in failed.", "Salesforce login");
        }
    };
    let store = state.store.clone();
    let (org, user) = (sign_in.org, sign_in.user);
    let token =
        web::block(move || store.create_session(org, user, SessionKind::Web, WEB_SESSION_TTL, now))
            .await;
    match token {
        Ok(Ok(token)) => HttpResponse::SeeOther()
            .cookie(session_cookie(
                token,
                state.public_url.starts_with("https://"),
            ))
            .insert_header((header::LOCATION, sign_in.next))
            .finish(),
        Ok(Err(error)) => {
            tracing::error!(error = %error, "Salesforce login: session not created");
            failure_page(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment.")
        }
        Err(_) => failure_page(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment."),
    }
}
