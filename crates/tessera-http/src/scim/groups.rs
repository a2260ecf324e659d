//! `/Groups`: IdP-managed teams (T1, T2, T3, T7, S3). Members are read only when the
//! response carries them, so `excludedAttributes=members` and PATCH cost the same for
//! a 10-member and a 50,000-member group.

use super::auth::ScimOrg;
use super::error::ScimFailure;
use super::response::{
    MAX_RESULTS, asks_for_projection, blocking, check_if_match, if_match, list_response,
    no_content, not_found, projection_of, read_json, resource_response, subject_scim_id, too_large,
};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::Value;
use tessera_policy::{Command, GroupPatchOp, ProvisionedGroup};
use tessera_scim::{
    Group, GroupDelta, ListQuery, group_deltas, normalise_patch, parse_list_query,
    parse_search_request,
};
use tessera_store::{ScimListRequest, Store};

type Body = Result<web::Bytes, actix_web::Error>;

/// `GET /Groups`.
pub(crate) async fn list(
    org: ScimOrg,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimFailure> {
    page(org, state, parse_list_query(req.query_string())?).await
}

/// `POST /Groups/.search` (RFC 7644 §3.4.3): the list query as a SearchRequest body.
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
            with_members: query.projection.wants_attribute("members"),
            scan_limit,
        };
        let page = store.scim_groups(org.org_id, request)?.map_err(too_large)?;
        Ok((page, query))
    })
    .await?;
    Ok(list_response(page, query.start_index, &query.projection))
}

/// `GET /Groups/{id}`.
pub(crate) async fn get(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let (_, scim_id) = id.into_inner();
    let with_members = projection.wants_attribute("members");
    let store = state.store.clone();
    let group = blocking(move || read(&store, &org, &scim_id, with_members)).await?;
    Ok(resource_response(StatusCode::OK, group, &projection))
}

/// `POST /Groups`: 201; a built-in team's name is refused (T1), a local team's name is
/// taken anyway and both are flagged (T2), unknown members wait (S3).
pub(crate) async fn create(
    org: ScimOrg,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let with_members = projection.wants_attribute("members");
    let group = provisioned(Group::from_json(read_json(body)?)?);
    let now = state.clock.now();
    let store = state.store.clone();
    let group = blocking(move || {
        let decision =
            store.execute_scim(org.org_id, &Command::ScimCreateGroup(group), None, now)?;
        let scim_id = subject_scim_id(&decision).ok_or(ScimFailure::Unavailable)?;
        read(&store, &org, &scim_id, with_members)
    })
    .await?;
    Ok(resource_response(StatusCode::CREATED, group, &projection))
}

/// `PUT /Groups/{id}`: rename (T3) and make the members exactly those sent (S3).
pub(crate) async fn replace(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let with_members = projection.wants_attribute("members");
    let (_, scim_id) = id.into_inner();
    let group = provisioned(Group::from_json(read_json(body)?)?);
    let if_match = if_match(&req);
    let now = state.clock.now();
    let store = state.store.clone();
    let group = blocking(move || {
        let command = Command::ScimReplaceGroup {
            scim_id: scim_id.clone(),
            group,
        };
        execute(&store, &org, &scim_id, if_match.as_deref(), &command, now)?;
        read(&store, &org, &scim_id, with_members)
    })
    .await?;
    Ok(resource_response(StatusCode::OK, group, &projection))
}

/// The most members a group PATCH answer carries (the largest list page).
const PATCH_ANSWER_MAX_MEMBERS: u64 = MAX_RESULTS as u64;

/// `PATCH /Groups/{id}`: rename and member deltas in one transaction. Answers `200`
/// with the whole group (RFC 7644 §3.5.2) when it has at most
/// [`PATCH_ANSWER_MAX_MEMBERS`] members, else `204` with the new `ETag`, so no answer
/// serialises a 50,000-member group; with `attributes` or `excludedAttributes`, `200`
/// with the group so projected (members read only when wanted).
pub(crate) async fn patch(
    org: ScimOrg,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    req: HttpRequest,
    body: Body,
) -> Result<HttpResponse, ScimFailure> {
    let projection = projection_of(&req)?;
    let answer_resource = asks_for_projection(&req);
    let with_members = answer_resource && projection.wants_attribute("members");
    let (_, scim_id) = id.into_inner();
    let operations = normalise_patch(&read_json(body)?)?;
    let ops = group_deltas(&operations, &scim_id)?
        .into_iter()
        .map(patch_op)
        .collect();
    let if_match = if_match(&req);
    let now = state.clock.now();
    let store = state.store.clone();
    let group = blocking(move || {
        let command = Command::ScimPatchGroup {
            scim_id: scim_id.clone(),
            ops,
        };
        execute(&store, &org, &scim_id, if_match.as_deref(), &command, now)?;
        if answer_resource {
            return Ok((read(&store, &org, &scim_id, with_members)?, true));
        }
        store
            .scim_group_with_members_up_to(
                org.org_id,
                &org.base_url,
                &scim_id,
                PATCH_ANSWER_MAX_MEMBERS,
            )?
            .ok_or_else(|| not_found("Group", &scim_id))
    })
    .await?;
    match group {
        (group, true) => Ok(resource_response(StatusCode::OK, group, &projection)),
        (group, false) => Ok(no_content(&group)),
    }
}

/// `DELETE /Groups/{id}`: the team is detached and stays as a local team (T7).
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
        let command = Command::ScimDeleteGroup {
            scim_id: scim_id.clone(),
        };
        execute(&store, &org, &scim_id, if_match.as_deref(), &command, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Executes `command`; an If-Match is checked on the group as read (row locked) in the
/// same transaction, so no change can slip in between.
fn execute(
    store: &Store,
    org: &ScimOrg,
    scim_id: &str,
    if_match: Option<&str>,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<(), ScimFailure> {
    match if_match {
        None => store.execute_scim(org.org_id, command, None, now)?,
        Some(tag) => {
            let command_for = |current: Value| -> Result<Command, ScimFailure> {
                check_if_match(Some(tag), &current)?;
                Ok(command.clone())
            };
            store.execute_on_scim_group(org.org_id, &org.base_url, scim_id, command_for, now)?
        }
    };
    Ok(())
}

fn read(
    store: &Store,
    org: &ScimOrg,
    scim_id: &str,
    with_members: bool,
) -> Result<Value, ScimFailure> {
    store
        .scim_group(org.org_id, &org.base_url, scim_id, with_members)?
        .ok_or_else(|| not_found("Group", scim_id))
}

fn provisioned(group: Group) -> ProvisionedGroup {
    ProvisionedGroup {
        display_name: group.display_name,
        external_id: group.external_id,
        members: group.members.into_iter().map(|m| m.value).collect(),
    }
}

fn patch_op(delta: GroupDelta) -> GroupPatchOp {
    match delta {
        GroupDelta::SetDisplayName(name) => GroupPatchOp::Rename(name),
        GroupDelta::SetExternalId(external_id) => GroupPatchOp::SetExternalId(external_id),
        GroupDelta::AddMembers(refs) => GroupPatchOp::AddMembers(refs),
        GroupDelta::RemoveMembers(refs) => GroupPatchOp::RemoveMembers(refs),
        GroupDelta::ReplaceMembers(refs) => GroupPatchOp::ReplaceMembers(refs),
        GroupDelta::RemoveAllMembers => GroupPatchOp::ReplaceMembers(Vec::new()),
    }
}
