//! `GET|POST /invite/{token}`: an invited person sets a password (password accounts,
//! U7) or is sent to their IdP (SSO accounts, U2), then is signed in.

use super::html::{csrf_field, page, respond};
use crate::session::{Csrf, WEB_SESSION_TTL, check_csrf, session_cookie};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use maud::html;
use serde::Deserialize;
use tessera_core::{LoginMethod, MIN_PASSWORD_LEN, hash_password};
use tessera_store::{OpenInvitation, SessionKind};

/// The set-password form.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    csrf: String,
    password: String,
    confirm: String,
}

fn expired(csrf: &Csrf) -> HttpResponse {
    let markup = page(
        "Invitation",
        html! {
            h1 { "This invitation link is no longer valid" }
            p { "It was used already, it expired, or the account was deactivated. Ask an account admin of your workspace for a new one." }
            p { a href="/login" { "Sign in" } }
        },
    );
    respond(StatusCode::NOT_FOUND, Some(csrf), markup)
}

fn form(csrf: &Csrf, invitation: &OpenInvitation, ws: &str, error: Option<&str>) -> maud::Markup {
    page(
        "Welcome",
        html! {
            h1 { "Welcome to " (ws) }
            p.note { (invitation.email) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            @match invitation.login_method {
                LoginMethod::Password => {
                    form method="post" {
                        (csrf_field(csrf))
                        label for="password" { "Choose a password (at least " (MIN_PASSWORD_LEN) " characters)" }
                        input id="password" name="password" type="password" autocomplete="new-password" required;
                        label for="confirm" { "Repeat it" }
                        input id="confirm" name="confirm" type="password" autocomplete="new-password" required;
                        button type="submit" { "Set password and sign in" }
                    }
                }
                LoginMethod::Sso => {
                    p { "Your account signs in with your organisation's identity provider." }
                    p { a href={ "/saml/" (ws) "/login" } { button type="button" { "Sign in with your identity provider" } } }
                }
                LoginMethod::Salesforce => {
                    p { "Your account signs in with Salesforce." }
                }
            }
        },
    )
}

async fn lookup(
    state: &web::Data<AppState>,
    token: String,
) -> Result<Option<(OpenInvitation, String)>, ApiError> {
    let store = state.store.clone();
    let now = state.clock.now();
    web::block(move || -> Result<_, ApiError> {
        let Some(invitation) = store.open_invitation(&token, now)? else {
            return Ok(None);
        };
        let org = store.org_by_id(invitation.org_id)?;
        Ok(Some((invitation, org.name.to_string())))
    })
    .await
    .map_err(|_| ApiError::Unavailable)?
}

/// `GET /invite/{token}`.
pub(crate) async fn show(
    csrf: Csrf,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(match lookup(&state, token.into_inner()).await? {
        Some((invitation, ws)) => respond(
            StatusCode::OK,
            Some(&csrf),
            form(&csrf, &invitation, &ws, None),
        ),
        None => expired(&csrf),
    })
}

/// `POST /invite/{token}`: sets the password (once) and signs in.
pub(crate) async fn accept(
    req: HttpRequest,
    csrf: Csrf,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Form<PasswordForm>,
) -> Result<HttpResponse, ApiError> {
    check_csrf(&req, &body.csrf)?;
    let token = token.into_inner();
    let Some((invitation, ws)) = lookup(&state, token.clone()).await? else {
        return Ok(expired(&csrf));
    };
    if invitation.login_method != LoginMethod::Password {
        return Ok(respond(
            StatusCode::CONFLICT,
            Some(&csrf),
            form(&csrf, &invitation, &ws, None),
        ));
    }
    let again = |message: &str| {
        Ok(respond(
            StatusCode::BAD_REQUEST,
            Some(&csrf),
            form(&csrf, &invitation, &ws, Some(message)),
        ))
    };
    if body.password != body.confirm {
        return again("The two passwords differ.");
    }
    let turn = state.login.hashing_turn().await?;
    let password = body.password.clone();
    let hashed = crate::blocking::blocking(move || {
        let _turn = turn;
        Ok::<_, ApiError>(hash_password(&password))
    })
    .await?;
    let hash = match hashed {
        Ok(hash) => hash,
        Err(error) => return again(&error.to_string()),
    };
    let store = state.store.clone();
    let now = state.clock.now();
    let session = crate::blocking::blocking(move || -> Result<Option<String>, ApiError> {
        let Some(accepted) = store.accept_invitation(&token, Some(&hash), now)? else {
            return Ok(None);
        };
        let session = store.create_session(
            accepted.org_id,
            accepted.user_id,
            SessionKind::Web,
            WEB_SESSION_TTL,
            now,
        )?;
        store.record_login(accepted.org_id, accepted.user_id, now)?;
        Ok(Some(session))
    })
    .await?;
    Ok(match session {
        Some(session) => HttpResponse::SeeOther()
            .cookie(session_cookie(
                session,
                state.public_url.starts_with("https://"),
            ))
            .insert_header((header::LOCATION, "/app"))
            .finish(),
        None => expired(&csrf),
    })
}
