//! `GET /login` and `POST /login`: the email step. The email decides the next step
//! (L2, L3): the org's IdP for SSO accounts, a password field for password accounts,
//! both for accounts that existed before SSO was connected.

use super::html::{csrf_field, page, respond};
use crate::session::{Csrf, check_csrf, encode};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;
use tessera_core::{Email, LoginMethod, WorkspaceName};
use tessera_policy::LoginRoute;
use tessera_store::{Org, StoreError};

/// `GET /login` query.
#[derive(Deserialize, Default)]
pub(crate) struct LoginQuery {
    ws: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

/// The email form.
#[derive(Deserialize)]
pub(crate) struct EmailForm {
    csrf: String,
    email: String,
    #[serde(default)]
    ws: String,
    #[serde(default)]
    next: String,
}

/// Where to go after logging in: a path on this host, else `/app`.
pub(crate) fn safe_next(next: &str) -> String {
    tessera_saml::relay_state::sanitize(next)
        .unwrap_or("/app")
        .to_owned()
}

/// The email step, with an optional message.
pub(crate) fn email_step(
    csrf: &Csrf,
    ws: &str,
    email: &str,
    next: &str,
    error: Option<&str>,
) -> Markup {
    page(
        "Sign in",
        html! {
            h1 { "Sign in" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/login" {
                (csrf_field(csrf))
                input type="hidden" name="next" value=(next);
                label for="email" { "Work email" }
                input id="email" name="email" type="email" autocomplete="username" required value=(email);
                label for="ws" { "Workspace " span.note { "(only if your email is in several)" } }
                input id="ws" name="ws" value=(ws) autocomplete="organization";
                button type="submit" { "Continue" }
            }
        },
    )
}

/// `GET /login`.
pub(crate) async fn show(csrf: Csrf, query: web::Query<LoginQuery>) -> HttpResponse {
    let next = safe_next(query.next.as_deref().unwrap_or("/app"));
    let error = query.error.as_deref().map(|code| match code {
        "deactivated" => "This account is deactivated. Ask an account admin of your workspace.",
        "sso" => "Single sign-on did not complete. Try again, or ask an account admin.",
        _ => "Something went wrong; please sign in again.",
    });
    let markup = email_step(&csrf, query.ws.as_deref().unwrap_or(""), "", &next, error);
    respond(StatusCode::OK, Some(&csrf), markup)
}

/// `POST /login`: decides the next step for this email.
pub(crate) async fn submit_email(
    req: HttpRequest,
    csrf: Csrf,
    state: web::Data<AppState>,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, ApiError> {
    check_csrf(&req, &form.csrf)?;
    let form = form.into_inner();
    let next = safe_next(&form.next);
    let again = |status: StatusCode, message: &str| {
        Ok(respond(
            status,
            Some(&csrf),
            email_step(&csrf, &form.ws, &form.email, &next, Some(message)),
        ))
    };
    let Ok(email) = Email::parse(&form.email) else {
        return again(StatusCode::BAD_REQUEST, "Enter your work email address.");
    };
    let org = match find_org(&state, &email, form.ws.trim()).await? {
        Ok(org) => org,
        Err(message) => return again(StatusCode::OK, message),
    };
    let store = state.store.clone();
    let (org_id, lookup) = (org.id, email.clone());
    let route = crate::blocking::blocking(move || store.login_route(org_id, &lookup)).await?;
    let ws = org.name.to_string();
    let sso_url = format!(
        "/saml/{ws}/login?login_hint={}&RelayState={}",
        encode(email.as_str()),
        encode(&next)
    );
    Ok(match route {
        LoginRoute::Sso
        | LoginRoute::OwnMethod(LoginMethod::Sso)
        | LoginRoute::OwnMethodOrSso(LoginMethod::Sso) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, sso_url))
            .finish(),
        LoginRoute::OwnMethod(method) => method_step(&csrf, &ws, &email, &next, method, None),
        LoginRoute::OwnMethodOrSso(method) => {
            method_step(&csrf, &ws, &email, &next, method, Some(&sso_url))
        }
        LoginRoute::Deactivated => {
            return again(
                StatusCode::FORBIDDEN,
                "This account is deactivated. Ask an account admin of your workspace.",
            );
        }
        LoginRoute::Unknown => {
            return again(
                StatusCode::OK,
                "We could not find an account with this email in this workspace.",
            );
        }
    })
}

/// The org to sign in to: the named workspace, or the one org this email belongs to.
/// `Err` carries the message to show.
async fn find_org(
    state: &web::Data<AppState>,
    email: &Email,
    ws: &str,
) -> Result<Result<Org, &'static str>, ApiError> {
    let store = state.store.clone();
    if !ws.is_empty() {
        let Ok(name) = WorkspaceName::parse(ws) else {
            return Ok(Err("There is no workspace with that name."));
        };
        return match web::block(move || store.org(&name))
            .await
            .map_err(|_| ApiError::Unavailable)?
        {
            Ok(org) => Ok(Ok(org)),
            Err(StoreError::OrgNotFound { .. }) => Ok(Err("There is no workspace with that name.")),
            Err(error) => Err(error.into()),
        };
    }
    let email = email.clone();
    let mut orgs = crate::blocking::blocking(move || store.orgs_of_email(&email)).await?;
    Ok(match orgs.len() {
        0 => Err("We could not find an account with this email."),
        1 => Ok(orgs.remove(0)),
        _ => Err("This email belongs to several workspaces: enter the workspace name too."),
    })
}

/// The second step: the account's own method, and SSO when it may also use it (L3).
fn method_step(
    csrf: &Csrf,
    ws: &str,
    email: &Email,
    next: &str,
    method: LoginMethod,
    sso_url: Option<&str>,
) -> HttpResponse {
    let markup =
        super::password::password_step(csrf, ws, email.as_str(), next, method, sso_url, None);
    respond(StatusCode::OK, Some(csrf), markup)
}
