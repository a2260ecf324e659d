//! Which SCIM endpoint a path below the tenant's SCIM root names, and whether the
//! method is one it serves. Unknown paths and methods are answered before the bearer
//! token is checked, as they reveal nothing about the org.

use percent_encoding::percent_decode_str;

/// A SCIM endpoint with the method asked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    ListUsers,
    CreateUser,
    SearchUsers,
    GetUser(String),
    ReplaceUser(String),
    PatchUser(String),
    DeleteUser(String),
    ListGroups,
    CreateGroup,
    SearchGroups,
    GetGroup(String),
    ReplaceGroup(String),
    PatchGroup(String),
    DeleteGroup(String),
    ServiceProviderConfig,
    ResourceTypes,
    ResourceType(String),
    Schemas,
    Schema(String),
}

/// Why no endpoint serves the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoRoute {
    UnknownPath,
    MethodNotAllowed,
    /// `POST /.search` across resource types: optional in RFC 7644 §3.4.3.
    SearchAcrossTypes,
}

/// The endpoint `method` on `path` (e.g. `/Users/2819c223`) names.
pub(crate) fn route(method: &str, path: &str) -> Result<Endpoint, NoRoute> {
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let id = |raw: &str| percent_decode_str(raw).decode_utf8_lossy().into_owned();
    let allow = |endpoint: Option<Endpoint>| endpoint.ok_or(NoRoute::MethodNotAllowed);
    match segments.as_slice() {
        ["Users"] => allow(match method {
            "GET" => Some(Endpoint::ListUsers),
            "POST" => Some(Endpoint::CreateUser),
            _ => None,
        }),
        ["Groups"] => allow(match method {
            "GET" => Some(Endpoint::ListGroups),
            "POST" => Some(Endpoint::CreateGroup),
            _ => None,
        }),
        ["Users", ".search"] => allow((method == "POST").then_some(Endpoint::SearchUsers)),
        ["Groups", ".search"] => allow((method == "POST").then_some(Endpoint::SearchGroups)),
        [".search"] if method == "POST" => Err(NoRoute::SearchAcrossTypes),
        [".search"] => Err(NoRoute::MethodNotAllowed),
        ["Users", raw] if !raw.is_empty() => allow(match method {
            "GET" => Some(Endpoint::GetUser(id(raw))),
            "PUT" => Some(Endpoint::ReplaceUser(id(raw))),
            "PATCH" => Some(Endpoint::PatchUser(id(raw))),
            "DELETE" => Some(Endpoint::DeleteUser(id(raw))),
            _ => None,
        }),
        ["Groups", raw] if !raw.is_empty() => allow(match method {
            "GET" => Some(Endpoint::GetGroup(id(raw))),
            "PUT" => Some(Endpoint::ReplaceGroup(id(raw))),
            "PATCH" => Some(Endpoint::PatchGroup(id(raw))),
            "DELETE" => Some(Endpoint::DeleteGroup(id(raw))),
            _ => None,
        }),
        ["ServiceProviderConfig"] => get(method, Endpoint::ServiceProviderConfig),
        ["ResourceTypes"] => get(method, Endpoint::ResourceTypes),
        ["ResourceTypes", raw] if !raw.is_empty() => get(method, Endpoint::ResourceType(id(raw))),
        ["Schemas"] => get(method, Endpoint::Schemas),
        ["Schemas", raw] if !raw.is_empty() => get(method, Endpoint::Schema(id(raw))),
        _ => Err(NoRoute::UnknownPath),
    }
}

fn get(method: &str, endpoint: Endpoint) -> Result<Endpoint, NoRoute> {
    (method == "GET")
        .then_some(endpoint)
        .ok_or(NoRoute::MethodNotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_methods_name_endpoints() {
        assert_eq!(route("GET", "/Users"), Ok(Endpoint::ListUsers));
        assert_eq!(
            route("PATCH", "/Groups/a%20b"),
            Ok(Endpoint::PatchGroup("a b".into()))
        );
        assert_eq!(route("POST", "/Users/.search"), Ok(Endpoint::SearchUsers));
        assert_eq!(
            route("GET", "/Users/.search"),
            Err(NoRoute::MethodNotAllowed)
        );
        assert_eq!(route("DELETE", "/Schemas"), Err(NoRoute::MethodNotAllowed));
        assert_eq!(route("GET", "/Users/"), Err(NoRoute::UnknownPath));
        assert_eq!(route("GET", "/Users/a/b"), Err(NoRoute::UnknownPath));
        assert_eq!(route("GET", "/Bulk"), Err(NoRoute::UnknownPath));
    }
}
