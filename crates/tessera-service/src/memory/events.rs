//! One org's committed events in memory: numbered at commit, so a failed write takes
//! no seq.

use crate::events::{Event, EventType, MAX_PAGE, NewEvent};
use chrono::{DateTime, Utc};
use tessera_policy::{IdSource, RandomIds};

/// The org's stream and its last seq (kept when events are purged).
#[derive(Debug, Default)]
pub(super) struct EventLog {
    last_seq: i64,
    events: Vec<Event>,
}

impl EventLog {
    /// Numbers a committed write's events after the last seq.
    pub(super) fn commit(&mut self, pending: Vec<NewEvent>) {
        let mut ids = RandomIds;
        for event in pending {
            self.last_seq += 1;
            self.events.push(Event {
                id: ids.next_uuid().to_string(),
                seq: self.last_seq,
                event_type: event.event_type,
                occurred_at: event.occurred_at,
                source: event.source,
                data: event.data,
            });
        }
    }

    pub(super) fn after(&self, after_seq: i64, limit: usize, types: &[EventType]) -> Vec<Event> {
        let start = self.events.partition_point(|e| e.seq <= after_seq);
        self.events[start..]
            .iter()
            .filter(|e| types.is_empty() || types.contains(&e.event_type))
            .take(limit.min(MAX_PAGE))
            .cloned()
            .collect()
    }

    /// The seq of the org's last event, purged ones included.
    pub(super) fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// The seq of the last event still stored, if any.
    pub(super) fn last_stored_seq(&self) -> Option<i64> {
        self.events.last().map(|e| e.seq)
    }

    pub(super) fn purge(&mut self, before: DateTime<Utc>) -> u64 {
        let kept = self.events.len();
        self.events.retain(|e| e.occurred_at >= before);
        (kept - self.events.len()) as u64
    }
}
