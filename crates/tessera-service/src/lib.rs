//! Tessera's application layer, with no web framework, no SQL and no async runtime.
//!
//! The services take framework-neutral requests and plain values and answer what the
//! caller must do; storage sits behind the [`storage`] port ([`Storage`] and its
//! [`Transaction`]), which `tessera-store` implements over SQLite and PostgreSQL and
//! [`memory::MemoryStorage`] implements in memory. Every failure is a
//! [`ServiceError`] of one [`ErrorKind`], which each surface maps to its status once.
//! Everything that decides and applies a policy command goes through the one retry
//! loop of [`transact`].
//!
//! - [`scim::ScimService`]: the SCIM 2.0 server as a function (request in, response
//!   out), for every endpoint `tessera-server` serves.
//! - [`connect::ConnectService`]: the Connect walkthrough's steps (mode, mapping
//!   sheet, IdP details, SCIM token, going live).
//!
//! A SCIM server over the in-memory backend, with no web framework at all:
//!
//! ```
//! use std::sync::Arc;
//! use tessera_core::{Clock, SystemClock, WorkspaceName};
//! use tessera_service::memory::{MemoryStorage, NewOrg};
//! use tessera_service::scim::{ScimConfig, ScimRequest, ScimService};
//!
//! let storage = Arc::new(MemoryStorage::new());
//! let now = SystemClock.now();
//! let acme = WorkspaceName::parse("acme")?;
//! let org = storage.create_org(NewOrg::connected_for_scim(acme, now), now)?;
//! storage.add_scim_token(org, "secret-token")?;
//! let scim = ScimService::new(storage, ScimConfig::new("https://sso.example.com"));
//!
//! let body = br#"{"userName": "ada@acme.example", "emails": [{"value": "ada@acme.example"}]}"#;
//! let created = scim.serve("acme", &ScimRequest {
//!     method: "POST",
//!     path: "/Users",
//!     query: "",
//!     authorization: Some("Bearer secret-token"),
//!     if_match: None,
//!     body,
//! }, now);
//! assert_eq!(created.status, 201);
//! assert!(created.header("Location").unwrap().starts_with("https://sso.example.com/scim/v2/acme/Users/"));
//!
//! let wrong_token = scim.serve("acme", &ScimRequest {
//!     method: "GET", path: "/Users", query: "", authorization: Some("Bearer nope"),
//!     if_match: None, body: b"",
//! }, now);
//! assert_eq!(wrong_token.status, 401);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod connect;
#[cfg(feature = "contract")]
pub mod contract;
pub mod diagnostics;
pub mod error;
pub mod events;
pub mod expiry;
pub mod login;
pub mod memory;
pub mod scim;
pub mod storage;
pub mod transact;
pub mod webhooks;

pub use error::{ErrorDetails, ErrorKind, ServiceError, ServiceResult, StorageError};
pub use storage::{OrgSummary, RecordQuery, ScimResourceKind, Storage, Transaction};
