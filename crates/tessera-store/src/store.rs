//! The store handle: a pool plus the migrations.

use crate::connection::{DbPool, build_pools, redact, write_transaction};
use crate::group_commit::WriteLane;
use crate::{Backend, DbConnection, Result, StoreError};
use diesel::RunQueryDsl;
use diesel::r2d2::{ConnectionManager, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Arc;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Pool size for a server process; SQLite serialises writers anyway.
const DEFAULT_POOL_SIZE: u32 = 16;

/// A handle on the database. Cheap to clone; every clone shares one pool.
///
/// On a SQLite file, writes queued behind each other share one transaction (group
/// commit, decisions §33): a write returns once its group has committed, which may be
/// after the work of the writes queued behind it. So work given to
/// [`tessera_service::Storage::write`] must not wait for a lock that another thread
/// holds while it writes.
#[derive(Clone)]
pub struct Store {
    pool: DbPool,
    /// The write lane of a SQLite file, with its one connection (see `Pools`).
    writer: Option<Arc<WriteLane>>,
    backend: Backend,
    url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish()
    }
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`) and applies any pending
    /// migrations.
    pub fn open(url: &str) -> Result<Self> {
        let store = Self::connect(url)?;
        store.migrate()?;
        Ok(store)
    }

    /// Connects without migrating (for `tessera-admin migrate` and readiness checks).
    pub fn connect(url: &str) -> Result<Self> {
        let pools = build_pools(url, DEFAULT_POOL_SIZE)?;
        Ok(Self {
            pool: pools.pool,
            writer: pools.writer,
            backend: pools.backend,
            url: redact(url),
        })
    }

    /// Which backend this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; returns the names of those applied.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let migrations = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        self.on_writer(|conn| {
            let applied = conn
                .run_pending_migrations(migrations)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            Ok(applied.iter().map(ToString::to_string).collect())
        })
    }

    /// Checks the database answers (for `/readyz`).
    pub fn ping(&self) -> Result<()> {
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut conn)?;
        Ok(())
    }

    /// A pooled connection.
    pub(crate) fn conn(&self) -> Result<PooledConnection<ConnectionManager<DbConnection>>> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` as one write transaction: on a SQLite file through its lane (group
    /// commit, decisions §33), else in a transaction of its own on a pooled connection.
    /// Answers once the write is committed, or with why it is not.
    pub(crate) fn in_write_transaction<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        match &self.writer {
            Some(lane) => lane.write(work),
            None => write_transaction(&mut *self.conn()?, work),
        }
    }

    /// Runs `work`, whose statements are each atomic on their own: on a SQLite file
    /// through its lane (so no write takes SQLite's lock beside the lane's), else on a
    /// pooled connection without a transaction (one round trip per statement).
    pub(crate) fn on_writer<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        match &self.writer {
            Some(lane) => lane.write(work),
            None => work(&mut *self.conn()?),
        }
    }
}
