//! The behaviour every storage backend must show, as a suite any backend's tests run:
//! `tessera-service`'s on [`MemoryStorage`](crate::memory::MemoryStorage),
//! `tessera-store`'s on SQLite and PostgreSQL. Each case drives the services (or the
//! retry loop) through the port and panics, naming the case, when the backend answers
//! otherwise. Enabled by the `contract` feature.

// A test suite: failing loudly, with the case and the answer, is its whole job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod connect_cases;
mod diagnostics_cases;
mod event_cases;
mod event_source_cases;
mod salesforce_cases;
mod saml_cases;
mod scim_cases;
mod transaction_cases;
mod webhook_cases;

use crate::storage::Storage;
use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use tessera_core::{OrgId, WorkspaceName};

/// A backend under test.
pub trait Backend {
    /// Its storage: the same database on every call (the cases use workspaces of
    /// their own, so one database serves the whole suite).
    fn storage(&self) -> Arc<dyn Storage>;

    /// Creates a production org with SSO enabled that SCIM may provision, and answers
    /// its id and a live SCIM bearer token.
    fn scim_org(&self, workspace: &WorkspaceName, now: DateTime<Utc>) -> (OrgId, String);

    /// Creates a production org with SSO enabled whose Connect walkthrough has not
    /// started, and answers its id.
    fn walkthrough_org(&self, workspace: &WorkspaceName, now: DateTime<Utc>) -> OrgId;
}

/// One case: a name and what it checks.
type Case = (&'static str, fn(&dyn Backend));

/// Runs every case on `backend`; a failing case panics with its name.
pub fn run(backend: &dyn Backend) {
    let cases: Vec<Case> = scim_cases::CASES
        .iter()
        .chain(transaction_cases::CASES.iter())
        .chain(saml_cases::CASES.iter())
        .chain(connect_cases::CASES.iter())
        .chain(event_cases::CASES.iter())
        .chain(event_source_cases::CASES.iter())
        .chain(webhook_cases::CASES.iter())
        .chain(diagnostics_cases::CASES.iter())
        .chain(salesforce_cases::CASES.iter())
        .copied()
        .collect();
    for (name, case) in cases {
        eprintln!("contract: {name}");
        case(backend);
    }
}

/// The cases' clock.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// A workspace name the cases use.
fn workspace(name: &str) -> WorkspaceName {
    WorkspaceName::parse(name).unwrap()
}
