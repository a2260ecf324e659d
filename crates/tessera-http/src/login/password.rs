//! The password step and logout.

use super::html::{csrf_field, page, respond};
use super::page::safe_next;
use crate::session::{
    Csrf, SESSION_COOKIE, WEB_SESSION_TTL, check_csrf, cleared_session_cookie, session_cookie,
};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;
use tessera_core::{Email, LoginMethod, WorkspaceName, verify_password};
use tessera_policy::LoginRoute;
use tessera_store::SessionKind;

/// The password form.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    csrf: String,
    ws: String,
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// The logout form.
#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    csrf: String,
}

/// The second step for an account with its own login method.
pub(crate) fn password_step(
    csrf: &Csrf,
    ws: &str,
    email: &str,
    next: &str,
    method: LoginMethod,
    sso_url: Option<&str>,
    error: Option<&str>,
) -> Markup {
    page(
        "Sign in",
        html! {
            h1 { "Sign in" }
            p.note { (email) " · workspace " (ws) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            @match method {
                LoginMethod::Password => {
                    form method="post" action="/login/password" {
                        (csrf_field(csrf))
                        input type="hidden" name="ws" value=(ws);
                        input type="hidden" name="email" value=(email);
                        input type="hidden" name="next" value=(next);
                        label for="password" { "Password" }
                        input id="password" name="password" type="password" autocomplete="current-password" required;
                        button type="submit" { "Sign in" }
                    }
                }
                LoginMethod::Salesforce => {
                    p { "This account signs in with Salesforce, which this deployment does not offer." }
                }
                LoginMethod::Sso => {}
            }
            @if let Some(url) = sso_url {
                p { a href=(url) { button.secondary type="button" { "Sign in with your identity provider" } } }
            }
            p { a href="/login" { "Use another email" } }
        },
    )
}

/// `POST /login/password`: checks the password of an account whose own method is a
/// password (never of an SSO-only account, L3), then starts a session.
pub(crate) async fn submit(
    req: HttpRequest,
    csrf: Csrf,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, ApiError> {
    check_csrf(&req, &form.csrf)?;
    let form = form.into_inner();
    let next = safe_next(&form.next);
    let refuse = |message: &str| {
        let markup = password_step(
            &csrf,
            &form.ws,
            &form.email,
            &next,
            LoginMethod::Password,
            None,
            Some(message),
        );
        Ok(respond(StatusCode::UNAUTHORIZED, Some(&csrf), markup))
    };
    let (Ok(name), Ok(email)) = (
        WorkspaceName::parse(form.ws.trim()),
        Email::parse(&form.email),
    ) else {
        return refuse("Wrong email or password.");
    };
    let store = state.store.clone();
    let now = state.clock.now();
    let password = form.password.clone();
    let outcome = crate::blocking::blocking(move || -> Result<Option<(String, bool)>, ApiError> {
        let org = match store.org(&name) {
            Ok(org) => org,
            Err(tessera_store::StoreError::OrgNotFound { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let Some(user) = store.user_by_email(org.id, &email)? else {
            return Ok(None);
        };
        let may_use_password = matches!(
            store.login_route(org.id, &email)?,
            LoginRoute::OwnMethod(LoginMethod::Password)
                | LoginRoute::OwnMethodOrSso(LoginMethod::Password)
        );
        let hash = store.password_hash(org.id, user.id)?;
        let valid = may_use_password && hash.is_some_and(|hash| verify_password(&password, &hash));
        if !valid {
            return Ok(None);
        }
        let token =
            store.create_session(org.id, user.id, SessionKind::Web, WEB_SESSION_TTL, now)?;
        store.record_login(org.id, user.id, now)?;
        Ok(Some((token, true)))
    })
    .await?;
    match outcome {
        Some((token, _)) => Ok(HttpResponse::SeeOther()
            .cookie(session_cookie(
                token,
                state.public_url.starts_with("https://"),
            ))
            .insert_header((header::LOCATION, next))
            .finish()),
        None => refuse("Wrong email or password."),
    }
}

/// `POST /logout`: ends this session only.
pub(crate) async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, ApiError> {
    check_csrf(&req, &form.csrf)?;
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let store = state.store.clone();
        let token = cookie.value().to_owned();
        let now = state.clock.now();
        crate::blocking::blocking(move || store.revoke_session(&token, now)).await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(cleared_session_cookie(
            state.public_url.starts_with("https://"),
        ))
        .insert_header((header::LOCATION, "/login"))
        .finish())
}
