//! `/Users`: list, create, read, replace, patch, delete (U2, U5, U6); `groups` sent in a
//! POST or PUT set the user's IdP group memberships.

use super::auth::ScimOrg;
use super::error::ScimFailure;
use super::response::{
    MAX_RESULTS, blocking, check_if_match, if_match, list_response, not_found, projection_of,
    read_json, resource_response, subject_scim_id, too_large,
};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use tessera_core::Email;
use tessera_policy::{Command, ProvisionedUser, UserPatch};
use tessera_scim::{
    ListQuery, ScimError, User, apply_user_patch, normalise_patch, parse_list_query,
    parse_search_request, user_group_refs,
};
use tessera_store::{ScimListRequest, Store};

type Body = Result<web::Bytes, actix_web::Error>;

/// `GET /Users`: filter, `startIndex`/`count` paging in a stable order.
pub(crate) async fn list(
    org: ScimOrg,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimFailure> {
    page(org, state, parse_list_query(req.query_string())?).await
}

/// `POST /Users/.search` (RFC 7644 §3.4.3): the list query as a SearchRequest body.
pub(crate) async fn search(
    org: ScimOrg,
    state: web::Data<AppState>,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    page(org, state, parse_search_request(&read_json(body)?)?).await
}

async fn page(
    org: ScimOrg,
    state: web::Data<AppState>,
    query: ListQuery,
) -> Result<HttpResponse, ScimFailure> {
    let store = state.store.clone();
    let scan_limit = state.scim.filter_scan_limit;
    let (page, query) = blocking(move || {
        let request = ScimListRequest {
            base_url: &org.base_url,
            filter: query.filter.as_ref(),
            offset: query.offset(),
            limit: query.page_size(u64::from(MAX_RESULTS)),
            with_members: false,
            scan_limit,
        };
        let page = store.scim_users(org.org_id, request)?.map_err(too_large)?;
        Ok((page, query))
    })
    .await?;
    Ok(list_response(page, query.start_index, &query.projection))
}

/// `GET /Users/{id}`.
pub(crate) async fn get(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let (_, scim_id) = id.into_inner();
    let store = state.store.clone();
    let user = blocking(move || read(&store, &org, &scim_id)).await?;
    Ok(resource_response(StatusCode::OK, user, &projection))
}

/// `POST /Users`: 201 with the resource; 409 `uniqueness` for a taken `userName`.
pub(crate) async fn create(
    org: ScimOrg,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let json = read_json(body)?;
    let groups = user_group_refs(&json)?;
    let provisioned = provisioned(&User::from_json(json)?)?;
    let now = state.clock.now();
    let store = state.store.clone();
    let user = blocking(move || {
        let command = Command::ScimCreateUser(provisioned);
        let decision = store.execute_scim(org.org_id, &command, groups.as_deref(), now)?;
        let scim_id = subject_scim_id(&decision).ok_or(ScimFailure::Unavailable)?;
        read(&store, &org, &scim_id)
    })
    .await?;
    Ok(resource_response(StatusCode::CREATED, user, &projection))
}

/// `PUT /Users/{id}`: the IdP's resource replaces ours (`active` included, U5).
pub(crate) async fn replace(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let (_, scim_id) = id.into_inner();
    let json = read_json(body)?;
    let groups = user_group_refs(&json)?;
    let provisioned = provisioned(&User::from_json(json)?)?;
    let if_match = if_match(&req);
    let now = state.clock.now();
    let store = state.store.clone();
    let user = blocking(move || {
        let command_for = |current: Value| -> Result<Command, ScimFailure> {
            check_if_match(if_match.as_deref(), &current)?;
            Ok(Command::ScimReplaceUser {
                scim_id: scim_id.clone(),
                user: provisioned.clone(),
            })
        };
        let groups = groups.as_deref();
        store.execute_on_scim_user(
            org.org_id,
            &org.base_url,
            &scim_id,
            command_for,
            groups,
            now,
        )?;
        read(&store, &org, &scim_id)
    })
    .await?;
    Ok(resource_response(StatusCode::OK, user, &projection))
}

/// `PATCH /Users/{id}`: every operation applies or none does; 200 with the resource
/// (Okta treats an empty answer as a failure). Removing `active` leaves the account
/// active, as a POST or PUT without `active` does, and the resource without `active`.
pub(crate) async fn patch(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let (_, scim_id) = id.into_inner();
    let operations = normalise_patch(&read_json(body)?)?;
    let if_match = if_match(&req);
    let now = state.clock.now();
    let store = state.store.clone();
    let user = blocking(move || {
        // Read, If-Match and apply inside the write transaction: no lost update.
        let command_for = |current: Value| -> Result<Command, ScimFailure> {
            check_if_match(if_match.as_deref(), &current)?;
            let patched = apply_user_patch(&User::from_json(current)?, &operations)?;
            Ok(Command::ScimPatchUser {
                scim_id: scim_id.clone(),
                patch: user_patch(&patched)?,
            })
        };
        store.execute_on_scim_user(org.org_id, &org.base_url, &scim_id, command_for, None, now)?;
        read(&store, &org, &scim_id)
    })
    .await?;
    Ok(resource_response(StatusCode::OK, user, &projection))
}

/// `DELETE /Users/{id}`: deactivated and detached, data kept; later reads 404 (U5).
pub(crate) async fn delete(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimFailure> {
    let (_, scim_id) = id.into_inner();
    let if_match = if_match(&req);
    let now = state.clock.now();
    let store = state.store.clone();
    blocking(move || {
        let command_for = |current: Value| -> Result<Command, ScimFailure> {
            check_if_match(if_match.as_deref(), &current)?;
            Ok(Command::ScimDeleteUser {
                scim_id: scim_id.clone(),
            })
        };
        store.execute_on_scim_user(org.org_id, &org.base_url, &scim_id, command_for, None, now)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn read(store: &Store, org: &ScimOrg, scim_id: &str) -> Result<Value, ScimFailure> {
    store
        .scim_user(org.org_id, &org.base_url, scim_id)?
        .ok_or_else(|| not_found("User", scim_id))
}

/// The resource as stored: what the IdP sent, without the server's `id` and `meta`.
fn attributes_json(user: &User) -> String {
    let mut user = user.clone();
    user.id = None;
    user.meta = None;
    user.to_json().to_string()
}

fn email_of(user: &User) -> Result<Option<Email>, ScimError> {
    user.primary_email()
        .map(Email::parse)
        .transpose()
        .map_err(|e| ScimError::InvalidValue {
            attribute: "emails".into(),
            problem: e.to_string(),
        })
}

fn provisioned(user: &User) -> Result<ProvisionedUser, ScimError> {
    let name = user.name.clone().unwrap_or_default();
    Ok(ProvisionedUser {
        user_name: user.user_name.clone(),
        email: email_of(user)?,
        given_name: name.given_name,
        family_name: name.family_name,
        display_name: user.display_name.clone(),
        external_id: user.external_id.clone(),
        active: user.active.unwrap_or(true),
        attributes_json: Some(attributes_json(user)),
    })
}

fn user_patch(user: &User) -> Result<UserPatch, ScimError> {
    let name = user.name.clone().unwrap_or_default();
    Ok(UserPatch {
        user_name: Some(user.user_name.clone()),
        email: email_of(user)?,
        given_name: Some(name.given_name),
        family_name: Some(name.family_name),
        display_name: Some(user.display_name.clone()),
        external_id: Some(user.external_id.clone()),
        // No `active` (removed by the PATCH) means active, as on POST and PUT.
        active: Some(user.active.unwrap_or(true)),
        attributes_json: Some(attributes_json(user)),
    })
}
