//! `POST /saml/{ws}/acs`: the assertion consumer service. A valid response (checked by
//! `tessera_saml::validate_response` with the org's pinned certificates, request ids and
//! replay cache) signs the user in; the policy engine decides who that is (JIT: U3,
//! M3 links, L3) and refuses deactivated accounts. A refused response is recorded
//! (audit `saml.login_refused` and a log line) as a reason code with a bounded,
//! sanitised detail, at most `saml_refusals_recorded_per_minute` per org; a storage
//! failure while validating is a 503 and a server error in the log, not a refusal.

use super::browser;
use super::guards::Admission;
use super::login::failure_page;
use super::ports::StorePorts;
use super::settings::{Unavailable, identity_provider, service_provider};
use crate::session::{WEB_SESSION_TTL, session_cookie};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use tessera_core::OrgId;
use tessera_core::{Source, WorkspaceName};
use tessera_policy::{Command, PolicyError, SamlLogin, Subject};
use tessera_saml::{Limits, SamlError, validate_response};
use tessera_store::{Actor, SessionKind};

/// The HTTP-POST binding's form.
#[derive(Deserialize)]
pub(crate) struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    saml_response: String,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// Why a response did not sign anyone in.
enum Refusal {
    Unavailable(Unavailable),
    /// The response itself was refused (signature, audience, time, replay, …).
    Response,
    /// The response carried no usable email.
    NoEmail,
    /// The policy engine refused the login (deactivated, not provisioned, …).
    Policy(String),
    /// A store failure.
    Internal(String),
    /// The store failed while the response was being validated (replay cache,
    /// request ids): answered 503, the response was not judged.
    Storage(String),
}

/// Consumes a SAML response and starts a session.
pub(crate) async fn consume(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AcsForm>,
) -> Result<HttpResponse, ApiError> {
    let Ok(ws) = WorkspaceName::parse(&path) else {
        return Ok(failure_page(
            StatusCode::NOT_FOUND,
            "There is no workspace with that name.",
        ));
    };
    let now = state.clock.now();
    let inner = state.clone();
    let form = form.into_inner();
    let posted_relay = form.relay_state.clone();
    let browser = browser::presented(&request, state.saml.https);
    let outcome =
        web::block(move || sign_in(&inner, &ws, &form.saml_response, browser.as_deref(), now))
            .await
            .map_err(|_| ApiError::Unavailable)?;
    let secure = state.public_url.starts_with("https://");
    Ok(match outcome {
        Ok((token, stored_relay)) => {
            let next = stored_relay
                .or(posted_relay)
                .as_deref()
                .and_then(tessera_saml::relay_state::sanitize)
                .unwrap_or("/app")
                .to_owned();
            HttpResponse::SeeOther()
                .cookie(session_cookie(token, secure))
                .insert_header((header::LOCATION, next))
                .finish()
        }
        Err(Refusal::Unavailable(Unavailable::NoOrg)) => failure_page(
            StatusCode::NOT_FOUND,
            "There is no workspace with that name.",
        ),
        Err(Refusal::Unavailable(Unavailable::NotConnected)) => failure_page(
            StatusCode::CONFLICT,
            "Single sign-on is not set up for this workspace.",
        ),
        Err(Refusal::Response) => failure_page(
            StatusCode::FORBIDDEN,
            "Your identity provider's response could not be accepted. Try signing in again; \
             if it keeps failing, an account admin can see why in the audit log.",
        ),
        Err(Refusal::NoEmail) => failure_page(
            StatusCode::FORBIDDEN,
            "Your identity provider did not send an email address for you. Ask your IdP \
             admin to send the email as the NameID or an email attribute.",
        ),
        Err(Refusal::Policy(message)) => failure_page(StatusCode::FORBIDDEN, &message),
        Err(Refusal::Storage(error)) => {
            tracing::error!(%error, "storage failed while validating a SAML response");
            failure_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable right now. Try again in a moment.",
            )
        }
        Err(Refusal::Unavailable(Unavailable::Internal(error)) | Refusal::Internal(error)) => {
            tracing::error!(%error, "SAML login failed");
            failure_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in is unavailable right now.",
            )
        }
    })
}

/// Validates the response, lets the policy engine decide the login, starts a session.
/// Returns the session token and the RelayState stored with the AuthnRequest.
fn sign_in(
    state: &AppState,
    ws: &WorkspaceName,
    saml_response: &str,
    browser: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(String, Option<String>), Refusal> {
    let (org, idp) = identity_provider(state, ws).map_err(Refusal::Unavailable)?;
    let sp = service_provider(state, ws).map_err(Refusal::Unavailable)?;
    let store = &state.store;
    let ports = StorePorts {
        store,
        org_id: org.id,
        browser,
    };
    let login = match validate_response(
        saml_response,
        &sp,
        &idp,
        &Limits::default(),
        now,
        &ports,
        &ports,
    ) {
        Ok(login) => login,
        Err(SamlError::Port(error)) => return Err(Refusal::Storage(error.to_string())),
        Err(error) => {
            record_refusal(state, org.id, ws, &error, now)?;
            return Err(Refusal::Response);
        }
    };
    let email = login.email.clone().ok_or(Refusal::NoEmail)?;
    if login.sha1_used {
        let details =
            json!({ "warning": "the IdP signed with SHA-1, allowed by this org's setting" });
        store
            .record_event(
                org.id,
                &saml_actor(),
                "saml.sha1_accepted",
                "user",
                Some(email.to_string()),
                details,
                now,
            )
            .map_err(|e| Refusal::Internal(e.to_string()))?;
    }
    let command = Command::SamlLogin(SamlLogin {
        email,
        given_name: login.first_name.clone(),
        family_name: login.last_name.clone(),
    });
    let decision = match store.execute(org.id, &command, now) {
        Ok(decision) => decision,
        Err(PolicyError::Port(error)) => return Err(Refusal::Internal(error.to_string())),
        Err(refusal) => return Err(Refusal::Policy(refusal.to_string())),
    };
    let Some(Subject::User(user)) = decision.subject else {
        return Err(Refusal::Internal("the login named no user".into()));
    };
    let token = store
        .create_session(org.id, user, SessionKind::Web, WEB_SESSION_TTL, now)
        .map_err(|e| Refusal::Internal(e.to_string()))?;
    store
        .record_login(org.id, user, now)
        .map_err(|e| Refusal::Internal(e.to_string()))?;
    Ok((token, login.relay_state))
}

/// Logs and audits a refused response: its reason code and bounded, sanitised detail,
/// within the org's budget; over it, the refusal is only counted (and the count goes
/// with the next record).
fn record_refusal(
    state: &AppState,
    org_id: OrgId,
    ws: &WorkspaceName,
    error: &SamlError,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Refusal> {
    let (code, detail) = (error.code(), error.detail());
    let dropped = match state.saml.admit_refusal(org_id) {
        Admission::Record { dropped } => dropped,
        Admission::Drop { first } => {
            if first {
                tracing::warn!(org = %ws, "SAML refusals over the record limit: counting only");
            }
            return Ok(());
        }
    };
    tracing::warn!(org = %ws, code, %detail, dropped, "SAML response refused");
    let mut details = json!({ "reason": code, "detail": detail });
    if dropped > 0 {
        details["unrecorded_before"] = dropped.into();
    }
    state
        .store
        .record_event(
            org_id,
            &saml_actor(),
            "saml.login_refused",
            "org",
            None,
            details,
            now,
        )
        .map_err(|e| Refusal::Storage(e.to_string()))
}

fn saml_actor() -> Actor {
    Actor {
        name: "saml".into(),
        source: Source::Saml,
    }
}
