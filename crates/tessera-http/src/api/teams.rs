//! Teams: list, create, rename, edit, delete (T1, T4, T6), members (T5, U4), the T2
//! merge, and the manual sync (S3).

use super::auth::{authorize, blocking};
use super::body::{
    CreateTeamBody, EditTeamBody, MemberBody, MergeQuery, TeamView, team_id, user_id,
};
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use tessera_core::OrgId;
use tessera_policy::{Actor, Command, Decision};

/// Decides and applies `command` for the org, at the server's clock.
pub(crate) async fn run(
    state: &web::Data<AppState>,
    org: OrgId,
    command: Command,
) -> Result<Decision, ApiError> {
    let store = state.store.clone();
    let now = state.clock.now();
    blocking(move || store.execute(org, &command, now)).await
}

async fn team_view(
    state: &web::Data<AppState>,
    org: OrgId,
    id: tessera_core::TeamId,
) -> Result<TeamView, ApiError> {
    let store = state.store.clone();
    let teams = blocking(move || store.teams(org)).await?;
    teams
        .into_iter()
        .find(|team| team.id == id)
        .map(TeamView::from)
        .ok_or_else(|| ApiError::NotFound(format!("no team {id}")))
}

/// `GET …/teams`.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let store = state.store.clone();
    let teams = blocking(move || store.teams(admin.org.id)).await?;
    Ok(HttpResponse::Ok().json(teams.into_iter().map(TeamView::from).collect::<Vec<_>>()))
}

/// `POST …/teams`: a local team (T6), 201.
pub(crate) async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<CreateTeamBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let body = body.into_inner();
    let command = Command::CreateTeam {
        by: Actor::User(admin.user),
        name: body.name,
        description: body.description,
    };
    let decision = run(&state, admin.org.id, command).await?;
    let id = match decision.subject {
        Some(tessera_policy::Subject::Team(id)) => id,
        _ => return Err(ApiError::NotFound("the command named no team".into())),
    };
    Ok(HttpResponse::Created().json(team_view(&state, admin.org.id, id).await?))
}

/// `PATCH …/teams/{id}`: rename (refused for IdP and built-in teams, T1, T4) and/or
/// edit description and access settings (allowed for IdP teams, T4). All or nothing.
pub(crate) async fn edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<EditTeamBody>,
) -> Result<HttpResponse, ApiError> {
    let (ws, team) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let team = team_id(&team)?;
    let body = body.into_inner();
    let by = Actor::User(admin.user);
    if body.name.is_none() && body.description.is_none() && body.access_settings.is_none() {
        return Err(ApiError::BadRequest(
            "send name, description or access_settings".into(),
        ));
    }
    if let Some(name) = body.name {
        // Checked first, so a refused rename leaves the rest unapplied too.
        run(&state, admin.org.id, Command::RenameTeam { by, team, name }).await?;
    }
    if body.description.is_some() || body.access_settings.is_some() {
        let command = Command::EditTeam {
            by,
            team,
            description: body.description,
            access_settings: body.access_settings,
        };
        run(&state, admin.org.id, command).await?;
    }
    Ok(HttpResponse::Ok().json(team_view(&state, admin.org.id, team).await?))
}

/// `DELETE …/teams/{id}` (T4, T6, T7), 204.
pub(crate) async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, team) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let command = Command::DeleteTeam {
        by: Actor::User(admin.user),
        team: team_id(&team)?,
    };
    run(&state, admin.org.id, command).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET …/teams/{id}/members`: the members' users.
pub(crate) async fn members(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, team) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let team = team_id(&team)?;
    team_view(&state, admin.org.id, team).await?;
    let store = state.store.clone();
    let users = blocking(move || store.team_members(admin.org.id, team)).await?;
    Ok(HttpResponse::Ok().json(
        users
            .into_iter()
            .map(super::body::UserView::from)
            .collect::<Vec<_>>(),
    ))
}

/// `POST …/teams/{id}/members` (T5; reactivates a deactivated JIT user, U4).
pub(crate) async fn add_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<MemberBody>,
) -> Result<HttpResponse, ApiError> {
    let (ws, team) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let team = team_id(&team)?;
    let command = Command::AddTeamMember {
        by: Actor::User(admin.user),
        team,
        user: user_id(&body.user_id)?,
    };
    run(&state, admin.org.id, command).await?;
    Ok(HttpResponse::Ok().json(team_view(&state, admin.org.id, team).await?))
}

/// `DELETE …/teams/{id}/members/{user}` (T5).
pub(crate) async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, team, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let team = team_id(&team)?;
    let command = Command::RemoveTeamMember {
        by: Actor::User(admin.user),
        team,
        user: user_id(&user)?,
    };
    run(&state, admin.org.id, command).await?;
    Ok(HttpResponse::Ok().json(team_view(&state, admin.org.id, team).await?))
}

/// `POST …/teams/merge-duplicates[?dry_run=true]`: the T2 migration, or its plan.
pub(crate) async fn merge_duplicates(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<MergeQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let store = state.store.clone();
    let org = admin.org.id;
    let plan = blocking(move || store.plan_merge(org)).await?;
    let steps: Vec<_> = plan
        .iter()
        .map(|step| {
            json!({
                "local_team": { "id": step.local.id, "name": step.local.name },
                "idp_team": { "id": step.idp.id, "name": step.idp.name },
                "moving_members": step.moving,
                "already_members": step.already_members,
            })
        })
        .collect();
    if !query.dry_run {
        run(
            &state,
            org,
            Command::MergeDuplicateTeams {
                by: Actor::User(admin.user),
            },
        )
        .await?;
    }
    Ok(HttpResponse::Ok().json(json!({ "dry_run": query.dry_run, "merges": steps })))
}

/// `POST …/sync`: re-apply the mapping links and pending memberships (S3).
pub(crate) async fn sync(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let store = state.store.clone();
    let org = admin.org.id;
    let links = blocking(move || store.latest_mapping_links(org)).await?;
    let decision = run(
        &state,
        org,
        Command::Sync {
            by: Actor::User(admin.user),
            links,
        },
    )
    .await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "changes": decision.changes.len(), "audit": decision.audit })))
}
