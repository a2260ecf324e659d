//! The event outbox over SQL: a write's events are numbered and inserted right
//! before it commits (one counter update, then the rows: one multi-row insert on
//! PostgreSQL, cached single-row inserts on SQLite), so the per-org counter row is
//! locked only for the end of the transaction.

use crate::DbConnection;
use crate::schema::{event_counters, events};
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tessera_core::OrgId;
use tessera_service::StorageError;
use tessera_service::events::{Event, EventSource, EventType, MAX_PAGE, NewEvent};

/// Gives `pending` the org's next seqs and inserts them. The counter row is the
/// org's lock: a concurrent writer of the same org waits here until this one
/// commits or rolls back (a rolled-back bump never happened), so seqs have no gaps.
pub(super) fn insert(
    conn: &mut DbConnection,
    org: OrgId,
    pending: &[NewEvent],
) -> Result<(), StorageError> {
    if pending.is_empty() {
        return Ok(());
    }
    let org = org.to_string();
    let count = i64::try_from(pending.len())
        .map_err(|_| StorageError::Internal("too many events in one write".into()))?;
    let last = match bump(conn, &org, count)? {
        Some(last) => last,
        None => {
            // The org's first events: a concurrent first writer makes this a unique
            // violation, a conflict that runs the unit again.
            diesel::insert_into(event_counters::table)
                .values((
                    event_counters::org_id.eq(&org),
                    event_counters::last_seq.eq(count),
                ))
                .execute(conn)
                .map_err(db)?;
            count
        }
    };
    let first = last - count + 1;
    let rows: Vec<_> = pending
        .iter()
        .zip(first..)
        .map(|(event, seq)| {
            (
                events::org_id.eq(&org),
                events::seq.eq(seq),
                events::id.eq(uuid::Uuid::new_v4().to_string()),
                events::event_type.eq(event.event_type.as_str()),
                events::occurred_at.eq(to_db(event.occurred_at)),
                events::source.eq(event.source.as_str()),
                events::data.eq(event.data.to_string()),
            )
        })
        .collect();
    match conn {
        // In process, one cached single-row INSERT per event is cheaper than preparing
        // a multi-row statement whose text depends on the count.
        DbConnection::Sqlite(conn) => {
            for row in rows {
                diesel::insert_into(events::table)
                    .values(row)
                    .execute(conn)
                    .map_err(db)?;
            }
        }
        // Over the network, one multi-row INSERT: one round trip.
        DbConnection::Postgresql(conn) => {
            diesel::insert_into(events::table)
                .values(rows)
                .execute(conn)
                .map_err(db)?;
        }
    }
    Ok(())
}

/// Adds `count` to the org's counter and answers its new value; `None` when the org
/// has no counter yet. One `UPDATE … RETURNING` on PostgreSQL; SQLite, whose writers
/// are serial, reads the value back.
fn bump(conn: &mut DbConnection, org: &str, count: i64) -> Result<Option<i64>, StorageError> {
    let counter = event_counters::table.find(org);
    let bump =
        diesel::update(counter).set(event_counters::last_seq.eq(event_counters::last_seq + count));
    match conn {
        DbConnection::Postgresql(conn) => bump
            .returning(event_counters::last_seq)
            .get_result(conn)
            .optional()
            .map_err(db),
        DbConnection::Sqlite(conn) => {
            if bump.execute(conn).map_err(db)? == 0 {
                return Ok(None);
            }
            // A load, not `.first()`: SQLite re-prepares a bound LIMIT on every run.
            let last: Vec<i64> = counter
                .select(event_counters::last_seq)
                .load(conn)
                .map_err(db)?;
            Ok(last.into_iter().next())
        }
    }
}

type Row = (i64, String, String, NaiveDateTime, String, String);

/// The org's events after `after_seq`, in seq order.
pub(super) fn after(
    conn: &mut DbConnection,
    org: OrgId,
    after_seq: i64,
    limit: usize,
    types: &[EventType],
) -> Result<Vec<Event>, StorageError> {
    let limit = i64::try_from(limit.min(MAX_PAGE)).unwrap_or(0);
    let mut query = events::table
        .filter(events::org_id.eq(org.to_string()))
        .filter(events::seq.gt(after_seq))
        .select((
            events::seq,
            events::id,
            events::event_type,
            events::occurred_at,
            events::source,
            events::data,
        ))
        .order(events::seq.asc())
        .limit(limit)
        .into_boxed();
    if !types.is_empty() {
        query = query.filter(events::event_type.eq_any(types.iter().map(|t| t.as_str())));
    }
    let rows: Vec<Row> = query.load(conn).map_err(db)?;
    rows.into_iter().map(event).collect()
}

fn event((seq, id, event_type, occurred_at, source, data): Row) -> Result<Event, StorageError> {
    let corrupt = |what: &str| StorageError::Internal(format!("event {id}: stored {what}"));
    Ok(Event {
        event_type: event_type.parse().map_err(|_| corrupt("type is unknown"))?,
        source: EventSource::parse(&source).ok_or_else(|| corrupt("source is unknown"))?,
        data: serde_json::from_str(&data).map_err(|_| corrupt("data is not JSON"))?,
        occurred_at: from_db(occurred_at),
        seq,
        id,
    })
}

/// Deletes the events of every org that occurred before `before`.
pub(super) fn purge(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<u64, StorageError> {
    let deleted = diesel::delete(events::table.filter(events::occurred_at.lt(to_db(before))))
        .execute(conn)
        .map_err(db)?;
    Ok(deleted as u64)
}

fn db(error: diesel::result::Error) -> StorageError {
    super::from_diesel(&error)
}
