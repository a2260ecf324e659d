//! The diagnostics lines of an in-memory org, when its SCIM token was issued and
//! which expiry warnings it announced.

use crate::diagnostics::{Retention, SamlAttemptEntry, ScimRequestEntry};
use chrono::{DateTime, Utc};

/// One org's rings, oldest line first.
#[derive(Debug, Clone, Default)]
pub(crate) struct DiagnosticRows {
    pub(crate) scim: Vec<ScimRequestEntry>,
    pub(crate) saml: Vec<SamlAttemptEntry>,
    pub(crate) scim_token_issued_at: Option<DateTime<Utc>>,
    /// (item, threshold) of every expiry warning announced as an event.
    pub(crate) expiry_notices: std::collections::BTreeSet<(String, i64)>,
}

/// Appends `line`, then drops lines older than the cutoff and all but the newest
/// `retention.keep`.
pub(crate) fn push<T: Clone>(
    ring: &mut Vec<T>,
    line: &T,
    at: impl Fn(&T) -> DateTime<Utc>,
    retention: &Retention,
) {
    ring.push(line.clone());
    let cutoff = retention.cutoff(at(line));
    ring.retain(|kept| at(kept) >= cutoff);
    // Stable by time, so lines of the same instant keep the order they came in.
    ring.sort_by_key(|kept| at(kept));
    let excess = ring.len().saturating_sub(retention.keep as usize);
    ring.drain(..excess);
}

/// The newest `limit` lines, newest first.
pub(crate) fn newest<T: Clone>(ring: &[T], limit: u32) -> Vec<T> {
    ring.iter().rev().take(limit as usize).cloned().collect()
}
