//! Discovery documents (RFC 7643 §5-7, RFC 7644 §4): what this server supports, for the
//! `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` endpoints.
//!
//! Built with `scim_v2`'s typed models; the schema definitions are RFC 7643 §8.7 as
//! `scim_v2` ships them, with Group `displayName` marked required and unique (as RFC
//! 7643 §4.2 prose says and this server enforces).

use crate::urn;
use scim_v2::Asserted;
use scim_v2::models::resource_types::{ResourceType, SchemaExtension};
use scim_v2::models::scim_schema::{Meta, get_schemas};
use scim_v2::models::service_provider_config::{
    AuthenticationScheme, Bulk, Filter, ServiceProviderConfig, Supported,
};
use serde_json::Value;

fn meta(resource_type: &str, location: String) -> Meta {
    Meta {
        resource_type: Some(resource_type.to_owned()),
        location: Some(location),
        ..Meta::default()
    }
}

fn root(base_url: &str) -> &str {
    base_url.trim_end_matches('/')
}

/// `/ServiceProviderConfig`: PATCH and filtering (at most `max_results` per page) and
/// ETags supported; bulk, sorting and password change not; OAuth bearer tokens.
pub fn service_provider_config(base_url: &str, max_results: u32) -> Value {
    let config = ServiceProviderConfig {
        schemas: vec![urn::SERVICE_PROVIDER_CONFIG.to_owned()],
        documentation_uri: None,
        patch: Supported { supported: true },
        bulk: Bulk {
            supported: false,
            max_operations: 0,
            max_payload_size: 0,
        },
        filter: Filter {
            supported: true,
            max_results: i64::from(max_results),
        },
        change_password: Supported { supported: false },
        sort: Supported { supported: false },
        etag: Supported { supported: true },
        authentication_schemes: vec![AuthenticationScheme {
            name: "OAuth Bearer Token".to_owned(),
            r#type: Some("oauthbearertoken".to_owned()),
            description: "Authentication with the workspace's SCIM bearer token".to_owned(),
            spec_uri: Some("https://www.rfc-editor.org/info/rfc6750".to_owned()),
            documentation_uri: None,
            primary: Some(true),
        }],
        meta: Some(meta(
            "ServiceProviderConfig",
            format!("{}/ServiceProviderConfig", root(base_url)),
        )),
    };
    serde_json::to_value(config).unwrap_or(Value::Null)
}

/// `/ResourceTypes`: User (with the optional enterprise extension) and Group.
pub fn resource_types(base_url: &str) -> Vec<Value> {
    let user = ResourceType {
        schemas: vec![urn::RESOURCE_TYPE.to_owned()],
        id: Some("User".to_owned()),
        name: "User".to_owned(),
        description: Some("User Account".to_owned()),
        endpoint: "/Users".to_owned(),
        schema: urn::USER.to_owned(),
        schema_extensions: Asserted::set(vec![SchemaExtension {
            schema: urn::ENTERPRISE_USER.to_owned(),
            required: false,
        }]),
        meta: Some(meta(
            "ResourceType",
            format!("{}/ResourceTypes/User", root(base_url)),
        )),
    };
    let group = ResourceType {
        schemas: vec![urn::RESOURCE_TYPE.to_owned()],
        id: Some("Group".to_owned()),
        name: "Group".to_owned(),
        description: Some("Group".to_owned()),
        endpoint: "/Groups".to_owned(),
        schema: urn::GROUP.to_owned(),
        schema_extensions: Asserted::absent(),
        meta: Some(meta(
            "ResourceType",
            format!("{}/ResourceTypes/Group", root(base_url)),
        )),
    };
    [user, group]
        .into_iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect()
}

