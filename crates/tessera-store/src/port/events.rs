//! The event outbox over SQL: a write's events go in right before it commits, and
//! get the org's next seqs from its counter row, the org's lock. On SQLite (one writer
//! at a time) they are numbered as they go in: one `UPDATE … RETURNING` on the counter,
//! then cached single-row inserts; an org's first events insert its counter row. On
//! PostgreSQL they go in with placeholder seqs below zero, in one statement, and a
//! deferred trigger numbers them as the transaction commits (decisions §34), so the
//! counter row is locked only inside `COMMIT`.

use crate::DbConnection;
use crate::cached::CachedDsl;
use crate::connection::{execute, on_backend};
use crate::schema::{event_counters, events};
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use tessera_core::OrgId;
use tessera_service::StorageError;
use tessera_service::events::{Event, EventSource, EventType, MAX_PAGE, NewEvent};

/// Inserts `pending` as the org's next events. A concurrent writer of the same org
/// waits on the counter row until this one commits or rolls back (a rolled-back bump
/// never happened), so seqs have no gaps.
pub(super) fn insert(
    conn: &mut DbConnection,
    org: OrgId,
    pending: &[NewEvent],
) -> Result<(), StorageError> {
    if pending.is_empty() {
        return Ok(());
    }
    let org = org.to_string();
    if let DbConnection::Postgresql(pg) = conn {
        return insert_to_number_at_commit(pg, &org, pending);
    }
    let count = i64::try_from(pending.len())
        .map_err(|_| StorageError::Internal("too many events in one write".into()))?;
    let last = match bump(conn, &org, count)? {
        Some(last) => last,
        None => {
            // The org's first events: a concurrent first writer makes this a unique
            // violation, a conflict that runs the unit again.
            execute!(
                conn,
                diesel::insert_into(event_counters::table).values((
                    event_counters::org_id.eq(&org),
                    event_counters::last_seq.eq(count),
                ))
            )
            .map_err(db)?;
            count
        }
    };
    // In process, one cached single-row INSERT per event is cheaper than preparing a
    // multi-row statement whose text depends on the count.
    for (event, seq) in pending.iter().zip(last - count + 1..) {
        execute!(
            conn,
            diesel::insert_into(events::table).values((
                events::org_id.eq(&org),
                events::seq.eq(seq),
                events::id.eq(uuid::Uuid::new_v4().to_string()),
                events::event_type.eq(event.event_type.as_str()),
                events::occurred_at.eq(to_db(event.occurred_at)),
                events::source.eq(event.source.as_str()),
                events::data.eq(event.data.to_string()),
            ))
        )
        .map_err(db)?;
    }
    Ok(())
}

/// PostgreSQL: inserts the events in one statement (one round trip), in order, with
/// placeholder seqs below zero; the `events_numbered_at_commit` trigger numbers them
/// during `COMMIT`, the org's first events making its counter row.
fn insert_to_number_at_commit(
    conn: &mut PgConnection,
    org: &str,
    pending: &[NewEvent],
) -> Result<(), StorageError> {
    use diesel::sql_types::{Array, Text, Timestamp};
    const SQL: &str = "INSERT INTO events (org_id, seq, id, event_type, occurred_at, source, data) \
        SELECT $1, -nextval('event_placeholders'), e.id, e.event_type, e.occurred_at, \
               e.source, e.data \
          FROM unnest($2, $3, $4, $5, $6) \
               WITH ORDINALITY AS e(id, event_type, occurred_at, source, data, ord) \
         ORDER BY e.ord";
    let ids: Vec<String> = pending
        .iter()
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let types: Vec<&str> = pending.iter().map(|e| e.event_type.as_str()).collect();
    let times: Vec<NaiveDateTime> = pending.iter().map(|e| to_db(e.occurred_at)).collect();
    let sources: Vec<&str> = pending.iter().map(|e| e.source.as_str()).collect();
    let data: Vec<String> = pending.iter().map(|e| e.data.to_string()).collect();
    diesel::sql_query(SQL)
        .bind::<Text, _>(org)
        .bind::<Array<Text>, _>(ids)
        .bind::<Array<Text>, _>(types)
        .bind::<Array<Timestamp>, _>(times)
        .bind::<Array<Text>, _>(sources)
        .bind::<Array<Text>, _>(data)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

/// Adds `count` to the org's counter and answers its new value; `None` when the org
/// has no counter yet. One `UPDATE … RETURNING` (the bundled SQLite is newer than
/// 3.35).
fn bump(conn: &mut DbConnection, org: &str, count: i64) -> Result<Option<i64>, StorageError> {
    let bump = diesel::update(event_counters::table.find(org))
        .set(event_counters::last_seq.eq(event_counters::last_seq + count))
        .returning(event_counters::last_seq)
        .cached();
    on_backend!(conn, |c| bump.get_result(c))
        .optional()
        .map_err(db)
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

/// The org's counter: the seq of its last committed event, 0 before its first.
pub(super) fn last_seq(conn: &mut DbConnection, org: OrgId) -> Result<i64, StorageError> {
    let last: Option<i64> = event_counters::table
        .find(org.to_string())
        .select(event_counters::last_seq)
        .get_result(conn)
        .optional()
        .map_err(db)?;
    Ok(last.unwrap_or(0))
}

/// Deletes the events of every org that occurred before `before`.
pub(super) fn purge(conn: &mut DbConnection, before: DateTime<Utc>) -> crate::Result<u64> {
    let deleted = execute!(
        conn,
        diesel::delete(events::table.filter(events::occurred_at.lt(to_db(before))))
    )?;
    Ok(deleted as u64)
}

fn db(error: diesel::result::Error) -> StorageError {
    super::from_diesel(&error)
}
