//! The dependency rules of `docs/architecture.md`, as code.
//!
//! [`violations`] reads the JSON of `cargo metadata --format-version 1` and lists every
//! crate that depends on something the architecture forbids. The workspace test in
//! `tests/workspace.rs` runs it on the real workspace; the unit tests below run it on
//! synthetic samples, so the check itself is known to fail when it should.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Crates that must stay embeddable: no web framework, database or async runtime,
/// not even transitively.
pub const DOMAIN_CRATES: &[&str] = &[
    "tessera-core",
    "tessera-saml",
    "tessera-scim",
    "tessera-policy",
    "tessera-mapping",
];

/// Packages (or package-name prefixes ending in `-`) no domain crate may reach.
pub const INFRASTRUCTURE: &[&str] = &[
    "actix-",
    "awc",
    "diesel",
    "diesel_",
    "r2d2",
    "libsqlite3-sys",
    "pq-sys",
    "tokio",
    "hyper",
    "reqwest",
    "tessera-store",
    "tessera-http",
];

/// Who alone may depend directly on a package: (package or prefix, allowed crates).
pub const EXCLUSIVE: &[(&str, &[&str])] = &[
    ("diesel", &["tessera-store"]),
    ("diesel_", &["tessera-store"]),
    ("actix-", &["tessera-http"]),
    (
        "anyhow",
        &[
            "tessera-server",
            "tessera-admin",
            "tessera-scim-bench",
            "tessera-abuse",
        ],
    ),
];

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// The workspace crate that breaks the rule.
    pub krate: String,
    /// The forbidden package it reaches.
    pub dependency: String,
    /// Which rule, in words.
    pub rule: &'static str,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} depends on {}: {}",
            self.krate, self.dependency, self.rule
        )
    }
}

/// Why the metadata could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct MetadataError(pub String);

fn matches(package: &str, pattern: &str) -> bool {
    if pattern.ends_with('-') || pattern.ends_with('_') {
        package.starts_with(pattern)
    } else {
        package == pattern
    }
}

/// Lists every violation of the dependency rules in `metadata`.
pub fn violations(metadata: &Value) -> Result<Vec<Violation>, MetadataError> {
    let graph = Graph::read(metadata)?;
    let mut found = BTreeSet::new();
    for member in &graph.members {
        let name = graph.name(member);
        if DOMAIN_CRATES.contains(&name) {
            for reached in graph.reachable(member) {
                let dependency = graph.name(&reached);
                if INFRASTRUCTURE.iter().any(|p| matches(dependency, p)) {
                    found.insert(Violation {
                        krate: name.to_owned(),
                        dependency: dependency.to_owned(),
                        rule: "domain crates know nothing of HTTP, SQL or async runtimes",
                    });
                }
            }
        }
        for direct in graph.direct(member) {
            let dependency = graph.name(direct);
            for (pattern, allowed) in EXCLUSIVE {
                if matches(dependency, pattern) && !allowed.contains(&name) {
                    found.insert(Violation {
                        krate: name.to_owned(),
                        dependency: dependency.to_owned(),
                        rule: "only the crate that owns this concern may depend on it",
                    });
                }
            }
        }
    }
    Ok(found.into_iter().collect())
}

/// The resolved graph of normal (non-dev, non-build) dependencies.
struct Graph {
    names: BTreeMap<String, String>,
    edges: BTreeMap<String, Vec<String>>,
    members: Vec<String>,
}

impl Graph {
    fn read(metadata: &Value) -> Result<Self, MetadataError> {
        let missing = |what: &str| MetadataError(format!("cargo metadata has no {what}"));
        let mut names = BTreeMap::new();
        for package in metadata["packages"]
            .as_array()
            .ok_or_else(|| missing("packages"))?
        {
            let id = package["id"]
                .as_str()
                .ok_or_else(|| missing("package id"))?;
            let name = package["name"]
                .as_str()
                .ok_or_else(|| missing("package name"))?;
            names.insert(id.to_owned(), name.to_owned());
        }
        let members = metadata["workspace_members"]
            .as_array()
            .ok_or_else(|| missing("workspace_members"))?
            .iter()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        let mut edges = BTreeMap::new();
        let nodes = metadata["resolve"]["nodes"]
            .as_array()
            .ok_or_else(|| missing("resolve.nodes (was --no-deps used?)"))?;
        for node in nodes {
            let id = node["id"].as_str().ok_or_else(|| missing("node id"))?;
            let deps = node["deps"]
                .as_array()
                .map(|deps| {
                    deps.iter()
                        .filter(|dep| is_normal(dep))
                        .filter_map(|dep| dep["pkg"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            edges.insert(id.to_owned(), deps);
        }
        Ok(Self {
            names,
            edges,
            members,
        })
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    fn direct(&self, id: &str) -> &[String] {
        self.edges.get(id).map_or(&[], Vec::as_slice)
    }

    fn reachable(&self, start: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = self.direct(start).iter().map(String::as_str).collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id.to_owned()) {
                stack.extend(self.direct(id).iter().map(String::as_str));
            }
        }
        seen
    }
}

/// Whether a resolved dependency edge is a normal one (built into the crate itself).
fn is_normal(dep: &Value) -> bool {
    dep["dep_kinds"]
        .as_array()
        .is_none_or(|kinds| kinds.iter().any(|k| k["kind"].is_null()))
}

#[cfg(test)]
mod tests {
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
}
