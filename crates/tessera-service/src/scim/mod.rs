//! The SCIM 2.0 server (RFC 7644) as a function: a framework-neutral [`ScimRequest`]
//! for a workspace in, a [`ScimResponse`] out, for every endpoint `tessera-server`
//! serves under `/scim/v2/{ws}` (Users, Groups, their `.search`, discovery), with the
//! same answers that Okta, Entra ID, OneLogin, JumpCloud, PingFederate and PingOne
//! drive unchanged.
//!
//! Requests are authenticated per org (C3: the org's live bearer token; then the
//! operator's gate, W3, and the org's rate limit), bodies are normalised by
//! `tessera-scim`, every change is one transaction decided by the policy engine
//! ([`crate::transact`]), and every failure is a SCIM Error.

mod discovery;
mod failure;
mod groups;
mod listing;
mod rate_limit;
mod render;
mod response;
mod route;
mod users;
mod writes;

pub use response::{Log, SCIM_CONTENT_TYPE, ScimResponse};

use crate::storage::Storage;
use chrono::{DateTime, Utc};
use failure::ScimFailure;
use rate_limit::{ScimRateLimit, retry_after_secs};
use route::{Endpoint, NoRoute, route};
use serde_json::Value;
use std::sync::Arc;
use tessera_core::{OrgId, WorkspaceName};
use tessera_scim::{ScimError, parse_list_query, parse_search_request};

/// The most resources one list page carries (advertised as `filter.maxResults`).
pub const MAX_RESULTS: u32 = 1000;

/// A SCIM request, as any web framework can give it.
#[derive(Debug, Clone, Copy)]
pub struct ScimRequest<'a> {
    /// The HTTP method, upper case (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`).
    pub method: &'a str,
    /// The path below the workspace's SCIM root, e.g. `/Users/2819c223` (still
    /// percent-encoded).
    pub path: &'a str,
    /// The query string without `?` (`filter=…&startIndex=…`), or empty.
    pub query: &'a str,
    /// The `Authorization` header, if sent.
    pub authorization: Option<&'a str>,
    /// The `If-Match` header, if sent.
    pub if_match: Option<&'a str>,
    /// The body. It is read as JSON whatever `Content-Type` says: IdPs send
    /// `application/scim+json`, `application/json` or nothing.
    pub body: &'a [u8],
}

/// The org a request was authenticated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimCaller {
    /// The org.
    pub org: OrgId,
    /// The SCIM root of its workspace, e.g. `https://host/scim/v2/acme`, for
    /// `meta.location` and `$ref`s.
    pub base_url: String,
}

/// The SCIM server's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimConfig {
    /// The server's public URL (`https://sso.example.com`); each workspace's SCIM root
    /// is `{public_url}/scim/v2/{workspace}`.
    pub public_url: String,
    /// The largest body accepted (`413` above it).
    pub max_body_bytes: usize,
    /// The most rows a filter no index answers may scan (`400 tooMany` above it).
    pub filter_scan_limit: u64,
    /// Requests per second per org (0: no limit) …
    pub rate_limit_per_second: u32,
    /// … with bursts up to this many.
    pub rate_limit_burst: u32,
}

impl ScimConfig {
    /// `tessera-server`'s defaults, for a server reached at `public_url`.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into(),
            max_body_bytes: 1024 * 1024,
            filter_scan_limit: 100_000,
            rate_limit_per_second: 100,
            rate_limit_burst: 200,
        }
    }
}

/// The `413` answer, for a transport that stops reading an oversized body itself.
pub fn payload_too_large() -> ScimResponse {
    ScimFailure::PayloadTooLarge.response()
}

/// The SCIM service over a storage backend.
pub struct ScimService {
    storage: Arc<dyn Storage>,
    config: ScimConfig,
    rate_limit: ScimRateLimit,
}

impl ScimService {
    /// A SCIM service over `storage`.
    pub fn new(storage: Arc<dyn Storage>, config: ScimConfig) -> Self {
        let rate_limit = ScimRateLimit::new(config.rate_limit_per_second, config.rate_limit_burst);
        Self {
            storage,
            config,
            rate_limit,
        }
    }

    /// Answers `request` for the workspace named `workspace` (as it appears in the
    /// path): routes it, authenticates it, runs it.
    pub fn serve(
        &self,
        workspace: &str,
        request: &ScimRequest<'_>,
        now: DateTime<Utc>,
    ) -> ScimResponse {
        self.try_serve(workspace, request, now)
            .unwrap_or_else(|failure| failure.response())
    }

    /// The settings it runs with.
    pub fn config(&self) -> &ScimConfig {
        &self.config
    }

    /// The SCIM root of a workspace.
    pub fn base_url(&self, workspace: &str) -> String {
        format!(
            "{}/scim/v2/{workspace}",
            self.config.public_url.trim_end_matches('/')
        )
    }

