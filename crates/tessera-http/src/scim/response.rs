//! Reading SCIM requests and writing SCIM responses: bodies in either JSON content
//! type, `application/scim+json` answers with `ETag`/`Location`, `If-Match`, and the
//! blocking store calls.

use super::error::ScimFailure;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_MATCH, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use tessera_policy::{Change, Decision, Subject};
use tessera_scim::{ListResponse, Projection, ScimError, if_match_allows};
use tessera_store::{ScanTooLarge, ScimPage};

/// The media type of every SCIM response (RFC 7644 §3.1).
pub(crate) const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// The most resources one list page carries (advertised as `filter.maxResults`).
pub(crate) const MAX_RESULTS: u32 = 1000;

/// Runs blocking store work on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ScimFailure> + Send + 'static,
) -> Result<T, ScimFailure> {
    web::block(work)
        .await
        .map_err(|_| ScimFailure::Unavailable)?
}

/// The request body as JSON, whatever the content type says (IdPs send
/// `application/scim+json`, `application/json` or nothing).
pub(crate) fn read_json(body: Result<web::Bytes, actix_web::Error>) -> Result<Value, ScimFailure> {
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(match error.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ScimFailure::PayloadTooLarge,
                _ => ScimError::InvalidSyntax {
                    problem: "the request body could not be read".into(),
                }
                .into(),
            });
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        ScimError::InvalidSyntax {
            problem: format!("the body is not JSON: {e}"),
        }
        .into()
    })
}

/// The `attributes` / `excludedAttributes` of a single-resource request.
pub(crate) fn projection_of(req: &HttpRequest) -> Result<Projection, ScimFailure> {
    Ok(tessera_scim::parse_list_query(req.query_string())?.projection)
}

/// Whether the client asked for a projection (`attributes=` or `excludedAttributes=`).
pub(crate) fn asks_for_projection(req: &HttpRequest) -> bool {
    form_pairs(req.query_string()).any(|key| {
        key.eq_ignore_ascii_case("attributes") || key.eq_ignore_ascii_case("excludedAttributes")
    })
}

fn form_pairs(query: &str) -> impl Iterator<Item = String> + '_ {
    query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .map(|key| key.trim().to_owned())
}

/// The `If-Match` header, when sent.
pub(crate) fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Refuses the write when `If-Match` was sent and does not name `resource`'s version.
pub(crate) fn check_if_match(if_match: Option<&str>, resource: &Value) -> Result<(), ScimError> {
    let Some(if_match) = if_match else {
        return Ok(());
    };
    let current = version_of(resource).unwrap_or_default();
    if if_match_allows(if_match, current) {
        Ok(())
    } else {
        Err(ScimError::PreconditionFailed {
            if_match: if_match.to_owned(),
            current: current.to_owned(),
        })
    }
}

fn version_of(resource: &Value) -> Option<&str> {
    resource.pointer("/meta/version").and_then(Value::as_str)
}

/// A single resource, projected, with its `ETag` (and `Location` when created).
pub(crate) fn resource_response(
    status: StatusCode,
    mut resource: Value,
    projection: &Projection,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.content_type(SCIM_CONTENT_TYPE);
    if let Some(version) = version_of(&resource) {
        response.insert_header((ETAG, version.to_owned()));
    }
    if status == StatusCode::CREATED
        && let Some(location) = resource.pointer("/meta/location").and_then(Value::as_str)
    {
        response.insert_header((LOCATION, location.to_owned()));
    }
    projection.apply(&mut resource);
    response.json(resource)
}

/// `204 No Content` after a change to `resource`, with its new `ETag`.
pub(crate) fn no_content(resource: &Value) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    if let Some(version) = version_of(resource) {
        response.insert_header((ETAG, version.to_owned()));
    }
    response.finish()
}

/// A ListResponse of a page, each resource projected.
pub(crate) fn list_response(
    page: ScimPage,
    start_index: u64,
    projection: &Projection,
) -> HttpResponse {
    let resources = page
        .resources
        .into_iter()
        .map(|mut resource| {
            projection.apply(&mut resource);
            resource
        })
        .collect();
    json_response(ListResponse::new(
        resources,
        page.total_results,
        start_index,
    ))
}

/// `200` with a SCIM JSON body.
pub(crate) fn json_response(body: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(SCIM_CONTENT_TYPE)
        .json(body)
}

/// The SCIM id of the user or team a decision is about (the created one, for a POST).
pub(crate) fn subject_scim_id(decision: &Decision) -> Option<String> {
    let subject = decision.subject?;
    decision
        .changes
        .iter()
        .rev()
        .find_map(|change| match (change, subject) {
            (Change::InsertUser(user) | Change::UpdateUser(user), Subject::User(id))
                if user.id == id =>
            {
                user.scim_id.clone()
            }
            (Change::InsertTeam(team) | Change::UpdateTeam(team), Subject::Team(id))
                if team.id == id =>
            {
                team.scim_id.clone()
            }
            _ => None,
        })
}

/// The 404 of a SCIM resource.
pub(crate) fn not_found(resource_type: &str, id: &str) -> ScimFailure {
    ScimError::NotFound {
        resource_type: resource_type.to_owned(),
        id: id.to_owned(),
    }
    .into()
}

/// The `400 tooMany` of a filter that would scan more rows than the server allows.
pub(crate) fn too_large(refusal: ScanTooLarge) -> ScimFailure {
    ScimError::TooMany {
        problem: format!(
            "this filter needs a scan of {} resources, more than the {} this server scans; \
             filter with eq on id, externalId, userName or emails.value (Users), or on id, \
             externalId or displayName (Groups)",
            refusal.rows, refusal.limit
        ),
    }
    .into()
}
