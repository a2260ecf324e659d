//! The event stream's guarantees: seqs 1, 2, 3, … with no gap under concurrent
//! writers, nothing from a rolled-back or retried attempt, reads after a cursor and by
//! type, one org apart from another, and a retention purge that never reuses a seq.

use super::{Backend, Case, t0, workspace};
use crate::error::{ServiceError, StorageError};
use crate::events::{Event, EventType, MAX_PAGE};
use crate::storage::Storage;
use crate::transact::{decide_and_apply, execute, read, write};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tessera_core::{Email, OrgId, UserName};
use tessera_policy::{Command, ProvisionedUser};

pub(super) const CASES: [Case; 4] = [
    (
        "concurrent writers get seqs with no gap, one user.created per user",
        concurrent_writers_leave_no_gap,
    ),
    (
        "a rolled-back or retried attempt appends no event",
        rollbacks_append_nothing,
    ),
    (
        "events are read after a cursor, by type, bounded, per org",
        reads_follow_the_cursor,
    ),
    (
        "a purge drops old events and never reuses a seq; the last seq is the newest's",
        purge_keeps_the_counter,
    ),
];

pub(super) fn create(name: &str) -> Command {
    let mut user = ProvisionedUser::new(UserName::parse(name).unwrap());
    user.email = Some(Email::parse(name).unwrap());
    Command::ScimCreateUser(user)
}

/// Every event of the org, read page by page.
pub(super) fn all_events(storage: &dyn Storage, org: OrgId) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    loop {
        let after = events.last().map_or(0, |e| e.seq);
        let page = storage.events_after(org, after, MAX_PAGE, &[]).unwrap();
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

/// Asserts the stream is 1, 2, 3, … with no gap.
pub(super) fn assert_gapless(events: &[Event], what: &str) {
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    let expected: Vec<i64> = (1..=events.len() as i64).collect();
    assert_eq!(seqs, expected, "{what}: seqs with no gap");
}

fn concurrent_writers_leave_no_gap(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("eventburst"), t0());
    let storage: Arc<dyn Storage> = backend.storage();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let storage = storage.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let name = format!("w{w}u{i}@corp.example");
                    execute(&*storage, org, &create(&name), t0()).unwrap();
                    let rolled_back: Result<(), ServiceError> = write(&*storage, org, |tx| {
                        decide_and_apply(tx, &create(&format!("x{name}")), t0())?;
                        Err(ServiceError::conflict("rolled back on purpose"))
                    });
                    assert!(rolled_back.is_err());
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let events = all_events(&*storage, org);
    assert_gapless(&events, "after the burst");
    let created: Vec<String> = events
        .iter()
        .filter(|e| e.event_type == EventType::UserCreated)
        .map(|e| e.data["user"]["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(created.len(), 32, "one user.created per committed create");
    assert!(
        created.iter().all(|email| !email.starts_with('x')),
        "{created:?}"
    );
    let users = read(&*storage, org, |tx| {
        Ok::<_, ServiceError>(tx.count_scim_users()?)
    });
    assert_eq!(users.unwrap(), 32);
}

fn rollbacks_append_nothing(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("eventrollback"), t0());
    let storage = backend.storage();
    let failed: Result<(), ServiceError> = write(&*storage, org, |tx| {
        decide_and_apply(tx, &create("kim@corp.example"), t0())?;
        Err(ServiceError::conflict("refused after the write"))
    });
    assert!(failed.is_err());
    assert!(all_events(&*storage, org).is_empty(), "a rolled-back write");
    let mut attempts = 0;
    write(&*storage, org, |tx| {
        attempts += 1;
        decide_and_apply(tx, &create("lou@corp.example"), t0())?;
        if attempts == 1 {
            return Err(ServiceError::from(StorageError::Conflict));
        }
        Ok(())
    })
    .unwrap();
    let events = all_events(&*storage, org);
    assert_gapless(&events, "after a retried write");
    let created: Vec<&Event> = events
        .iter()
        .filter(|e| e.event_type == EventType::UserCreated)
        .collect();
    assert_eq!(created.len(), 1, "only the retry's events: {events:?}");
    assert_eq!(created[0].data["user"]["email"], "lou@corp.example");
}

fn reads_follow_the_cursor(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("eventcursor"), t0());
    let (other, _) = backend.scim_org(&workspace("eventother"), t0());
    let storage = backend.storage();
    for name in ["a@corp.example", "b@corp.example", "c@corp.example"] {
        execute(&*storage, org, &create(name), t0()).unwrap();
    }
    execute(&*storage, other, &create("z@corp.example"), t0()).unwrap();
    let events = all_events(&*storage, org);
    assert_gapless(&events, "the org");
    let first_two = storage.events_after(org, 0, 2, &[]).unwrap();
    assert_eq!(first_two, events[..2], "limit");
    let rest = storage.events_after(org, 2, MAX_PAGE, &[]).unwrap();
    assert_eq!(rest, events[2..], "after the cursor");
    let created = storage
        .events_after(org, 0, MAX_PAGE, &[EventType::UserCreated])
        .unwrap();
    let emails: Vec<&str> = created
        .iter()
        .map(|e| e.data["user"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["a@corp.example", "b@corp.example", "c@corp.example"]
    );
    let none = storage
        .events_after(org, 0, MAX_PAGE, &[EventType::TeamDeleted])
        .unwrap();
    assert!(none.is_empty(), "types filter");
    let theirs = all_events(&*storage, other);
    assert_gapless(&theirs, "the other org");
    assert!(
        theirs
            .iter()
            .all(|e| events.iter().all(|mine| mine.id != e.id)),
        "ids are unique across orgs"
    );
    let huge = storage.events_after(org, 0, usize::MAX, &[]).unwrap();
    assert_eq!(huge, events, "a huge limit is capped, not refused");
}

fn purge_keeps_the_counter(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("eventpurge"), t0());
    let storage = backend.storage();
    // Long before every other case's clock, so the purge touches only these.
    let long_ago: DateTime<Utc> = t0() - Duration::days(400);
    execute(&*storage, org, &create("old@corp.example"), long_ago).unwrap();
    let recent = long_ago + Duration::days(60);
    execute(&*storage, org, &create("new@corp.example"), recent).unwrap();
    let before = all_events(&*storage, org);
    let old = before.iter().filter(|e| e.occurred_at < recent).count() as u64;
    assert!(old > 0);
    let purged = storage.purge_events(long_ago + Duration::days(30)).unwrap();
    assert_eq!(purged, old, "only the events older than the cutoff");
    let kept = storage.events_after(org, 0, MAX_PAGE, &[]).unwrap();
    assert!(kept.iter().all(|e| e.occurred_at == recent), "{kept:?}");
    execute(&*storage, org, &create("next@corp.example"), recent).unwrap();
    let after = storage.events_after(org, 0, MAX_PAGE, &[]).unwrap();
    let seqs: Vec<i64> = after.iter().map(|e| e.seq).collect();
    let last_before = before.last().unwrap().seq;
    assert_eq!(seqs.first().copied(), Some(before[old as usize].seq));
    assert!(
        *seqs.last().unwrap() > last_before,
        "the seq goes on: {seqs:?}"
    );
    assert_eq!(
        storage.last_event_seq(org).unwrap(),
        *seqs.last().unwrap(),
        "the last seq is the newest event's"
    );
    let (empty, _) = backend.scim_org(&workspace("eventnone"), t0());
    assert_eq!(
        storage.last_event_seq(empty).unwrap(),
        0,
        "0 before any event"
    );
}