    fn try_serve(
        &self,
        workspace: &str,
        request: &ScimRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        if request.body.len() > self.config.max_body_bytes {
            return Err(ScimFailure::PayloadTooLarge);
        }
        let endpoint = route(request.method, request.path).map_err(|no_route| match no_route {
            NoRoute::UnknownPath => ScimFailure::UnknownEndpoint {
                path: format!("/scim/v2/{workspace}{}", request.path),
            },
            NoRoute::MethodNotAllowed => ScimFailure::MethodNotAllowed {
                method: request.method.to_owned(),
            },
            // Answered 501 (§3.12), as the RFC suggests for an unsupported operation.
            NoRoute::SearchAcrossTypes => ScimFailure::NotImplemented {
                what: "searching several resource types at once (POST /.search); use /Users/.search or /Groups/.search",
            },
        })?;
        let caller = self.authenticate(workspace, request.authorization)?;
        self.handle(&caller, endpoint, request, now)
    }

    /// The org whose live SCIM token `authorization` carries (C3), once the operator's
    /// gate (W3) and the org's rate limit allow it, in that order, so bad tokens never
    /// spend an org's budget.
    fn authenticate(
        &self,
        workspace: &str,
        authorization: Option<&str>,
    ) -> Result<ScimCaller, ScimFailure> {
        let unauthorized = |detail: &str| ScimError::Unauthorized {
            detail: detail.to_owned(),
        };
        let token = authorization.and_then(bearer_token).ok_or_else(|| {
            unauthorized("send the workspace's SCIM token as `Authorization: Bearer <token>`")
        })?;
        let invalid = "the bearer token is not valid for this workspace";
        let name = WorkspaceName::parse(workspace).map_err(|_| unauthorized(invalid))?;
        let org = self
            .storage
            .org_for_scim_token(&name, token)?
            .ok_or_else(|| unauthorized(invalid))?;
        if !org.sso_enabled {
            return Err(ScimFailure::SsoDisabled);
        }
        self.rate_limit.check(org.id).map_err(|over| ScimFailure::RateLimited {
            retry_after_secs: retry_after_secs(over.wait),
            warning: over.log.then(|| {
                format!(
                    "SCIM rate limit reached for workspace {workspace}; answering 429 (logged once a minute)"
                )
            }),
        })?;
        Ok(ScimCaller {
            org: org.id,
            base_url: self.base_url(workspace),
        })
    }
}

/// The token of an `Authorization: Bearer …` header (scheme in any case).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The request body as JSON.
fn read_json(body: &[u8]) -> Result<Value, ScimError> {
    serde_json::from_slice(body).map_err(|e| ScimError::InvalidSyntax {
        problem: format!("the body is not JSON: {e}"),
    })
}

/// Whether the client asked for a projection (`attributes=` or `excludedAttributes=`).
fn asks_for_projection(query: &str) -> bool {
    query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .any(|key| {
            let key = key.trim();
            key.eq_ignore_ascii_case("attributes") || key.eq_ignore_ascii_case("excludedAttributes")
        })
}

impl ScimService {
    /// Runs an authenticated request on its endpoint.
    fn handle(
        &self,
        caller: &ScimCaller,
        endpoint: Endpoint,
        request: &ScimRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let base = caller.base_url.as_str();
        let (if_match, body) = (request.if_match, request.body);
        let projection = || parse_list_query(request.query).map(|q| q.projection);
        let search = || parse_search_request(&read_json(body)?);
        Ok(match endpoint {
            Endpoint::ListUsers => self.list_users(caller, parse_list_query(request.query)?)?,
            Endpoint::SearchUsers => self.list_users(caller, search()?)?,
            Endpoint::CreateUser => self.create_user(caller, body, &projection()?, now)?,
            Endpoint::GetUser(id) => self.get_user(caller, &id, &projection()?)?,
            Endpoint::ReplaceUser(id) => {
                self.replace_user(caller, &id, if_match, body, &projection()?, now)?
            }
            Endpoint::PatchUser(id) => {
                self.patch_user(caller, &id, if_match, body, &projection()?, now)?
            }
            Endpoint::DeleteUser(id) => self.delete_user(caller, &id, if_match, now)?,
            Endpoint::ListGroups => self.list_groups(caller, parse_list_query(request.query)?)?,
            Endpoint::SearchGroups => self.list_groups(caller, search()?)?,
            Endpoint::CreateGroup => self.create_group(caller, body, &projection()?, now)?,
            Endpoint::GetGroup(id) => self.get_group(caller, &id, &projection()?)?,
            Endpoint::ReplaceGroup(id) => {
                self.replace_group(caller, &id, if_match, body, &projection()?, now)?
            }
            Endpoint::PatchGroup(id) => {
                let asks = asks_for_projection(request.query);
                self.patch_group(caller, &id, if_match, body, &projection()?, asks, now)?
            }
            Endpoint::DeleteGroup(id) => self.delete_group(caller, &id, if_match, now)?,
            Endpoint::ServiceProviderConfig => discovery::service_provider_config(base),
            Endpoint::ResourceTypes => discovery::resource_types(base),
            Endpoint::ResourceType(id) => discovery::resource_type(base, &id)?,
            Endpoint::Schemas => discovery::schemas(base),
            Endpoint::Schema(id) => discovery::schema(base, &id)?,
        })
    }
}
