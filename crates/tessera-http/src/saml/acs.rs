//! `POST /saml/{ws}/acs`: the assertion consumer service over `LoginService::consume`.
//! A signed-in user gets a web session and goes to the RelayState; a refused response
//! is a 403 page; a storage failure while validating is a 503.

use super::browser;
use super::login::{failure_page, no_workspace, refusal_page};
use crate::session::{WEB_SESSION_TTL, session_cookie};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tessera_core::WorkspaceName;
use tessera_service::ServiceError;
use tessera_service::login::{AcsOutcome, AcsRequest};
use tessera_store::SessionKind;

/// The HTTP-POST binding's form.
#[derive(Deserialize)]
pub(crate) struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    saml_response: String,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// Consumes a SAML response and starts a session.
pub(crate) async fn consume(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AcsForm>,
) -> Result<HttpResponse, ApiError> {
    let Ok(ws) = WorkspaceName::parse(&path) else {
        return Ok(no_workspace());
    };
    let now = state.clock.now();
    let inner = state.clone();
    let form = form.into_inner();
    let browser = browser::presented(&request, state.saml.https);
    let outcome = web::block(move || -> Result<_, ServiceError> {
        let posted = AcsRequest {
            workspace: &ws,
            saml_response: &form.saml_response,
            relay_state: form.relay_state.as_deref(),
            browser: browser.as_deref(),
        };
        match inner.saml.service.consume(&posted, now)? {
            AcsOutcome::SignIn(sign_in) => {
                let token = inner
                    .store
                    .create_session(
                        sign_in.org,
                        sign_in.user,
                        SessionKind::Web,
                        WEB_SESSION_TTL,
                        now,
                    )
                    .map_err(|e| ServiceError::internal(e.to_string()))?;
                Ok(Ok((token, sign_in.next)))
            }
            AcsOutcome::Refused(refusal) => Ok(Err(refusal)),
        }
    })
    .await
    .map_err(|_| ApiError::Unavailable)?;
    let secure = state.public_url.starts_with("https://");
    Ok(match outcome {
        Ok(Ok((token, next))) => HttpResponse::SeeOther()
            .cookie(session_cookie(token, secure))
            .insert_header((header::LOCATION, next))
            .finish(),
        Ok(Err(refusal)) => failure_page(StatusCode::FORBIDDEN, &refusal.message),
        Err(error) => refusal_page(
            &error,
            "Sign-in is unavailable right now.",
            "SAML login failed",
        ),
    })
}
