//! Storage tests, run on SQLite and (when reachable) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

mod contract;
mod login;
mod orgs;
mod persistence;
mod policy;
mod row_counts;
mod saml_requests;
mod users;

use chrono::{DateTime, TimeZone, Utc};
use tessera_core::WorkspaceName;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap()
}

fn ws(name: &str) -> WorkspaceName {
    WorkspaceName::parse(name).unwrap()
}
