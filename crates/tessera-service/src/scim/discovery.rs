//! `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`: what this server supports.

use super::MAX_RESULTS;
use super::failure::ScimFailure;
use super::response::{ScimResponse, not_found};
use serde_json::Value;
use tessera_scim::{ListResponse, discovery};

/// `GET /ServiceProviderConfig`.
pub(crate) fn service_provider_config(base_url: &str) -> ScimResponse {
    ScimResponse::json(
        200,
        &discovery::service_provider_config(base_url, MAX_RESULTS),
    )
}

/// `GET /ResourceTypes`.
pub(crate) fn resource_types(base_url: &str) -> ScimResponse {
    ScimResponse::json(200, &list(discovery::resource_types(base_url)))
}

/// `GET /ResourceTypes/{id}`.
pub(crate) fn resource_type(base_url: &str, id: &str) -> Result<ScimResponse, ScimFailure> {
    discovery::resource_type(base_url, id)
        .map(|found| ScimResponse::json(200, &found))
        .ok_or_else(|| not_found("ResourceType", id).into())
}

/// `GET /Schemas`.
pub(crate) fn schemas(base_url: &str) -> ScimResponse {
    let schemas = discovery::schemas(base_url)
        .into_iter()
        .map(emails_required)
        .collect();
    ScimResponse::json(200, &list(schemas))
}

/// `GET /Schemas/{id}`.
pub(crate) fn schema(base_url: &str, id: &str) -> Result<ScimResponse, ScimFailure> {
    discovery::schema(base_url, id)
        .map(|schema| ScimResponse::json(200, &emails_required(schema)))
        .ok_or_else(|| not_found("Schema", id).into())
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