/// One resource type by id (`User`, `Group`; case-insensitive).
pub fn resource_type(base_url: &str, id: &str) -> Option<Value> {
    resource_types(base_url)
        .into_iter()
        .find(|r| r["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(id)))
}

/// `/Schemas`: User, EnterpriseUser and Group with their attribute characteristics.
pub fn schemas(base_url: &str) -> Vec<Value> {
    let published = get_schemas(vec!["user", "enterprise_user", "group"]).unwrap_or_default();
    published
        .into_iter()
        .filter_map(|schema| {
            let mut schema = serde_json::to_value(schema).ok()?;
            let id = schema["id"].as_str()?.to_owned();
            schema["schemas"] = Value::Array(vec![Value::String(urn::SCHEMA.to_owned())]);
            schema["meta"] =
                serde_json::to_value(meta("Schema", format!("{}/Schemas/{id}", root(base_url))))
                    .ok()?;
            if id == urn::GROUP {
                for attribute in schema["attributes"].as_array_mut()? {
                    if attribute["name"] == "displayName" {
                        attribute["required"] = Value::Bool(true);
                        attribute["uniqueness"] = Value::String("server".to_owned());
                    }
                }
            }
            Some(schema)
        })
        .collect()
}

/// One schema by URN (case-insensitive).
pub fn schema(base_url: &str, id: &str) -> Option<Value> {
    schemas(base_url)
        .into_iter()
        .find(|s| s["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BASE: &str = "https://tessera.example/scim/v2/acme/";

    #[test]
    fn service_provider_config_advertises_what_is_supported() {
        let config = service_provider_config(BASE, 200);
        assert_eq!(config["schemas"], json!([urn::SERVICE_PROVIDER_CONFIG]));
        assert_eq!(config["patch"], json!({"supported": true}));
        assert_eq!(
            config["filter"],
            json!({"supported": true, "maxResults": 200})
        );
        assert_eq!(config["bulk"]["supported"], json!(false));
        assert_eq!(config["sort"], json!({"supported": false}));
        assert_eq!(config["changePassword"], json!({"supported": false}));
        assert_eq!(config["etag"], json!({"supported": true}));
        assert_eq!(
            config["authenticationSchemes"][0]["type"],
            "oauthbearertoken"
        );
        assert_eq!(
            config["meta"]["location"],
            "https://tessera.example/scim/v2/acme/ServiceProviderConfig"
        );
    }

    #[test]
    fn resource_types_name_user_and_group() {
        let types = resource_types(BASE);
        assert_eq!(types.len(), 2);
        assert_eq!(types[0]["endpoint"], "/Users");
        assert_eq!(
            types[0]["schemaExtensions"],
            json!([{"schema": urn::ENTERPRISE_USER, "required": false}])
        );
        assert_eq!(types[1]["schema"], urn::GROUP);
        assert!(types[1].get("schemaExtensions").is_none());
        assert_eq!(resource_type(BASE, "group").unwrap()["id"], "Group");
        assert!(resource_type(BASE, "Device").is_none());
    }

    #[test]
    fn schemas_carry_rfc7643_characteristics() {
        let all = schemas(BASE);
        let ids: Vec<&str> = all.iter().filter_map(|s| s["id"].as_str()).collect();
        assert_eq!(ids, [urn::USER, urn::ENTERPRISE_USER, urn::GROUP]);
        let user = schema(BASE, urn::USER).unwrap();
        let user_name = &user["attributes"][0];
        assert_eq!(user_name["name"], "userName");
        assert_eq!(user_name["caseExact"], false);
        assert_eq!(user_name["uniqueness"], "server");
        assert_eq!(user_name["required"], true);
        assert_eq!(
            user["meta"]["location"],
            format!("https://tessera.example/scim/v2/acme/Schemas/{}", urn::USER)
        );
        let group = schema(BASE, &urn::GROUP.to_uppercase()).unwrap();
        let display_name = &group["attributes"][0];
        assert_eq!(display_name["name"], "displayName");
        assert_eq!(
            (
                display_name["required"].clone(),
                display_name["uniqueness"].clone()
            ),
            (json!(true), json!("server"))
        );
        let members = &group["attributes"][1];
        assert_eq!(members["subAttributes"][0]["mutability"], "immutable");
    }
}
