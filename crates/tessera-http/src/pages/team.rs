//! One team's page (its member list; each member opens their profile, where the role
//! is changed), creating local teams (T6), and the T2 merge of duplicates with its
//! dry-run preview.

use super::form_fields;
use super::layout::{csrf_field, page, respond};
use super::picker::kind_badge;
use super::teams::{Refusal, render, run};
use super::{account_admin, blocking};
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use tessera_policy::{Actor, Command, MergeStep};
use tessera_store::TeamKind;

/// `GET /admin/teams/{team}`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let not_found = || ApiError::NotFound(format!("no team {}", path.as_str()));
    let id: tessera_core::TeamId = path.parse().map_err(|_| not_found())?;
    let org = signed_in.org.id;
    let team = blocking(&state, move |s| s.teams(org))
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(not_found)?;
    let members = blocking(&state, move |s| s.team_members(org, id)).await?;
    let body = html! {
        p { (kind_badge(&team)) " " (team.description) }
        @match team.kind {
            TeamKind::IdpManaged => p.note { "The IdP manages this team's members: add and remove them there (T5)." },
            TeamKind::AllUsers => p.note { "Everyone is in All Users." },
            TeamKind::AccountAdmins => p.note { "Account Admins holds exactly the account admins: change a member's role to add or remove one." },
            TeamKind::Local => {},
        }
        p.note { "Select a member to open their profile and change their role." }
        table id="members" {
            tr { th { "Email" } th { "Status" } th { "Role" } th { "IdP" } @if team.kind == TeamKind::Local { th { "" } } }
            @for user in &members {
                tr data-email=(user.email) {
                    td { a href={ "/admin/users/" (user.id) } { (user.email) } }
                    td { (user.status.label()) }
                    td { (user.role) }
                    td { @if user.idp_connected { span.badge.idp { "IdP" } } }
                    @if team.kind == TeamKind::Local {
                        td {
                            form method="post" action="/admin/teams/members/remove" {
                                (csrf_field(&csrf))
                                input type="hidden" name="team" value=(team.id);
                                input type="hidden" name="email" value=(user.email);
                                input type="hidden" name="back" value="team";
                                button.secondary type="submit" { "Remove" }
                            }
                        }
                    }
                }
            }
        }
        @if team.kind == TeamKind::Local {
            form method="post" action="/admin/teams/members" id="team-add-member" {
                (csrf_field(&csrf))
                input type="hidden" name="team" value=(team.id);
                input type="hidden" name="back" value="team";
                label for="member-email" { "Add a member by email" }
                input type="text" id="member-email" name="email";
                button type="submit" { "Add" }
            }
        }
        p { a href="/admin/teams" { "Back to Manage teams" } }
    };
    let title = format!("Team {}", team.name);
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page(&title, &signed_in, body),
    ))
}

/// The duplicates section of the teams page (T2): what the merge would move, and the
/// button that runs it.
pub(super) fn duplicates(plan: &[MergeStep], csrf: &Csrf) -> Markup {
    html! {
        @if !plan.is_empty() {
            section id="duplicates" {
                h2 { "Duplicate teams (T2)" }
                p.note { "Each local team below has the name of an IdP team. Merging moves its members into the IdP team and deletes the local one. Preview (dry run):" }
                ul id="merge-preview" {
                    @for step in plan {
                        li { "Local team " strong { (step.local.name) } " → IdP team " strong { (step.idp.name) } ": "
                            (step.moving.len()) " member(s) move, " (step.already_members) " already there" }
                    }
                }
                form method="post" action="/admin/teams/merge" {
                    (csrf_field(csrf))
                    button type="submit" id="merge" { "Merge duplicates" }
                }
            }
        }
    }
}

/// `POST /admin/teams`: a new local team (T6).
pub(crate) async fn create(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    checked(&req, &signed_in, &fields)?;
    let name = fields.get("name").map(|n| n.trim()).unwrap_or_default();
    if name.is_empty() {
        let refusal = Refusal::bad_input("Enter the new team's name.");
        return render(&state, &signed_in, &csrf, Some(refusal)).await;
    }
    let command = Command::CreateTeam {
        by: Actor::User(signed_in.user.id),
        name: name.to_owned(),
        description: String::new(),
    };
    run(&state, &signed_in, &csrf, command, None).await
}

/// `POST /admin/teams/merge`: the T2 merge, exactly as previewed.
pub(crate) async fn merge(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    checked(&req, &signed_in, &fields)?;
    let by = Actor::User(signed_in.user.id);
    run(
        &state,
        &signed_in,
        &csrf,
        Command::MergeDuplicateTeams { by },
        None,
    )
    .await
}

/// The role and CSRF checks of a form that names no team.
fn checked(
    req: &HttpRequest,
    signed_in: &SignedIn,
    fields: &std::collections::HashMap<String, String>,
) -> Result<(), ApiError> {
    account_admin(signed_in)?;
    let token = fields.get(CSRF_FIELD).map(String::as_str);
    check_csrf(req, token.unwrap_or_default())
}
