//! Users: list (U8), invite (U7), role (U6), deactivate (U3, U5), reactivate (U4),
//! their teams (T5), delete (U5).

use super::auth::{authorize, blocking};
use super::body::{
    InviteBody, ReactivateBody, RoleBody, TeamView, UserQuery, UserView, page_size, team_id,
    user_id,
};
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use tessera_core::{Email, Role};
use tessera_policy::{Actor, Command, InviteChannel, Subject};
use tessera_store::UserFilter;

/// `GET /api/v1/orgs/{ws}`: the org itself.
pub(crate) async fn org(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    Ok(HttpResponse::Ok().json(admin.org))
}

/// `GET …/users?status=&idp_connected=&offset=&limit=`.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let filter = UserFilter {
        status: query.status,
        idp_connected: query.idp_connected,
        offset: query.offset.unwrap_or(0).max(0),
        limit: page_size(query.limit, super::body::MAX_PAGE)?,
    };
    let store = state.store.clone();
    let users = blocking(move || store.users(admin.org.id, &filter)).await?;
    Ok(HttpResponse::Ok().json(users.into_iter().map(UserView::from).collect::<Vec<_>>()))
}

/// `GET …/users/{id}`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let id = user_id(&user)?;
    let store = state.store.clone();
    let found = blocking(move || store.user(admin.org.id, id)).await?;
    let user = found.ok_or_else(|| ApiError::NotFound(format!("no user {id}")))?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// `POST …/users`: invite someone by email (U7), 201 with the new user.
pub(crate) async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let body = body.into_inner();
    let email = Email::parse(&body.email).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let command = Command::InviteUser {
        by: Actor::User(admin.user),
        email,
        role: body.role.unwrap_or(Role::Viewer),
        given_name: body.given_name,
        family_name: body.family_name,
        channel: body.channel.unwrap_or(InviteChannel::Email),
    };
    let user = run_for_user(&state, admin.org.id, command).await?;
    Ok(HttpResponse::Created().json(user))
}

/// `PUT …/users/{id}/role` (U6).
pub(crate) async fn set_role(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<RoleBody>,
) -> Result<HttpResponse, ApiError> {
    let (ws, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let command = Command::SetRole {
        by: Actor::User(admin.user),
        user: user_id(&user)?,
        role: body.role,
    };
    Ok(HttpResponse::Ok().json(run_for_user(&state, admin.org.id, command).await?))
}

/// `POST …/users/{id}/deactivate` (U3; refused for SCIM-managed users, U5).
pub(crate) async fn deactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let command = Command::DeactivateUser {
        by: Actor::User(admin.user),
        user: user_id(&user)?,
    };
    Ok(HttpResponse::Ok().json(run_for_user(&state, admin.org.id, command).await?))
}

/// `GET …/users/{id}/teams`: the teams the user is in, IdP teams marked (T5).
pub(crate) async fn teams(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let id = user_id(&user)?;
    let store = state.store.clone();
    let org = admin.org.id;
    let teams = blocking(move || {
        if store.user(org, id)?.is_none() {
            return Ok(None);
        }
        let ids = store.team_ids_of_user(org, id)?;
        let teams = store.teams(org)?;
        Ok::<_, tessera_store::StoreError>(Some(
            teams
                .into_iter()
                .filter(|t| ids.contains(&t.id))
                .map(TeamView::from)
                .collect::<Vec<_>>(),
        ))
    })
    .await?;
    let teams = teams.ok_or_else(|| ApiError::NotFound(format!("no user {id}")))?;
    Ok(HttpResponse::Ok().json(teams))
}

/// `POST …/users/{id}/reactivate` with an optional `{"team_id": …}`: adds a deactivated
/// JIT or invited user to that team, or back to All Users, which reactivates them (U4);
/// refused for SCIM-managed users, whom the IdP reactivates (U5).
pub(crate) async fn reactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ReactivateBody>>,
) -> Result<HttpResponse, ApiError> {
    let (ws, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let id = user_id(&user)?;
    let team = match body.and_then(|b| b.into_inner().team_id) {
        Some(team) => Some(team_id(&team)?),
        None => None,
    };
    let (store, org, now) = (state.store.clone(), admin.org.id, state.clock.now());
    let by = Actor::User(admin.user);
    blocking(move || store.reactivate_user(org, by, id, team, now)).await?;
    let store = state.store.clone();
    let found = blocking(move || store.user(org, id)).await?;
    let user = found.ok_or_else(|| ApiError::NotFound(format!("no user {id}")))?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// `DELETE …/users/{id}` (refused for SCIM-managed users, U5), 204.
pub(crate) async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, user) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let command = Command::DeleteUser {
        by: Actor::User(admin.user),
        user: user_id(&user)?,
    };
    super::teams::run(&state, admin.org.id, command).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs a command about one user and answers with that user as it now stands.
async fn run_for_user(
    state: &web::Data<AppState>,
    org: tessera_core::OrgId,
    command: Command,
) -> Result<UserView, ApiError> {
    let decision = super::teams::run(state, org, command.clone()).await?;
    let id = match (decision.subject, &command) {
        (Some(Subject::User(id)), _) => id,
        (_, Command::SetRole { user, .. } | Command::DeactivateUser { user, .. }) => *user,
        _ => return Err(ApiError::NotFound("the command named no user".into())),
    };
    let store = state.store.clone();
    let user = blocking(move || store.user(org, id)).await?;
    user.map(UserView::from)
        .ok_or_else(|| ApiError::NotFound(format!("no user {id}")))
}
