//! The rules run on synthetic metadata: each one is shown to catch what it forbids.

use super::*;
use serde_json::json;

/// A tiny metadata document: `edges` are (from, to, kind) with kind None = normal.
fn sample(members: &[&str], edges: &[(&str, &str, Option<&str>)]) -> Value {
    let mut all: BTreeSet<&str> = members.iter().copied().collect();
    for (from, to, _) in edges {
        all.insert(from);
        all.insert(to);
    }
    let packages: Vec<Value> = all
        .iter()
        .map(|n| json!({"id": format!("{n} 0.1.0"), "name": n}))
        .collect();
    let nodes: Vec<Value> = all
        .iter()
        .map(|n| {
            let deps: Vec<Value> = edges
                .iter()
                .filter(|(from, _, _)| from == n)
                .map(|(_, to, kind)| json!({"pkg": format!("{to} 0.1.0"), "dep_kinds": [{"kind": kind}]}))
                .collect();
            json!({"id": format!("{n} 0.1.0"), "deps": deps})
        })
        .collect();
    let members: Vec<Value> = members
        .iter()
        .map(|m| json!(format!("{m} 0.1.0")))
        .collect();
    json!({"packages": packages, "workspace_members": members, "resolve": {"nodes": nodes}})
}

#[test]
fn a_domain_crate_depending_on_actix_is_caught() {
    let metadata = sample(&["tessera-scim"], &[("tessera-scim", "actix-web", None)]);
    let found = violations(&metadata).unwrap();
    let pairs: Vec<_> = found
        .iter()
        .map(|v| (v.krate.as_str(), v.dependency.as_str()))
        .collect();
    assert!(pairs.contains(&("tessera-scim", "actix-web")), "{found:?}");
}

#[test]
fn a_transitive_runtime_in_a_domain_crate_is_caught() {
    let metadata = sample(
        &["tessera-saml"],
        &[
            ("tessera-saml", "some-helper", None),
            ("some-helper", "tokio", None),
        ],
    );
    let found = violations(&metadata).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].to_string(),
        "tessera-saml depends on tokio: domain crates know nothing of HTTP, SQL or async runtimes"
    );
}

#[test]
fn diesel_outside_the_store_is_caught_and_inside_it_is_fine() {
    let metadata = sample(
        &["tessera-store", "tessera-http"],
        &[
            ("tessera-store", "diesel", None),
            ("tessera-http", "diesel", None),
        ],
    );
    let found = violations(&metadata).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].krate, "tessera-http");
}

#[test]
fn dev_dependencies_do_not_count() {
    let metadata = sample(&["tessera-core"], &[("tessera-core", "tokio", Some("dev"))]);
    assert!(violations(&metadata).unwrap().is_empty());
}

#[test]
fn anyhow_is_for_binaries_only() {
    let metadata = sample(
        &["tessera-admin", "tessera-policy"],
        &[
            ("tessera-admin", "anyhow", None),
            ("tessera-policy", "anyhow", None),
        ],
    );
    let found = violations(&metadata).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].krate, "tessera-policy");
}

#[test]
fn metadata_without_a_resolve_is_an_error() {
    let err = violations(&json!({"packages": [], "workspace_members": []})).unwrap_err();
    assert!(err.0.contains("resolve.nodes"));
}

/// The violations found, as (crate, dependency) pairs.
fn pairs(metadata: &Value) -> Vec<(String, String)> {
    violations(metadata)
        .unwrap()
        .into_iter()
        .map(|v| (v.krate, v.dependency))
        .collect()
}

fn pair(krate: &str, dependency: &str) -> (String, String) {
    (krate.to_owned(), dependency.to_owned())
}

