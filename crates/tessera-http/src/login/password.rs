//! The password step's page, and logout.

use super::html::{csrf_field, page};
use crate::session::{Csrf, SESSION_COOKIE, check_csrf, cleared_session_cookie, encode};
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;
use tessera_core::LoginMethod;

/// The logout form.
#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    csrf: String,
}

/// What the second step shows.
pub(crate) struct Step<'a> {
    pub ws: &'a str,
    pub email: &'a str,
    pub next: &'a str,
    /// The account's own login method (the page shows a password form for all but SSO).
    pub method: LoginMethod,
    /// Where SSO starts, when the org offers it.
    pub sso_url: Option<&'a str>,
    /// Whether Salesforce login is configured.
    pub salesforce: bool,
}

/// The second step for an account with its own login method.
pub(crate) fn password_step(csrf: &Csrf, step: &Step<'_>, error: Option<&str>) -> Markup {
    let Step {
        ws, email, next, ..
    } = *step;
    page(
        "Sign in",
        html! {
            h1 { "Sign in" }
            p.note { (email) " · workspace " (ws) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            @match step.method {
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
                LoginMethod::Salesforce if !step.salesforce => {
                    p { "This account signs in with Salesforce, which this deployment does not offer." }
                }
                LoginMethod::Salesforce | LoginMethod::Sso => {}
            }
            @if step.salesforce {
                p {
                    @for (environment, label) in [("production", "Login with Salesforce production"), ("sandbox", "Login with Salesforce sandbox")] {
                        a href={ "/login/salesforce/" (environment) "?ws=" (encode(ws)) "&next=" (encode(next)) } {
                            button.secondary type="button" { (label) }
                        }
                        " "
                    }
                }
            }
            @if let Some(url) = step.sso_url {
                p { a href=(url) { button.secondary type="button" { "Sign in with your identity provider" } } }
            }
            p { a href="/login" { "Use another email" } }
        },
    )
}

/// `POST /logout`: ends this session and the extension tokens it handed out (other
/// browsers of the user stay signed in).
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
