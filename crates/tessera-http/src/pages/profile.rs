//! A user's profile (U1, U4, U6, U8): their teams (IdP teams marked), role, login
//! method and status, with the role form, deactivate, and the two ways back for a
//! deactivated JIT user: add them to a team, or back to All Users (U4). A refused form
//! is answered with the profile showing the rule's sentence.

use super::form_fields;
use super::layout::{csrf_field, page, respond, see_other};
use super::picker::{kind_badge, team_picker};
use super::{account_admin, blocking};
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use maud::html;
use std::collections::HashMap;
use tessera_core::{Role, TeamId, UserId, UserStatus};
use tessera_policy::{Actor, Command};
use tessera_store::{StoreError, Team, User};

/// `GET /admin/users/{user}`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let user = user_id(&path)?;
    render(&state, &signed_in, &csrf, user, None).await
}

fn user_id(text: &str) -> Result<UserId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("no user {text}")))
}

/// The user, all the org's teams, and the ids of the user's teams.
type Profile = (User, Vec<Team>, Vec<TeamId>);

/// Reads a [`Profile`]; `None` when the org has no such user.
fn load(
    store: &tessera_store::Store,
    org: tessera_core::OrgId,
    id: UserId,
) -> Result<Option<Profile>, StoreError> {
    let Some(user) = store.user(org, id)? else {
        return Ok(None);
    };
    Ok(Some((
        user,
        store.teams(org)?,
        store.team_ids_of_user(org, id)?,
    )))
}

async fn render(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    id: UserId,
    refusal: Option<(StatusCode, String)>,
) -> Result<HttpResponse, ApiError> {
    let org = signed_in.org.id;
    let (user, teams, member_of) = blocking(state, move |s| load(&s, org, id))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no user {id}")))?;
    let action = |verb: &str| format!("/admin/users/{id}/{verb}");
    let deactivated = user.status == UserStatus::Deactivated;
    let body = html! {
        @if let Some((_, message)) = &refusal { p.error id="error" role="alert" { (message) } }
        dl id="profile" {
            dt { "Email" } dd id="email" { (user.email) }
            dt { "Name" } dd { (user.given_name.as_deref().unwrap_or_default()) " " (user.family_name.as_deref().unwrap_or_default()) }
            dt { "Status" } dd id="status" { (user.status.label()) }
            dt { "Role" } dd id="role" { (user.role) }
            dt { "Login method" } dd id="login-method" { (user.login_method) }
            dt { "IdP" } dd id="idp" {
                @if user.scim_managed { span.badge.idp title="Provisioned and managed by the IdP (SCIM)" { "IdP · SCIM" } }
                @else if user.idp_connected { span.badge.idp title="Linked to the IdP" { "IdP" } }
                @else { "Not connected to the IdP" }
            }
        }
        section {
            h2 { "Teams" }
            ul id="user-teams" {
                @for team in teams.iter().filter(|t| member_of.contains(&t.id)) {
                    li { a href={ "/admin/teams/" (team.id) } { (team.name) } " " (kind_badge(team)) }
                }
            }
            form method="post" action=(action("teams")) id="add-to-team" {
                (csrf_field(csrf))
                label for="profile-team" { "Add to a team" }
                (team_picker("profile-team", &teams))
                button type="submit" { "Add to team" }
            }
            @if deactivated && !user.scim_managed {
                p.note { "Adding a deactivated user to any team reactivates them (U4)." }
            }
        }
        section {
            h2 { "Role" }
            form method="post" action=(action("role")) id="role-form" {
                (csrf_field(csrf))
                label for="new-role" { "Role" }
                select id="new-role" name="role" {
                    @for role in Role::ALL { option value=(role) selected[*role == user.role] { (role) } }
                }
                button type="submit" { "Change role" }
            }
        }
        section {
            h2 { "Status" }
            @if user.scim_managed {
                p.note { "The IdP manages this account: it is deactivated and reactivated there (U5)." }
            } @else if deactivated {
                form method="post" action=(action("reactivate")) {
                    (csrf_field(csrf))
                    button type="submit" id="reactivate" { "Reactivate (back to All Users)" }
                }
            } @else {
                form method="post" action=(action("deactivate")) {
                    (csrf_field(csrf))
                    button.secondary type="submit" id="deactivate" { "Deactivate" }
                }
            }
        }
        p { a href="/admin/users" { "Back to Manage users" } }
    };
    let status = refusal.map_or(StatusCode::OK, |(code, _)| code);
    Ok(respond(status, csrf, page("User profile", signed_in, body)))
}

