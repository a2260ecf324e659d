//! What was exported, remembered so the upload can be checked against it (M2).

use serde::{Deserialize, Serialize};
use tessera_core::{Email, UserId, WorkspaceName};

/// One exported row: a user and the email it had at export time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRow {
    /// Column A.
    pub user_id: UserId,
    /// Column B (and C's pre-filled value).
    pub email: Email,
}

/// An export: its id (also written into the file) and its rows, in sheet order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Identifies this download; stored in the file's custom properties.
    pub export_id: String,
    /// The org's workspace name (the file is `user-mapping-{workspace}.xlsx`).
    pub workspace: WorkspaceName,
    /// The rows, in the order they were written.
    pub rows: Vec<SnapshotRow>,
}

impl Snapshot {
    /// Whether the org's users today are exactly the exported ones (same ids, same
    /// emails, whatever the order). If not, the upload must be refused and a new
    /// download asked for.
    pub fn matches_users(&self, current: &[SnapshotRow]) -> bool {
        if current.len() != self.rows.len() {
            return false;
        }
        let mut exported: Vec<(UserId, &str)> = self
            .rows
            .iter()
            .map(|r| (r.user_id, r.email.as_str()))
            .collect();
        let mut today: Vec<(UserId, &str)> = current
            .iter()
            .map(|r| (r.user_id, r.email.as_str()))
            .collect();
        exported.sort_unstable();
        today.sort_unstable();
        exported == today
    }
}
