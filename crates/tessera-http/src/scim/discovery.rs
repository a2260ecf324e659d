//! `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`: what this server supports.

use super::auth::ScimOrg;
use super::error::ScimFailure;
use super::response::{MAX_RESULTS, json_response, not_found};
use actix_web::{HttpResponse, web};
use serde_json::Value;
use tessera_scim::{ListResponse, discovery};

/// `GET /ServiceProviderConfig`.
pub(crate) async fn service_provider_config(org: ScimOrg) -> HttpResponse {
    json_response(discovery::service_provider_config(
        &org.base_url,
        MAX_RESULTS,
    ))
}

/// `GET /ResourceTypes`.
pub(crate) async fn resource_types(org: ScimOrg) -> HttpResponse {
    json_response(list(discovery::resource_types(&org.base_url)))
}

/// `GET /ResourceTypes/{id}`.
pub(crate) async fn resource_type(
    org: ScimOrg,
    id: web::Path<(String, String)>,
) -> Result<HttpResponse, ScimFailure> {
    let (_, id) = id.into_inner();
    discovery::resource_type(&org.base_url, &id)
        .map(json_response)
        .ok_or_else(|| not_found("ResourceType", &id))
}

/// `GET /Schemas`.
pub(crate) async fn schemas(org: ScimOrg) -> HttpResponse {
    json_response(list(discovery::schemas(&org.base_url)))
}

/// `GET /Schemas/{id}`.
pub(crate) async fn schema(
    org: ScimOrg,
    id: web::Path<(String, String)>,
) -> Result<HttpResponse, ScimFailure> {
    let (_, id) = id.into_inner();
    discovery::schema(&org.base_url, &id)
        .map(json_response)
        .ok_or_else(|| not_found("Schema", &id))
}

fn list(resources: Vec<Value>) -> ListResponse {
    let total = u64::try_from(resources.len()).unwrap_or(u64::MAX);
    ListResponse::new(resources, total, 1)
}