/// The checks of a profile form: the role, the CSRF token, the user in the path.
fn guard(
    req: &HttpRequest,
    signed_in: &SignedIn,
    fields: &HashMap<String, String>,
    user: &str,
) -> Result<UserId, ApiError> {
    account_admin(signed_in)?;
    let token = fields.get(CSRF_FIELD).map(String::as_str);
    check_csrf(req, token.unwrap_or_default())?;
    user_id(user)
}

/// Back to the profile after `work`, or the profile with the refusal.
async fn outcome<T: Send + 'static>(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    user: UserId,
    work: impl FnOnce(tessera_store::Store) -> Result<T, tessera_store::ExecuteError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    match blocking(state, work).await {
        Ok(_) => Ok(see_other(&format!("/admin/users/{user}"))),
        Err(error @ ApiError::Service(_)) if !error.status_code().is_server_error() => {
            let refusal = (error.status_code(), error.to_string());
            render(state, signed_in, csrf, user, Some(refusal)).await
        }
        Err(error) => Err(error),
    }
}

/// `POST /admin/users/{user}/role` (U6).
pub(crate) async fn set_role(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    let user = guard(&req, &signed_in, &fields, &path)?;
    let field = fields.get("role").map(String::as_str).unwrap_or_default();
    let Ok(role) = field.parse::<Role>() else {
        let refusal = (StatusCode::BAD_REQUEST, "Choose a role.".to_owned());
        return render(&state, &signed_in, &csrf, user, Some(refusal)).await;
    };
    let (org, now) = (signed_in.org.id, state.clock.now());
    let by = Actor::User(signed_in.user.id);
    let command = Command::SetRole { by, user, role };
    outcome(&state, &signed_in, &csrf, user, move |s| {
        s.execute(org, &command, now)
    })
    .await
}

/// `POST /admin/users/{user}/deactivate` (U3; refused for SCIM-managed users, U5).
pub(crate) async fn deactivate(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let user = guard(&req, &signed_in, &form_fields(&body), &path)?;
    let (org, now) = (signed_in.org.id, state.clock.now());
    let command = Command::DeactivateUser {
        by: Actor::User(signed_in.user.id),
        user,
    };
    outcome(&state, &signed_in, &csrf, user, move |s| {
        s.execute(org, &command, now)
    })
    .await
}

/// `POST /admin/users/{user}/reactivate`: back to All Users (U4; U5 refuses
/// SCIM-managed users).
pub(crate) async fn reactivate(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let user = guard(&req, &signed_in, &form_fields(&body), &path)?;
    let (org, now) = (signed_in.org.id, state.clock.now());
    let by = Actor::User(signed_in.user.id);
    outcome(&state, &signed_in, &csrf, user, move |s| {
        s.reactivate_user(org, by, user, None, now)
    })
    .await
}

/// `POST /admin/users/{user}/teams`: adds the user to the chosen team (T5 refuses IdP
/// teams), which reactivates a deactivated JIT user (U4).
pub(crate) async fn add_to_team(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    let user = guard(&req, &signed_in, &fields, &path)?;
    let field = fields.get("team").map(String::as_str).unwrap_or_default();
    let Ok(team) = field.parse::<TeamId>() else {
        let refusal = (StatusCode::BAD_REQUEST, "Choose a team.".to_owned());
        return render(&state, &signed_in, &csrf, user, Some(refusal)).await;
    };
    let (org, now) = (signed_in.org.id, state.clock.now());
    let by = Actor::User(signed_in.user.id);
    let command = Command::AddTeamMember { by, team, user };
    outcome(&state, &signed_in, &csrf, user, move |s| {
        s.execute(org, &command, now)
    })
    .await
}
