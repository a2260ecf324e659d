//! SCIM request lines held in memory and written in batches, so recording a request
//! costs a server no write transaction of its own: [`ScimLineBuffer::push`] never
//! touches storage, [`ScimLineBuffer::flush`] writes what waits, one transaction per
//! org. Lines still waiting when a process dies are lost: diagnostics are a window,
//! not a record (the audit log is the record).

use super::{DiagnosticsService, Retention, ScimRequestEntry};
use crate::error::ServiceResult;
use crate::storage::Storage;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Lines a buffer holds by default before it drops new ones.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// SCIM request lines waiting to be written, each with the workspace of its path.
#[derive(Debug)]
pub struct ScimLineBuffer {
    lines: Mutex<Vec<(String, ScimRequestEntry)>>,
    capacity: usize,
    dropped: AtomicU64,
}

impl Default for ScimLineBuffer {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl ScimLineBuffer {
    /// An empty buffer holding at most `capacity` lines between flushes.
    pub fn new(capacity: usize) -> Self {
        Self {
            lines: Mutex::new(Vec::new()),
            capacity,
            dropped: AtomicU64::new(0),
        }
    }

    /// Queues the line of a request answered for `workspace`; when the buffer is
    /// full the line is dropped and counted ([`ScimLineBuffer::take_dropped`]).
    pub fn push(&self, workspace: &str, entry: ScimRequestEntry) {
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        if lines.len() >= self.capacity {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        lines.push((workspace.to_owned(), entry));
    }

    /// Writes every waiting line, in arrival order, one write transaction per
    /// workspace, and answers how many were written. An org whose write fails loses
    /// its lines; the others are written, and the first failure is answered.
    pub fn flush(&self, storage: &dyn Storage, retention: &Retention) -> ServiceResult<usize> {
        let waiting = std::mem::take(&mut *self.lines.lock().unwrap_or_else(|p| p.into_inner()));
        // A map, not a scan: requests to many made-up workspaces stay cheap to group.
        let mut by_workspace: BTreeMap<String, Vec<ScimRequestEntry>> = BTreeMap::new();
        for (workspace, entry) in waiting {
            by_workspace.entry(workspace).or_default().push(entry);
        }
        let service = DiagnosticsService::new(storage);
        let (mut written, mut failure) = (0, None);
        for (workspace, entries) in by_workspace {
            match service.record_scim_requests(&workspace, &entries, retention) {
                Ok(()) => written += entries.len(),
                Err(error) => failure = failure.or(Some(error)),
            }
        }
        failure.map_or(Ok(written), Err)
    }

    /// How many lines were dropped because the buffer was full, since the last call.
    pub fn take_dropped(&self) -> u64 {
        self.dropped.swap(0, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{MemoryStorage, NewOrg};
    use crate::transact::read;
    use chrono::{TimeZone, Utc};
    use tessera_core::WorkspaceName;

    fn line(status: u16) -> ScimRequestEntry {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        ScimRequestEntry::new(at, "GET", "/Users", status, None, None)
    }

    #[test]
    fn lines_wait_in_memory_until_flushed_then_land_per_org_in_order() {
        let storage = MemoryStorage::new();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let acme = WorkspaceName::parse("acme").unwrap();
        let org = storage
            .create_org(NewOrg::connected_for_scim(acme, now), now)
            .unwrap();
        let buffer = ScimLineBuffer::new(3);
        for status in [200, 201, 404] {
            buffer.push("acme", line(status));
        }
        buffer.push("acme", line(500));
        buffer.push("nobody", line(401));
        assert_eq!(buffer.take_dropped(), 2, "past the capacity");
        let recent = |storage: &MemoryStorage| {
            read(storage, org, |tx| {
                Ok::<_, crate::ServiceError>(tx.recent_scim_requests(10)?)
            })
            .unwrap()
        };
        assert!(
            recent(&storage).is_empty(),
            "nothing written before the flush"
        );
        assert_eq!(buffer.flush(&storage, &Retention::default()).unwrap(), 3);
        let statuses: Vec<u16> = recent(&storage).iter().map(|l| l.status).collect();
        assert_eq!(statuses, vec![404, 201, 200], "newest first");
        assert_eq!(buffer.flush(&storage, &Retention::default()).unwrap(), 0);
    }
}
