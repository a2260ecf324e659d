//! The resolved dependency graph of `cargo metadata`.

use crate::MetadataError;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One resolved dependency edge and how it is used.
pub struct Edge {
    /// The package id depended on.
    pub to: String,
    /// A normal dependency (built into the crate itself).
    pub normal: bool,
    /// A build-script dependency.
    pub build: bool,
}

/// The resolved graph: every package's dependencies, with their kinds.
pub struct Graph {
    names: BTreeMap<String, String>,
    edges: BTreeMap<String, Vec<Edge>>,
    /// The workspace members' package ids.
    pub members: Vec<String>,
}

impl Graph {
    /// Reads the graph from the JSON of `cargo metadata --format-version 1`.
    pub fn read(metadata: &Value) -> Result<Self, MetadataError> {
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
                .map(|deps| deps.iter().filter_map(edge).collect())
                .unwrap_or_default();
            edges.insert(id.to_owned(), deps);
        }
        Ok(Self {
            names,
            edges,
            members,
        })
    }

    /// The package name of an id (the id itself when unknown).
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// Every direct dependency of a package, of any kind.
    pub fn edges(&self, id: &str) -> &[Edge] {
        self.edges.get(id).map_or(&[], Vec::as_slice)
    }

    /// The direct normal dependencies of a package.
    pub fn direct(&self, id: &str) -> impl Iterator<Item = &str> {
        self.edges(id)
            .iter()
            .filter(|e| e.normal)
            .map(|e| e.to.as_str())
    }

    /// Every package reached from `start` through normal dependencies.
    pub fn reachable(&self, start: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = self.direct(start).collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id.to_owned()) {
                stack.extend(self.direct(id));
            }
        }
        seen
    }
}

/// One resolved edge; `dep_kinds` absent (old cargo) means a normal dependency.
fn edge(dep: &Value) -> Option<Edge> {
    let to = dep["pkg"].as_str()?.to_owned();
    let Some(kinds) = dep["dep_kinds"].as_array() else {
        return Some(Edge {
            to,
            normal: true,
            build: false,
        });
    };
    let has = |kind: Option<&str>| kinds.iter().any(|k| k["kind"].as_str() == kind);
    Some(Edge {
        to,
        normal: has(None),
        build: has(Some("build")),
    })
}
