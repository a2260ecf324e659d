//! Manage Teams (T2, T4, T5): IdP teams are marked and cannot be renamed, deleted or
//! given members here (they show, disabled, in the member pickers), but their
//! description and access settings can be edited; duplicates are flagged. A refused
//! form is answered with this page showing the rule's sentence; the page shows no text
//! a link could carry.

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
use tessera_core::{Email, TeamId};
use tessera_policy::{Actor, Command};
use tessera_store::TeamKind;

/// `GET /admin/teams`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    render(&state, &signed_in, &csrf, None).await
}

/// A form's refusal: its status and the sentence the page shows.
pub(super) struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    pub(super) fn bad_input(message: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.to_owned(),
        }
    }
}

/// The teams page, with the refusal of the form just posted, if any.
pub(super) async fn render(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ApiError> {
    let org = signed_in.org.id;
    let teams = blocking(state, move |s| s.teams(org)).await?;
    let plan = blocking(state, move |s| s.plan_merge(org)).await?;
    let body = html! {
        @if let Some(refusal) = &refusal { p.error id="error" role="alert" { (refusal.message) } }
        form method="post" action="/admin/teams" id="create-team" {
            (csrf_field(csrf))
            label for="new-team" { "New local team" }
            input type="text" id="new-team" name="name";
            button type="submit" { "Create team" }
        }
        (super::team::duplicates(&plan, csrf))
        table id="teams" {
            tr { th { "Team" } th { "Members" } th { "Kind" } th { "Actions" } }
            @for team in &teams {
                tr data-team=(team.name) {
                    td { a href={ "/admin/teams/" (team.id) } { (team.name) } }
                    td { a href={ "/admin/teams/" (team.id) } { (team.members) } }
                    td { (kind_badge(team)) }
                    td {
                        @if team.kind == TeamKind::Local {
                            form method="post" action={ "/admin/teams/" (team.id) "/rename" } {
                                (csrf_field(csrf))
                                input type="text" name="name" value=(team.name) aria-label="New name";
                                button.secondary type="submit" { "Rename" }
                            }
                            form method="post" action={ "/admin/teams/" (team.id) "/delete" } {
                                (csrf_field(csrf))
                                button.secondary type="submit" { "Delete" }
                            }
                        }
                        @if !matches!(team.kind, TeamKind::AllUsers | TeamKind::AccountAdmins) {
                            details {
                                summary { "Description and access" }
                                form method="post" action={ "/admin/teams/" (team.id) "/edit" } {
                                    (csrf_field(csrf))
                                    label { "Description" input type="text" name="description" value=(team.description); }
                                    label { "Access settings (JSON object)" textarea name="access_settings" { (team.access_settings) } }
                                    button.secondary type="submit" { "Save" }
                                }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { "Add a member" }
            form method="post" action="/admin/teams/members" id="add-member" {
                (csrf_field(csrf))
                label for="team" { "Team" }
                (team_picker("team", &teams))
                label for="email" { "User email" }
                input type="text" id="email" name="email";
                button type="submit" { "Add" }
            }
        }
        section {
            h2 { "Remove a member" }
            form method="post" action="/admin/teams/members/remove" id="remove-member" {
                (csrf_field(csrf))
                label for="remove-team" { "Team" }
                (team_picker("remove-team", &teams))
                label for="remove-email" { "User email" }
                input type="text" id="remove-email" name="email";
                button.secondary type="submit" { "Remove" }
            }
        }
    };
    let status = refusal.map_or(StatusCode::OK, |r| r.status);
    Ok(respond(status, csrf, page("Manage teams", signed_in, body)))
}

/// The session, role and CSRF checks of a team form, and the team id in the path.
pub(super) fn guard(
    req: &HttpRequest,
    signed_in: &SignedIn,
    fields: &HashMap<String, String>,
    team: &str,
) -> Result<TeamId, ApiError> {
    account_admin(signed_in)?;
    check_csrf(
        req,
        fields
            .get(CSRF_FIELD)
            .map(String::as_str)
            .unwrap_or_default(),
    )?;
    team.parse()
        .map_err(|_| ApiError::NotFound(format!("no team {team}")))
}

/// Runs a form's command: on to `back` (the teams page when `None`), or the teams page
/// with the rule's refusal.
pub(super) async fn run(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    command: Command,
    back: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let (org, now) = (signed_in.org.id, state.clock.now());
    match blocking(state, move |s| s.execute(org, &command, now)).await {
        Ok(_) => Ok(see_other(back.as_deref().unwrap_or("/admin/teams"))),
        Err(error @ ApiError::Service(_)) if !error.status_code().is_server_error() => {
            let (status, message) = (error.status_code(), error.to_string());
            render(state, signed_in, csrf, Some(Refusal { status, message })).await
        }
        Err(error) => Err(error),
    }
}

/// `POST /admin/teams/{team}/rename` (T4).
pub(crate) async fn rename(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    let team = guard(&req, &signed_in, &fields, &path)?;
    let name = fields.get("name").cloned().unwrap_or_default();
    let by = Actor::User(signed_in.user.id);
    run(
        &state,
        &signed_in,
        &csrf,
        Command::RenameTeam { by, team, name },
        None,
    )
    .await
}

/// `POST /admin/teams/{team}/delete` (T4).
pub(crate) async fn delete(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let team = guard(&req, &signed_in, &form_fields(&body), &path)?;
    let by = Actor::User(signed_in.user.id);
    run(
        &state,
        &signed_in,
        &csrf,
        Command::DeleteTeam { by, team },
        None,
    )
    .await
}

/// `POST /admin/teams/{team}/edit`: description and access settings (T4 allows both
/// for IdP teams).
pub(crate) async fn edit(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    let team = guard(&req, &signed_in, &fields, &path)?;
    let access_settings = match fields.get("access_settings").map(|v| v.trim()) {
        None | Some("") => None,
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) if value.is_object() => Some(value),
            _ => {
                let message = "Access settings must be a JSON object, e.g. {\"content\": \"all\"}.";
                return render(&state, &signed_in, &csrf, Some(Refusal::bad_input(message))).await;
            }
        },
    };
    let command = Command::EditTeam {
        by: Actor::User(signed_in.user.id),
        team,
        description: fields.get("description").cloned(),
        access_settings,
    };
    run(&state, &signed_in, &csrf, command, None).await
}

/// Runs the member command `make` builds for the team and user a member form names;
/// a form naming nobody is answered with the page and the reason.
async fn member_change(
    req: &HttpRequest,
    signed_in: &SignedIn,
    csrf: &Csrf,
    state: &web::Data<AppState>,
    body: &[u8],
    make: fn(Actor, TeamId, tessera_core::UserId) -> Command,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(body);
    let team = guard(
        req,
        signed_in,
        &fields,
        fields.get("team").map(String::as_str).unwrap_or_default(),
    )?;
    let Ok(email) = Email::parse(fields.get("email").map(String::as_str).unwrap_or_default())
    else {
        let message = "Enter the email of a user of this workspace.";
        return render(state, signed_in, csrf, Some(Refusal::bad_input(message))).await;
    };
    let org = signed_in.org.id;
    let Some(user) = blocking(state, move |s| s.user_by_email(org, &email)).await? else {
        let message = "No user of this workspace has that email.";
        return render(state, signed_in, csrf, Some(Refusal::bad_input(message))).await;
    };
    let command = make(Actor::User(signed_in.user.id), team, user.id);
    // A form on the team's own page comes back to it.
    let back = fields
        .get("back")
        .filter(|b| b.as_str() == "team")
        .map(|_| format!("/admin/teams/{team}"));
    run(state, signed_in, csrf, command, back).await
}

/// `POST /admin/teams/members/remove` (T5: refused for IdP teams).
pub(crate) async fn remove_member(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    member_change(&req, &signed_in, &csrf, &state, &body, |by, team, user| {
        Command::RemoveTeamMember { by, team, user }
    })
    .await
}

/// `POST /admin/teams/members` (T5: refused for IdP teams; reactivates a deactivated
/// JIT user, U4).
pub(crate) async fn add_member(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    member_change(&req, &signed_in, &csrf, &state, &body, |by, team, user| {
        Command::AddTeamMember { by, team, user }
    })
    .await
}
