//! Statements diesel would prepare anew on every run, made cacheable.
//!
//! diesel never caches an `UPDATE` (or an upsert's `DO UPDATE`), because a changeset
//! with `Option` fields writes different SQL for `None`, and caching every form would
//! grow the cache without bound; on SQLite each run is then a full parse and plan
//! (decisions §37). Such statements are cached under their SQL text, so caching one
//! whose text takes a few fixed forms is both correct and bounded: [`Cached`] does.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// A statement whose SQL text is one of a few fixed forms, which diesel may therefore
/// keep prepared. Wrap only statements whose text does not vary with the data (no
/// `IN` list of a varying length, no changeset of a varying set of fields).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cached<Q>(Q);

/// `.cached()` on a statement: see [`Cached`].
pub(crate) trait CachedDsl: Sized {
    /// The statement, marked as safe to keep prepared.
    fn cached(self) -> Cached<Self> {
        Cached(self)
    }
}

impl<Q> CachedDsl for Q {}

impl<Q, DB> QueryFragment<DB> for Cached<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: QueryId> QueryId for Cached<Q> {
    type QueryId = Q::QueryId;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Cached<Q> {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code fails loudly

    use super::CachedDsl;
    use crate::DbConnection;
    use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
    use diesel::prelude::*;
    use std::sync::{Arc, Mutex};

    diesel::table! {
        counters (name) {
            name -> Text,
            value -> BigInt,
        }
    }

    /// The SQL of each statement put into the connection's statement cache.
    #[derive(Clone, Default)]
    struct CacheLog(Arc<Mutex<Vec<String>>>);

    impl Instrumentation for CacheLog {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                self.0.lock().unwrap().push(sql.to_owned());
            }
        }
    }

    fn bump(conn: &mut DbConnection, cached: bool) -> i64 {
        let update = diesel::update(counters::table.find("events"))
            .set(counters::value.eq(counters::value + 1))
            .returning(counters::value);
        if cached {
            update.cached().get_result(conn).unwrap()
        } else {
            update.get_result(conn).unwrap()
        }
    }

    #[test]
    fn a_cached_update_is_prepared_once_where_diesel_prepares_it_on_every_run() {
        // Through the crate's connection type, as the store runs its statements.
        let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        conn.batch_execute(
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL); \
             INSERT INTO counters VALUES ('events', 0);",
        )
        .unwrap();
        let log = CacheLog::default();
        conn.set_instrumentation(log.clone());
        for _ in 0..3 {
            bump(&mut conn, false);
        }
        assert!(log.0.lock().unwrap().is_empty(), "diesel caches no UPDATE");
        let values: Vec<i64> = (0..3).map(|_| bump(&mut conn, true)).collect();
        assert_eq!(
            values,
            [4, 5, 6],
            "the cached statement still binds each run"
        );
        let cached = log.0.lock().unwrap().clone();
        assert_eq!(cached.len(), 1, "prepared once: {cached:?}");
        assert!(cached[0].starts_with("UPDATE"), "{cached:?}");
    }
}
