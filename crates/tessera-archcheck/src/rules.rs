//! The rules themselves, as data: who may reach what.

/// Crates that must stay embeddable: no web framework, database or async runtime,
/// not even transitively, and nothing of the layers above them.
pub const DOMAIN_CRATES: &[&str] = &[
    "tessera-core",
    "tessera-saml",
    "tessera-scim",
    "tessera-policy",
    "tessera-mapping",
];

/// The application layer embedders call: framework-free like the domain crates.
pub const SERVICE_CRATE: &str = "tessera-service";

/// The crates above the domain: the service layer, its SQL backend, its actix adapter.
pub const UPPER_LAYERS: &[&str] = &["tessera-service", "tessera-store", "tessera-http"];

/// Packages (or package-name prefixes ending in `-` or `_`) of web frameworks, HTTP
/// stacks, SQL clients and async runtimes.
pub const INFRASTRUCTURE: &[&str] = &[
    "actix-",
    "awc",
    "axum",
    "axum-",
    "hyper",
    "hyper-",
    "reqwest",
    "tokio",
    "tokio-",
    "diesel",
    "diesel_",
    "r2d2",
    "libsqlite3-sys",
    "rusqlite",
    "pq-sys",
    "postgres",
    "postgres-",
    "sqlx",
    "sqlx-",
];

/// One "may not reach" rule over the normal dependency graph, transitively.
#[derive(Debug, Clone, Copy)]
pub struct Unreachable {
    /// The workspace crates the rule binds.
    pub crates: &'static [&'static str],
    /// The packages (or prefixes) they must not reach.
    pub forbidden: &'static [&'static str],
    /// The rule, in words.
    pub rule: &'static str,
}

const SCIM_AND_POLICY: &str = "tessera-scim and tessera-policy do not know each other";

/// Every "may not reach" rule.
pub const UNREACHABLE: &[Unreachable] = &[
    Unreachable {
        crates: DOMAIN_CRATES,
        forbidden: INFRASTRUCTURE,
        rule: "domain crates know nothing of HTTP, SQL or async runtimes",
    },
    Unreachable {
        crates: DOMAIN_CRATES,
        forbidden: UPPER_LAYERS,
        rule: "domain crates know nothing of the layers above them",
    },
    Unreachable {
        crates: &[SERVICE_CRATE],
        forbidden: INFRASTRUCTURE,
        rule: "the service layer knows no web framework, SQL client or async runtime",
    },
    Unreachable {
        crates: &[SERVICE_CRATE],
        forbidden: &["tessera-store", "tessera-http"],
        rule: "the service layer knows neither its storage backends nor its adapters",
    },
    Unreachable {
        crates: &["tessera-scim"],
        forbidden: &["tessera-policy"],
        rule: SCIM_AND_POLICY,
    },
    Unreachable {
        crates: &["tessera-policy"],
        forbidden: &["tessera-scim"],
        rule: SCIM_AND_POLICY,
    },
    Unreachable {
        crates: &["tessera-store"],
        forbidden: &["tessera-http"],
        rule: "the store implements the service layer's port and knows no HTTP adapter",
    },
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
            "tessera-saml-bench",
            "tessera-abuse",
        ],
    ),
];

/// Packages that only these crates may use, and only as dev-dependencies (for their
/// examples and tests): (package or prefix, allowed crates).
pub const DEV_ONLY: &[(&str, &[&str])] = &[("axum", &[SERVICE_CRATE]), ("axum-", &[SERVICE_CRATE])];

/// Whether `package` is `pattern`, or starts with it when it ends in `-` or `_`.
pub fn matches(package: &str, pattern: &str) -> bool {
    if pattern.ends_with('-') || pattern.ends_with('_') {
        package.starts_with(pattern)
    } else {
        package == pattern
    }
}
