//! `GET /app`: who am I, my org, my teams.

use super::html::{csrf_field, page, respond};
use crate::session::{Csrf, NotSignedIn, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::html;

/// `GET /`: the landing page when signed in, else the login page. A failed session
/// lookup is answered as such, not as "signed out".
pub(crate) async fn root(
    signed_in: Result<SignedIn, NotSignedIn>,
) -> Result<HttpResponse, NotSignedIn> {
    let to = match signed_in {
        Ok(_) => "/app",
        Err(refusal) if refusal.failed() => return Err(refusal),
        Err(_) => "/login",
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish())
}

/// The signed-in landing page.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let (org, user) = (signed_in.org.id, signed_in.user.id);
    let teams = crate::blocking::blocking(move || store.teams_of_user(org, user)).await?;
    let user = &signed_in.user;
    let markup = page(
        "Home",
        html! {
            h1 { "Signed in" }
            dl {
                dt { "Email" } dd id="email" { (user.email) }
                dt { "Workspace" } dd id="workspace" { (signed_in.org.name) }
                dt { "Role" } dd id="role" { (user.role) }
                dt { "Status" } dd { (user.status.label()) }
            }
            h2 { "Your teams" }
            ul id="teams" { @for team in &teams { li { (team) } } }
            form method="post" action="/logout" {
                (csrf_field(&csrf))
                button.secondary type="submit" { "Sign out" }
            }
        },
    );
    Ok(respond(StatusCode::OK, Some(&csrf), markup))
}
