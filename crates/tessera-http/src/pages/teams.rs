//! Manage Teams (T2, T4, T5): IdP teams are marked and cannot be renamed, deleted or
//! given members here (they show, disabled, in the member picker); duplicates are
//! flagged.

use super::layout::{csrf_field, page, respond, see_other};
use super::{account_admin, blocking};
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
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
    let org = signed_in.org.id;
    let teams = blocking(&state, move |s| s.teams(org)).await?;
    let body = html! {
        table id="teams" {
            tr { th { "Team" } th { "Members" } th { "Kind" } th { "Actions" } }
            @for team in &teams {
                tr data-team=(team.name) {
                    td { (team.name) }
                    td { (team.members) }
                    td {
                        @match team.kind {
                            TeamKind::IdpManaged => span.badge.idp title="Managed by the IdP: renamed, deleted and given members only there" { "IdP" },
                            TeamKind::AllUsers | TeamKind::AccountAdmins => span.badge { "Built-in" },
                            TeamKind::Local => span.badge { "Local" },
                        }
                        @if team.duplicate { " " span.badge.dup title="A team of the other kind has the same name (T2)" { "Duplicate" } }
                    }
                    td {
                        @if team.kind == TeamKind::Local {
                            form method="post" action={ "/admin/teams/" (team.id) "/rename" } {
                                (csrf_field(&csrf))
                                input type="text" name="name" value=(team.name) aria-label="New name";
                                button.secondary type="submit" { "Rename" }
                            }
                            form method="post" action={ "/admin/teams/" (team.id) "/delete" } {
                                (csrf_field(&csrf))
                                button.secondary type="submit" { "Delete" }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { "Add a member" }
            form method="post" action="/admin/teams/members" id="add-member" {
                (csrf_field(&csrf))
                label for="team" { "Team" }
                select id="team" name="team" {
                    @for team in &teams {
                        @let fixed = team.kind != TeamKind::Local;
                        option value=(team.id) disabled[fixed] { (team.name) @if team.kind == TeamKind::IdpManaged { " (IdP-managed)" } }
                    }
                }
                label for="email" { "User email" }
                input type="text" id="email" name="email";
                button type="submit" { "Add" }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page("Manage teams", &signed_in, body),
    ))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The session, role and CSRF checks of a team form, and the team id in the path.
fn guard(
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

async fn run(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    command: Command,
) -> Result<HttpResponse, ApiError> {
    let (org, now) = (signed_in.org.id, state.clock.now());
    blocking(state, move |s| s.execute(org, &command, now)).await?;
    Ok(see_other("/admin/teams"))
}

/// `POST /admin/teams/{team}/rename` (T4).
pub(crate) async fn rename(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form(&body);
    let team = guard(&req, &signed_in, &fields, &path)?;
    let name = fields.get("name").cloned().unwrap_or_default();
    let by = Actor::User(signed_in.user.id);
    run(&state, &signed_in, Command::RenameTeam { by, team, name }).await
}

/// `POST /admin/teams/{team}/delete` (T4).
pub(crate) async fn delete(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let team = guard(&req, &signed_in, &form(&body), &path)?;
    let by = Actor::User(signed_in.user.id);
    run(&state, &signed_in, Command::DeleteTeam { by, team }).await
}

/// `POST /admin/teams/members` (T5: refused for IdP teams).
pub(crate) async fn add_member(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form(&body);
    let team = guard(
        &req,
        &signed_in,
        &fields,
        fields.get("team").map(String::as_str).unwrap_or_default(),
    )?;
    let email = Email::parse(fields.get("email").map(String::as_str).unwrap_or_default())
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let org = signed_in.org.id;
    let user = blocking(&state, move |s| s.user_by_email(org, &email))
        .await?
        .ok_or_else(|| ApiError::NotFound("no user has this email".into()))?;
    let by = Actor::User(signed_in.user.id);
    run(
        &state,
        &signed_in,
        Command::AddTeamMember {
            by,
            team,
            user: user.id,
        },
    )
    .await
}
