//! The framework-neutral SCIM response: status, headers, body bytes, and a line the
//! caller should log. Every answer is `application/scim+json` with `ETag` (and
//! `Location` when created) for a single resource.

use super::listing::Page;
use serde_json::Value;
use tessera_policy::{Change, Decision, Subject};
use tessera_scim::{ListResponse, Projection, ScimError, if_match_allows};

/// The media type of every SCIM response (RFC 7644 §3.1).
pub const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// A line for the caller's log (the service has no logger of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Log {
    /// Worth a warning (e.g. an org reached its rate limit; once a minute).
    Warn(String),
    /// A server fault.
    Error(String),
}

/// What to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimResponse {
    /// The HTTP status.
    pub status: u16,
    /// Response headers, `Content-Type` included when there is a body.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for `204`).
    pub body: Vec<u8>,
    /// What the caller should log, if anything.
    pub log: Option<Log>,
}

impl ScimResponse {
    /// `status` with a SCIM JSON body.
    pub(crate) fn json(status: u16, body: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(body).unwrap_or_default();
        Self {
            status,
            headers: vec![("Content-Type", SCIM_CONTENT_TYPE.to_owned())],
            body,
            log: None,
        }
    }

    /// Sets (or replaces) a header.
    pub(crate) fn set_header(&mut self, name: &'static str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name, value.to_owned()));
    }

    /// The value of a header, if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn version_of(resource: &Value) -> Option<&str> {
    resource.pointer("/meta/version").and_then(Value::as_str)
}

/// A single resource, projected, with its `ETag` (and `Location` when created).
pub(crate) fn resource(status: u16, mut resource: Value, projection: &Projection) -> ScimResponse {
    let etag = version_of(&resource).map(str::to_owned);
    let location = (status == 201)
        .then(|| {
            resource
                .pointer("/meta/location")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .flatten();
    projection.apply(&mut resource);
    let mut response = ScimResponse::json(status, &resource);
    if let Some(etag) = etag {
        response.set_header("ETag", &etag);
    }
    if let Some(location) = location {
        response.set_header("Location", &location);
    }
    response
}

/// `204 No Content`, with the resource's new `ETag` when known.
pub(crate) fn no_content(resource: Option<&Value>) -> ScimResponse {
    let mut response = ScimResponse {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
        log: None,
    };
    if let Some(version) = resource.and_then(version_of) {
        response.set_header("ETag", version);
    }
    response
}

/// A ListResponse of a page, each resource projected.
pub(crate) fn list(page: Page, start_index: u64, projection: &Projection) -> ScimResponse {
    let resources = page
        .resources
        .into_iter()
        .map(|mut resource| {
            projection.apply(&mut resource);
            resource
        })
        .collect();
    ScimResponse::json(
        200,
        &ListResponse::new(resources, page.total_results, start_index),
    )
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
pub(crate) fn not_found(resource_type: &str, id: &str) -> ScimError {
    ScimError::NotFound {
        resource_type: resource_type.to_owned(),
        id: id.to_owned(),
    }
}
