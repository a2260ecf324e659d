//! Failed sign-in counters in fixed windows, shared by every server on the database,
//! so a brute-force brake holds however many servers answer. A key is whatever is
//! counted (an account, a client address); only its SHA-256 is stored.

use crate::schema::login_throttle;
use crate::time::{from_db, to_db};
use crate::{Result, Store};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tessera_core::TokenHash;

/// A limit: at most `max_failures` failures of `key` per window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureLimit {
    /// What is counted (e.g. `account:acme:ada@acme.example`).
    pub key: String,
    /// Failures allowed in one window; the next attempt is refused until it ends.
    pub max_failures: u32,
}

impl Store {
    /// How long until every limit admits an attempt again: `None` when none of them has
    /// reached its failures in the window that is running at `now`.
    pub fn login_retry_after(
        &self,
        limits: &[FailureLimit],
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Duration>> {
        let hashes: Vec<String> = limits.iter().map(|l| hash(&l.key)).collect();
        let rows: Vec<(String, NaiveDateTime, i32)> = login_throttle::table
            .filter(login_throttle::key_hash.eq_any(&hashes))
            .filter(login_throttle::window_started_at.gt(to_db(now - window)))
            .select((
                login_throttle::key_hash,
                login_throttle::window_started_at,
                login_throttle::failures,
            ))
            .load(&mut *self.conn()?)?;
        Ok(rows
            .into_iter()
            .filter(|(key, _, failures)| {
                limits.iter().zip(&hashes).any(|(limit, hash)| {
                    hash == key && i64::from(*failures) >= i64::from(limit.max_failures)
                })
            })
            .map(|(_, started, _)| from_db(started) + window - now)
            .max())
    }

    /// Counts one failure against each key in the window running at `now` (a key whose
    /// window is over starts a new one); returns each key's failures so far. Windows
    /// that are over are deleted.
    pub fn record_login_failure(
        &self,
        keys: &[&str],
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<u32>> {
        let cutoff = to_db(now - window);
        self.on_writer(|conn| {
            diesel::delete(
                login_throttle::table.filter(login_throttle::window_started_at.le(cutoff)),
            )
            .execute(conn)?;
            keys.iter()
                .map(|key| count_failure(conn, &hash(key), cutoff, now))
                .collect()
        })
    }

    /// Forgets the failures of `key` (a successful sign-in of that account).
    pub fn clear_login_failures(&self, key: &str) -> Result<()> {
        let forget =
            diesel::delete(login_throttle::table.filter(login_throttle::key_hash.eq(hash(key))));
        self.on_writer(|conn| -> Result<usize> { Ok(forget.execute(conn)?) })?;
        Ok(())
    }
}

fn hash(key: &str) -> String {
    TokenHash::of(key).as_str().to_owned()
}

/// One atomic statement per step (on PostgreSQL no transaction; on a SQLite file, inside
/// the write lane's), so concurrent servers never lose a count: bump a live window, else
/// restart an expired one, else insert; an insert that loses a race to another server's
/// insert bumps that row instead. The count returned after a bump is read back, so it
/// may include a concurrent server's failure.
fn count_failure(
    conn: &mut crate::DbConnection,
    key: &str,
    cutoff: NaiveDateTime,
    now: DateTime<Utc>,
) -> Result<u32> {
    let row = login_throttle::table.filter(login_throttle::key_hash.eq(key));
    for _ in 0..3 {
        let bumped = diesel::update(row.filter(login_throttle::window_started_at.gt(cutoff)))
            .set(login_throttle::failures.eq(login_throttle::failures + 1))
            .execute(conn)?;
        if bumped == 1 {
            let failures: Option<i32> = row
                .select(login_throttle::failures)
                .first(conn)
                .optional()?;
            return Ok(failures.map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX)));
        }
        let restarted = diesel::update(row.filter(login_throttle::window_started_at.le(cutoff)))
            .set((
                login_throttle::failures.eq(1),
                login_throttle::window_started_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        if restarted == 1 {
            return Ok(1);
        }
        let inserted = diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::key_hash.eq(key),
                login_throttle::window_started_at.eq(to_db(now)),
                login_throttle::failures.eq(1),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => return Ok(1),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(crate::StoreError::Contention)
}
