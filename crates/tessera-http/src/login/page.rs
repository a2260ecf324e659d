//! `GET /login` and `POST /login`: the email and workspace step. Both are typed: the
//! page never looks up which workspaces an email belongs to. In the named workspace
//! (L2, L3) SSO accounts (and, in a connected org, unknown emails: JIT) go to the IdP;
//! everyone else gets the same password step, with SSO offered when the org is
//! connected, so whether an email has an account there is not shown.

use super::html::{csrf_field, page, respond};
use crate::session::{Csrf, check_csrf, encode};
use crate::{ApiError, AppState};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;
use tessera_core::{Email, LoginMethod, WorkspaceName};
use tessera_policy::LoginRoute;
use tessera_store::StoreError;

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
    salesforce: bool,
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
                @if salesforce {
                    // GET buttons of this form: they send the workspace typed below.
                    p.salesforce {
                        button.secondary type="submit" formaction="/login/salesforce/production" formmethod="get" formnovalidate { "Login with Salesforce production" }
                        " "
                        button.secondary type="submit" formaction="/login/salesforce/sandbox" formmethod="get" formnovalidate { "Login with Salesforce sandbox" }
                    }
                }
                label for="ws" { "Workspace" }
                input id="ws" name="ws" value=(ws) autocomplete="organization" required;
                button type="submit" { "Continue" }
            }
        },
    )
}

/// `GET /login`.
pub(crate) async fn show(
    csrf: Csrf,
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let next = safe_next(query.next.as_deref().unwrap_or("/app"));
    let error = query.error.as_deref().map(|code| match code {
        "deactivated" => "This account is deactivated. Ask an account admin of your workspace.",
        "sso" => "Single sign-on did not complete. Try again, or ask an account admin.",
        _ => "Something went wrong; please sign in again.",
    });
    let ws = query.ws.as_deref().unwrap_or("");
    let markup = email_step(&csrf, ws, "", &next, error, state.salesforce.is_some());
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
            email_step(
                &csrf,
                &form.ws,
                &form.email,
                &next,
                Some(message),
                state.salesforce.is_some(),
            ),
        ))
    };
    let Ok(email) = Email::parse(&form.email) else {
        return again(StatusCode::BAD_REQUEST, "Enter your work email address.");
    };
    let Ok(ws) = WorkspaceName::parse(form.ws.trim()) else {
        return again(StatusCode::OK, "Enter your workspace name too.");
    };
    let store = state.store.clone();
    let lookup = email.clone();
    let route =
        crate::blocking::blocking(move || -> Result<Option<(LoginRoute, bool)>, ApiError> {
            match store.org(&ws) {
                Ok(org) => Ok(Some((
                    store.login_route(org.id, &lookup)?,
                    org.connected_at.is_some(),
                ))),
                Err(StoreError::OrgNotFound { .. }) => Ok(None),
                Err(error) => Err(error.into()),
            }
        })
        .await?;
    let ws = form.ws.trim();
    let salesforce = state.salesforce.is_some();
    let sso_url = format!(
        "/saml/{ws}/login?login_hint={}&RelayState={}",
        encode(email.as_str()),
        encode(&next)
    );
    Ok(match route {
        Some((
            LoginRoute::Sso
            | LoginRoute::OwnMethod(LoginMethod::Sso)
            | LoginRoute::OwnMethodOrSso(LoginMethod::Sso),
            _,
        )) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, sso_url))
            .finish(),
        // A connected org offers both ways to whoever is not sent to the IdP (L3: an
        // account that existed before SSO, or a deactivated one).
        Some((_, true)) => method_step(&csrf, ws, &email, &next, Some(&sso_url), salesforce),
        // Unknown workspace, unknown email, deactivated, password or Salesforce account:
        // the same step, so the page tells a stranger nothing about the email.
        _ => method_step(&csrf, ws, &email, &next, None, salesforce),
    })
}

/// The password step, with SSO when the org is connected (L3) and Salesforce when
/// configured.
fn method_step(
    csrf: &Csrf,
    ws: &str,
    email: &Email,
    next: &str,
    sso_url: Option<&str>,
    salesforce: bool,
) -> HttpResponse {
    let markup = super::password::password_step(
        csrf,
        &super::password::Step {
            ws,
            email: email.as_str(),
            next,
            method: LoginMethod::Password,
            sso_url,
            salesforce,
        },
        None,
    );
    respond(StatusCode::OK, Some(csrf), markup)
}
