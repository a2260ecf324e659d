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
    let schemas = discovery::schemas(&org.base_url)
        .into_iter()
        .map(emails_required)
        .collect();
    json_response(list(schemas))
}

/// `GET /Schemas/{id}`.
pub(crate) async fn schema(
    org: ScimOrg,
    id: web::Path<(String, String)>,
) -> Result<HttpResponse, ScimFailure> {
    let (_, id) = id.into_inner();
    discovery::schema(&org.base_url, &id)
        .map(|schema| json_response(emails_required(schema)))
        .ok_or_else(|| not_found("Schema", &id))
}

/// Every Tessera account needs an email (invitations, U2; the M3 link): the User schema
/// this server publishes marks `emails` required, so generic clients send one.
fn emails_required(mut schema: Value) -> Value {
    if schema["id"] != tessera_scim::urn::USER {
        return schema;
    }
    if let Some(attributes) = schema["attributes"].as_array_mut() {
        for attribute in attributes.iter_mut().filter(|a| a["name"] == "emails") {
            attribute["required"] = Value::Bool(true);
            let values = attribute["subAttributes"]
                .as_array_mut()
                .into_iter()
                .flatten();
            for sub in values.filter(|s| s["name"] == "value") {
                sub["required"] = Value::Bool(true);
            }
        }
    }
    schema
}

fn list(resources: Vec<Value>) -> ListResponse {
    let total = u64::try_from(resources.len()).unwrap_or(u64::MAX);
    ListResponse::new(resources, total, 1)
}
