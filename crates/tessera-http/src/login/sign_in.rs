//! `POST /login/password`: password sign-in behind the brute-force brake. Unknown
//! email, unknown workspace, wrong password and an account that may not use a password
//! get the same answer after the same work (a hash is always verified, a dummy one when
//! there is no real one to check), so the answer tells nobody whether an account exists.

use super::html::respond;
use super::page::safe_next;
use super::password::{Step, password_step};
use super::throttle::{Attempt, LoginThrottle, retry_after_secs};
use crate::session::{Csrf, WEB_SESSION_TTL, check_csrf, session_cookie};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use std::sync::OnceLock;
use tessera_core::{
    Email, LoginMethod, OrgId, UserId, WorkspaceName, hash_password, verify_password,
};
use tessera_policy::LoginRoute;
use tessera_store::{SessionKind, Store, StoreError};

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

/// What became of an attempt.
enum Outcome {
    SignedIn(String),
    Refused,
    Throttled(Duration),
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
    let account = WorkspaceName::parse(form.ws.trim())
        .ok()
        .zip(Email::parse(&form.email).ok());
    let attempt = Attempt::new(
        account.as_ref().map(|(ws, email)| (ws, email)),
        state.login.client_of(&req),
    );
    let (store, throttle, now) = (state.store.clone(), state.login.clone(), state.clock.now());
    let password = form.password.clone();
    // The limits are checked before waiting for a hashing turn, so requests over them
    // are answered at once and never queue behind (or hold up) argon2 work.
    let (checking, checker) = (store.clone(), throttle.clone());
    let checked = attempt.clone();
    let wait =
        crate::blocking::blocking(move || checker.retry_after(&checking, &checked, now)).await?;
    let outcome = match wait {
        Some(wait) => Outcome::Throttled(wait),
        None => {
            let turn = throttle.hashing_turn().await?;
            crate::blocking::blocking(move || {
                let _turn = turn;
                verify(&store, &throttle, &attempt, account, &password, now)
            })
            .await?
        }
    };
    let again = |status: StatusCode, message: &str| {
        let step = Step {
            ws: &form.ws,
            email: &form.email,
            next: &next,
            method: LoginMethod::Password,
            sso_url: None,
            salesforce: state.salesforce.is_some(),
        };
        let markup = password_step(&csrf, &step, Some(message));
        respond(status, Some(&csrf), markup)
    };
    Ok(match outcome {
        Outcome::SignedIn(token) => HttpResponse::SeeOther()
            .cookie(session_cookie(
                token,
                state.public_url.starts_with("https://"),
            ))
            .insert_header((header::LOCATION, next.clone()))
            .finish(),
        Outcome::Refused => again(StatusCode::UNAUTHORIZED, "Wrong email or password."),
        Outcome::Throttled(wait) => {
            let secs = retry_after_secs(wait);
            let minutes = (secs + 59) / 60;
            let mut response = again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too many failed sign-ins. Try again in {minutes} minute(s)."),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            response
        }
    })
}

/// The org, user and stored hash of an account that may sign in with a password (L3).
fn password_account(
    store: &Store,
    ws: &WorkspaceName,
    email: &Email,
) -> Result<Option<(OrgId, UserId, String)>, ApiError> {
    let org = match store.org(ws) {
        Ok(org) => org,
        Err(StoreError::OrgNotFound { .. }) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let Some(user) = store.user_by_email(org.id, email)? else {
        return Ok(None);
    };
    let may_use_password = matches!(
        store.login_route(org.id, email)?,
        LoginRoute::OwnMethod(LoginMethod::Password)
            | LoginRoute::OwnMethodOrSso(LoginMethod::Password)
    );
    if !may_use_password {
        return Ok(None);
    }
    Ok(store
        .password_hash(org.id, user.id)?
        .map(|hash| (org.id, user.id, hash)))
}

/// Checks `password` for `account` (one argon2 verify whatever the case, against a dummy
/// hash when there is no account or it has no password), counting a failure.
fn verify(
    store: &Store,
    throttle: &LoginThrottle,
    attempt: &Attempt,
    account: Option<(WorkspaceName, Email)>,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, ApiError> {
    let candidate = match &account {
        Some((ws, email)) => password_account(store, ws, email)?,
        None => None,
    };
    let matches = match &candidate {
        Some((_, _, hash)) => verify_password(password, hash),
        None => verify_password(password, dummy_hash()),
    };
    let Some((org, user, _)) = candidate.filter(|_| matches) else {
        throttle.failed(store, attempt, now)?;
        return Ok(Outcome::Refused);
    };
    throttle.succeeded(store, attempt)?;
    let token = store.create_session(org, user, SessionKind::Web, WEB_SESSION_TTL, now)?;
    store.record_login(org, user, now)?;
    Ok(Outcome::SignedIn(token))
}

/// A hash of no one's password, verified when there is no real hash to check, so that
/// every refusal costs the same argon2 work.
fn dummy_hash() -> &'static String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}
