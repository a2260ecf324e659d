//! The dependency rules of `docs/architecture.md`, as code.
//!
//! [`violations`] reads the JSON of `cargo metadata --format-version 1` and lists every
//! crate that depends on something the architecture forbids: the domain crates and
//! the service layer reach no web framework, SQL client or async runtime (the
//! [`UNREACHABLE`] rules, transitively over normal dependencies), a few packages have
//! one owner ([`EXCLUSIVE`]), and axum is only a dev-dependency of the service layer's
//! examples ([`DEV_ONLY`]). The workspace test in `tests/workspace.rs` runs it on the
//! real workspace; the unit tests run it on synthetic samples, so the check itself is
//! known to fail when it should.

mod graph;
mod rules;

pub use rules::{
    DEV_ONLY, DOMAIN_CRATES, EXCLUSIVE, INFRASTRUCTURE, SERVICE_CRATE, UNREACHABLE, UPPER_LAYERS,
    Unreachable,
};

use graph::Graph;
use rules::matches;
use serde_json::Value;
use std::collections::BTreeSet;

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

/// Lists every violation of the dependency rules in `metadata`.
pub fn violations(metadata: &Value) -> Result<Vec<Violation>, MetadataError> {
    let graph = Graph::read(metadata)?;
    let mut found = BTreeSet::new();
    for member in &graph.members {
        let name = graph.name(member);
        let mut broken = |dependency: &str, rule: &'static str| {
            found.insert(Violation {
                krate: name.to_owned(),
                dependency: dependency.to_owned(),
                rule,
            });
        };
        for rule in UNREACHABLE.iter().filter(|r| r.crates.contains(&name)) {
            for reached in graph.reachable(member) {
                let dependency = graph.name(&reached);
                if rule.forbidden.iter().any(|p| matches(dependency, p)) {
                    broken(dependency, rule.rule);
                }
            }
        }
        for direct in graph.direct(member) {
            let dependency = graph.name(direct);
            for (pattern, allowed) in EXCLUSIVE {
                if matches(dependency, pattern) && !allowed.contains(&name) {
                    broken(
                        dependency,
                        "only the crate that owns this concern may depend on it",
                    );
                }
            }
        }
        for edge in graph.edges(member) {
            let dependency = graph.name(&edge.to);
            for (pattern, allowed) in DEV_ONLY {
                let dev_only = !edge.normal && !edge.build;
                if matches(dependency, pattern) && !(dev_only && allowed.contains(&name)) {
                    broken(
                        dependency,
                        "only the service layer's examples may use this, as a dev-dependency",
                    );
                }
            }
        }
    }
    Ok(found.into_iter().collect())
}

#[cfg(test)]
mod tests;
