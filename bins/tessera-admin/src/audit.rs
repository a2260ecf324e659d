//! `tessera-admin audit {ws}`: the audit log (S4).

use crate::cli::parse_workspace;
use crate::output::print;
use chrono::{DateTime, Utc};
use clap::Args;
use std::fmt::Write;
use tessera_core::WorkspaceName;
use tessera_store::{AuditFilter, Store};

/// Arguments of `audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// Only entries at or after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z).
    #[arg(long)]
    since: Option<DateTime<Utc>>,
    /// At most this many entries.
    #[arg(long, default_value_t = 50)]
    limit: i64,
}

pub fn run(store: &Store, args: AuditArgs, json: bool) -> anyhow::Result<()> {
    let org = store.org(&args.ws)?;
    let filter = AuditFilter {
        since: args.since,
        limit: args.limit.max(1),
        ..AuditFilter::default()
    };
    let entries = store.audit(org.id, &filter)?;
    print(json, &entries, || {
        let mut text = String::new();
        for entry in &entries {
            let _ = writeln!(
                text,
                "{} {:<10} {:<28} {:<24} {}",
                entry.at.format("%Y-%m-%d %H:%M:%S"),
                entry.source,
                entry.actor,
                entry.action,
                entry.target_label.as_deref().unwrap_or("")
            );
        }
        text.trim_end().to_owned()
    })
}
