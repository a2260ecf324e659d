//! The webhook rows of the port: endpoints with their delivery state, the attempts
//! log and the dead letters. Leases are row updates in a write transaction; on
//! PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`, so servers
//! sharing the database lease disjoint endpoints without waiting for each other.

use crate::schema::{events, webhook_attempts, webhook_dead_letters, webhook_endpoints};
use crate::time::{from_db, to_db};
use crate::{DbConnection, Result, Store, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use tessera_core::{OrgId, Secret};
use tessera_service::events::EventType;
use tessera_service::webhooks::{
    DeadLetter, DeliveryState, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
struct EndpointRow {
    id: String,
    org_id: String,
    url: String,
    secret: String,
    types: String,
    enabled: bool,
    created_at: NaiveDateTime,
    cursor_seq: i64,
    attempts: i32,
    first_failure_at: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
    lease_owner: Option<String>,
    lease_until: Option<NaiveDateTime>,
}

fn corrupt(what: &'static str) -> impl Fn(String) -> StoreError {
    move |detail| {
        StoreError::Database(DieselError::DeserializationError(
            format!("{what}: {detail}").into(),
        ))
    }
}

impl EndpointRow {
    fn into_endpoint(self) -> Result<WebhookEndpoint> {
        let org: OrgId = self.org_id.parse().map_err(|source| StoreError::Corrupt {
            what: "webhook endpoint org",
            source,
        })?;
        let types: Vec<EventType> = serde_json::from_str(&self.types)
            .map_err(|e| corrupt("webhook endpoint types")(e.to_string()))?;
        Ok(WebhookEndpoint {
            id: self.id,
            org,
            url: self.url,
            secret: Secret::new(self.secret),
            types,
            enabled: self.enabled,
            created_at: from_db(self.created_at),
            state: DeliveryState {
                cursor: self.cursor_seq,
                attempts: u32::try_from(self.attempts).unwrap_or(0),
                first_failure_at: self.first_failure_at.map(from_db),
                next_attempt_at: from_db(self.next_attempt_at),
                lease_owner: self.lease_owner,
                lease_until: self.lease_until.map(from_db),
            },
        })
    }
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn to_i64(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The columns of an endpoint's delivery state, set to `$state` (a `DeliveryState`).
macro_rules! state_columns {
    ($state:expr) => {
        (
            webhook_endpoints::cursor_seq.eq($state.cursor),
            webhook_endpoints::attempts.eq(to_i32($state.attempts)),
            webhook_endpoints::first_failure_at.eq($state.first_failure_at.map(to_db)),
            webhook_endpoints::next_attempt_at.eq(to_db($state.next_attempt_at)),
            webhook_endpoints::lease_owner.eq(&$state.lease_owner),
            webhook_endpoints::lease_until.eq($state.lease_until.map(to_db)),
        )
    };
}

fn load(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<WebhookEndpoint>> {
    let rows: Vec<EndpointRow> = webhook_endpoints::table
        .filter(webhook_endpoints::id.eq_any(ids))
        .order((webhook_endpoints::created_at, webhook_endpoints::id))
        .select(EndpointRow::as_select())
        .load(conn)?;
    rows.into_iter().map(EndpointRow::into_endpoint).collect()
}

/// The endpoints due at `now`, oldest first: enabled, their next attempt reached, not
/// leased (or the lease run out), and with an event after their cursor (one `(org_id,
/// seq)` key lookup each).
macro_rules! due {
    ($now:expr) => {
        webhook_endpoints::table
            .filter(webhook_endpoints::enabled.eq(true))
            .filter(webhook_endpoints::next_attempt_at.le($now))
            .filter(diesel::dsl::exists(
                events::table
                    .filter(events::org_id.eq(webhook_endpoints::org_id))
                    .filter(events::seq.gt(webhook_endpoints::cursor_seq)),
            ))
            .filter(
                webhook_endpoints::lease_until
                    .is_null()
                    .or(webhook_endpoints::lease_until.le($now)),
            )
            .order((webhook_endpoints::next_attempt_at, webhook_endpoints::id))
            .select(webhook_endpoints::id)
    };
}

/// The due endpoints' ids, in due order; locked (skipping rows another transaction
/// locked) on PostgreSQL. SQLite's `BEGIN IMMEDIATE` already serialises the writers.
fn due_ids(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> Result<Vec<String>> {
    Ok(match conn {
        DbConnection::Postgresql(pg) => {
            due!(now).limit(limit).for_update().skip_locked().load(pg)?
        }
        DbConnection::Sqlite(sqlite) => due!(now).limit(limit).load(sqlite)?,
    })
}

/// Whether any endpoint is due, read without locking anything.
fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<bool> {
    Ok(due!(now).first::<String>(conn).optional()?.is_some())
}

impl Store {
    pub(super) fn insert_webhook_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<()> {
        let types = serde_json::to_string(&endpoint.types)
            .map_err(|e| corrupt("webhook endpoint types")(e.to_string()))?;
        let state = &endpoint.state;
        let insert = diesel::insert_into(webhook_endpoints::table).values((
            webhook_endpoints::id.eq(&endpoint.id),
            webhook_endpoints::org_id.eq(endpoint.org.to_string()),
            webhook_endpoints::url.eq(&endpoint.url),
            webhook_endpoints::secret.eq(endpoint.secret.expose()),
            webhook_endpoints::types.eq(types),
            webhook_endpoints::enabled.eq(endpoint.enabled),
            webhook_endpoints::created_at.eq(to_db(endpoint.created_at)),
            state_columns!(state),
        ));
        self.on_writer(|conn| -> Result<usize> { Ok(insert.execute(conn)?) })?;
        Ok(())
    }

    pub(super) fn org_webhook_endpoints(&self, org: OrgId) -> Result<Vec<WebhookEndpoint>> {
        let rows: Vec<EndpointRow> = webhook_endpoints::table
            .filter(webhook_endpoints::org_id.eq(org.to_string()))
            .order((webhook_endpoints::created_at, webhook_endpoints::id))
            .select(EndpointRow::as_select())
            .load(&mut *self.conn()?)?;
        rows.into_iter().map(EndpointRow::into_endpoint).collect()
    }

    pub(super) fn delete_webhook_endpoint(&self, org: OrgId, id: &str) -> Result<bool> {
        self.in_write_transaction(|conn| {
            let owned = webhook_endpoints::table
                .filter(webhook_endpoints::id.eq(id))
                .filter(webhook_endpoints::org_id.eq(org.to_string()))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if owned {
                diesel::delete(
                    webhook_attempts::table.filter(webhook_attempts::endpoint_id.eq(id)),
                )
                .execute(conn)?;
                diesel::delete(
                    webhook_dead_letters::table.filter(webhook_dead_letters::endpoint_id.eq(id)),
                )
                .execute(conn)?;
                diesel::delete(webhook_endpoints::table.filter(webhook_endpoints::id.eq(id)))
                    .execute(conn)?;
            }
            Ok(owned)
        })
    }

    pub(super) fn lease_webhooks(&self, request: &LeaseRequest) -> Result<Vec<WebhookEndpoint>> {
        // Most polls find nothing due: asking a reader first spares them a write
        // transaction (on SQLite, a turn of the one write lock).
        if !any_due(&mut *self.conn()?, to_db(request.now))? {
            return Ok(Vec::new());
        }
        self.in_write_transaction(|conn| {
            let ids = due_ids(conn, to_db(request.now), to_i64(request.limit))?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(&ids)))
                .set((
                    webhook_endpoints::lease_owner.eq(&request.owner),
                    webhook_endpoints::lease_until.eq(to_db(request.until)),
                ))
                .execute(conn)?;
            load(conn, &ids)
        })
    }

    pub(super) fn settle_webhook(&self, settlement: &Settlement) -> Result<bool> {
        let state = &settlement.state;
        self.in_write_transaction(|conn| {
            let updated = diesel::update(
                webhook_endpoints::table
                    .filter(webhook_endpoints::id.eq(&settlement.endpoint))
                    .filter(webhook_endpoints::lease_owner.eq(&settlement.owner)),
            )
            .set(state_columns!(state))
            .execute(conn)?;
            if updated == 0 {
                return Ok(false);
            }
            if let Some(attempt) = &settlement.attempt {
                diesel::insert_into(webhook_attempts::table)
                    .values((
                        webhook_attempts::endpoint_id.eq(&attempt.endpoint),
                        webhook_attempts::event_id.eq(&attempt.event_id),
                        webhook_attempts::seq.eq(attempt.seq),
                        webhook_attempts::attempt.eq(to_i32(attempt.attempt)),
                        webhook_attempts::at.eq(to_db(attempt.at)),
                        webhook_attempts::status.eq(attempt.status.map(i32::from)),
                        webhook_attempts::error.eq(&attempt.error),
                        webhook_attempts::duration_ms
                            .eq(i64::try_from(attempt.duration_ms).unwrap_or(i64::MAX)),
                    ))
                    .execute(conn)?;
            }
            if let Some(dead) = &settlement.dead_letter {
                diesel::insert_into(webhook_dead_letters::table)
                    .values((
                        webhook_dead_letters::endpoint_id.eq(&dead.endpoint),
                        webhook_dead_letters::event_id.eq(&dead.event_id),
                        webhook_dead_letters::seq.eq(dead.seq),
                        webhook_dead_letters::attempts.eq(to_i32(dead.attempts)),
                        webhook_dead_letters::first_failure_at.eq(to_db(dead.first_failure_at)),
                        webhook_dead_letters::dead_at.eq(to_db(dead.dead_at)),
                        webhook_dead_letters::last_error.eq(&dead.last_error),
                    ))
                    .execute(conn)?;
            }
            Ok(true)
        })
    }

    pub(super) fn replay_webhook(
        &self,
        org: OrgId,
        id: &str,
        from_seq: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let replay = diesel::update(
            webhook_endpoints::table
                .filter(webhook_endpoints::id.eq(id))
                .filter(webhook_endpoints::org_id.eq(org.to_string())),
        )
        .set((
            webhook_endpoints::cursor_seq.eq(from_seq - 1),
            webhook_endpoints::attempts.eq(0),
            webhook_endpoints::first_failure_at.eq(None::<NaiveDateTime>),
            webhook_endpoints::next_attempt_at.eq(to_db(now)),
            webhook_endpoints::lease_owner.eq(None::<String>),
            webhook_endpoints::lease_until.eq(None::<NaiveDateTime>),
        ));
        let updated = self.on_writer(|conn| -> Result<usize> { Ok(replay.execute(conn)?) })?;
        Ok(updated > 0)
    }

    pub(super) fn webhook_attempt_log(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<WebhookAttempt>> {
        type Row = (
            String,
            i64,
            i32,
            NaiveDateTime,
            Option<i32>,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = webhook_attempts::table
            .filter(webhook_attempts::endpoint_id.eq(endpoint))
            .order(webhook_attempts::id.desc())
            .limit(to_i64(limit))
            .select((
                webhook_attempts::event_id,
                webhook_attempts::seq,
                webhook_attempts::attempt,
                webhook_attempts::at,
                webhook_attempts::status,
                webhook_attempts::error,
                webhook_attempts::duration_ms,
            ))
            .load(&mut *self.conn()?)?;
        Ok(rows
            .into_iter()
            .map(
                |(event_id, seq, attempt, at, status, error, duration)| WebhookAttempt {
                    endpoint: endpoint.to_owned(),
                    event_id,
                    seq,
                    attempt: u32::try_from(attempt).unwrap_or(0),
                    at: from_db(at),
                    status: status.and_then(|s| u16::try_from(s).ok()),
                    error,
                    duration_ms: u64::try_from(duration).unwrap_or(0),
                },
            )
            .collect())
    }

    pub(super) fn webhook_dead_letter_log(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>> {
        type Row = (String, i64, i32, NaiveDateTime, NaiveDateTime, String);
        let rows: Vec<Row> = webhook_dead_letters::table
            .filter(webhook_dead_letters::endpoint_id.eq(endpoint))
            .order(webhook_dead_letters::id.desc())
            .limit(to_i64(limit))
            .select((
                webhook_dead_letters::event_id,
                webhook_dead_letters::seq,
                webhook_dead_letters::attempts,
                webhook_dead_letters::first_failure_at,
                webhook_dead_letters::dead_at,
                webhook_dead_letters::last_error,
            ))
            .load(&mut *self.conn()?)?;
        Ok(rows
            .into_iter()
            .map(
                |(event_id, seq, attempts, first, dead, last_error)| DeadLetter {
                    endpoint: endpoint.to_owned(),
                    event_id,
                    seq,
                    attempts: u32::try_from(attempts).unwrap_or(0),
                    first_failure_at: from_db(first),
                    dead_at: from_db(dead),
                    last_error,
                },
            )
            .collect())
    }
}