#[test]
fn the_service_layer_reaching_a_runtime_or_sql_client_is_caught() {
    let metadata = sample(
        &["tessera-service"],
        &[
            ("tessera-service", "some-helper", None),
            ("some-helper", "tokio", None),
            ("tessera-service", "rusqlite", None),
            ("tessera-service", "hyper", None),
        ],
    );
    let found = violations(&metadata).unwrap();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        found[2].to_string(),
        "tessera-service depends on tokio: the service layer knows no web framework, SQL client or async runtime"
    );
}

#[test]
fn the_service_layer_depending_on_its_backend_or_adapter_is_caught() {
    let metadata = sample(
        &["tessera-service"],
        &[
            ("tessera-service", "tessera-store", None),
            ("tessera-service", "tessera-http", None),
        ],
    );
    assert_eq!(
        pairs(&metadata),
        [
            pair("tessera-service", "tessera-http"),
            pair("tessera-service", "tessera-store"),
        ]
    );
}

#[test]
fn axum_and_tokio_as_dev_dependencies_of_the_service_layer_are_fine() {
    let metadata = sample(
        &["tessera-service"],
        &[
            ("tessera-service", "axum", Some("dev")),
            ("tessera-service", "tokio", Some("dev")),
            ("axum", "tokio", None),
        ],
    );
    assert!(pairs(&metadata).is_empty());
}

#[test]
fn axum_as_a_normal_dependency_of_the_service_layer_is_caught() {
    let metadata = sample(&["tessera-service"], &[("tessera-service", "axum", None)]);
    let found = violations(&metadata).unwrap();
    let rules: Vec<_> = found.iter().map(|v| v.rule).collect();
    assert_eq!(
        rules,
        [
            "only the service layer's examples may use this, as a dev-dependency",
            "the service layer knows no web framework, SQL client or async runtime",
        ]
    );
}

#[test]
fn axum_anywhere_else_is_caught_even_as_a_dev_dependency() {
    let metadata = sample(
        &["tessera-http", "tessera-store"],
        &[
            ("tessera-http", "axum", Some("dev")),
            ("tessera-store", "axum-core", Some("build")),
        ],
    );
    assert_eq!(
        pairs(&metadata),
        [
            pair("tessera-http", "axum"),
            pair("tessera-store", "axum-core"),
        ]
    );
}

#[test]
fn scim_and_policy_knowing_each_other_is_caught() {
    let scim_to_policy = sample(
        &["tessera-scim", "tessera-policy"],
        &[("tessera-scim", "tessera-policy", None)],
    );
    let policy_to_scim = sample(
        &["tessera-scim", "tessera-policy"],
        &[
            ("tessera-policy", "helper", None),
            ("helper", "tessera-scim", None),
        ],
    );
    assert_eq!(
        pairs(&scim_to_policy),
        [pair("tessera-scim", "tessera-policy")]
    );
    assert_eq!(
        pairs(&policy_to_scim),
        [pair("tessera-policy", "tessera-scim")]
    );
    let found = violations(&policy_to_scim).unwrap();
    assert_eq!(
        found[0].rule,
        "tessera-scim and tessera-policy do not know each other"
    );
}

#[test]
fn a_domain_crate_depending_on_an_upper_layer_is_caught() {
    let metadata = sample(
        &["tessera-mapping", "tessera-core", "tessera-saml"],
        &[
            ("tessera-mapping", "tessera-service", None),
            ("tessera-core", "tessera-store", None),
            ("tessera-saml", "tessera-http", None),
        ],
    );
    let found = violations(&metadata).unwrap();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found
            .iter()
            .all(|v| v.rule == "domain crates know nothing of the layers above them"),
        "{found:?}"
    );
}

#[test]
fn the_store_may_implement_the_service_port_but_not_know_http() {
    let metadata = sample(
        &["tessera-store"],
        &[
            ("tessera-store", "tessera-service", None),
            ("tessera-store", "tessera-http", None),
        ],
    );
    let found = violations(&metadata).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].to_string(),
        "tessera-store depends on tessera-http: the store implements the service layer's port and knows no HTTP adapter"
    );
}
