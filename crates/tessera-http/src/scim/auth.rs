//! The per-org bearer token (C3): every SCIM request names its workspace in the path
//! and must carry that org's live SCIM token. Then the operator's gate (W3: SSO off
//! means SCIM off, 403) and the org's rate limit (429) apply, in that order, so bad
//! tokens never spend an org's budget.

use super::error::ScimFailure;
use super::rate_limit::retry_after_secs;
use super::response::blocking;
use crate::AppState;
use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use tessera_core::{OrgId, WorkspaceName};
use tessera_scim::ScimError;
use tessera_store::StoreError;

/// The org a SCIM request was authenticated for.
#[derive(Debug, Clone)]
pub(crate) struct ScimOrg {
    /// The org.
    pub org_id: OrgId,
    /// The SCIM root of its workspace, e.g. `https://host/scim/v2/acme`.
    pub base_url: String,
}

fn unauthorized(detail: &str) -> ScimFailure {
    ScimError::Unauthorized {
        detail: detail.to_owned(),
    }
    .into()
}

/// The token of an `Authorization: Bearer …` header (scheme in any case).
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

impl FromRequest for ScimOrg {
    type Error = ScimFailure;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let workspace = req.match_info().get("ws").unwrap_or_default().to_owned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or(ScimFailure::Unavailable)?;
            let token = token.ok_or_else(|| {
                unauthorized("send the workspace's SCIM token as `Authorization: Bearer <token>`")
            })?;
            let invalid = "the bearer token is not valid for this workspace";
            let name = WorkspaceName::parse(&workspace).map_err(|_| unauthorized(invalid))?;
            let store = state.store.clone();
            let org = blocking(move || {
                let org = match store.org(&name) {
                    Ok(org) => org,
                    Err(StoreError::OrgNotFound { .. }) => return Ok(None),
                    Err(error) => return Err(error.into()),
                };
                Ok(store.scim_token_is_valid(org.id, &token)?.then_some(org))
            })
            .await?
            .ok_or_else(|| unauthorized(invalid))?;
            if !org.sso_enabled {
                return Err(ScimFailure::SsoDisabled);
            }
            let org_id = org.id;
            state.scim.rate_limit.check(org_id).map_err(|over| {
                if over.log {
                    tracing::warn!(workspace = %workspace, "SCIM rate limit reached; answering 429 (logged once a minute)");
                }
                ScimFailure::RateLimited {
                    retry_after_secs: retry_after_secs(over.wait),
                }
            })?;
            Ok(ScimOrg {
                org_id,
                base_url: format!("{}/scim/v2/{workspace}", state.public_url),
            })
        })
    }
}
