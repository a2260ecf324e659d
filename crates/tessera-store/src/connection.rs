//! One connection type over both backends, and the pool that hands them out.

use crate::group_commit::WriteLane;
use crate::{Result, StoreError};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A connection to either backend; every query in this crate is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, the scale-out backend.
    Postgresql(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to `$conn`'s own backend connection, the body expanded
/// once per backend. Through [`DbConnection`] itself, diesel's `MultiConnection` renders
/// a statement's SQL text again on every run, cached or not (decisions §38); the
/// statements run on every write and request go straight to the backend instead.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Postgresql($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// [`on_backend!`] for one statement run with `execute`.
macro_rules! execute {
    ($conn:expr, $statement:expr) => {
        $crate::connection::on_backend!(&mut *$conn, |c| $statement.execute(c))
    };
}
pub(crate) use execute;

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH` (or `sqlite::memory:`).
    Sqlite,
    /// `postgres://…` or `postgresql://…`.
    Postgres,
}

impl Backend {
    /// Recognises the backend from a database URL.
    pub fn of(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl { url: redact(url) })
        }
    }
}

/// `url` without a password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The path diesel's SQLite driver expects, creating the parent directory of a file.
pub(crate) fn sqlite_path(url: &str) -> Result<String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(StoreError::UnsupportedUrl {
            url: url.to_owned(),
        });
    }
    let parent = Path::new(path)
        .parent()
        .filter(|p| path != ":memory:" && !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Connect(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(path.to_owned())
}

/// Sets the SQLite pragmas on every new pooled connection. `readers_only` makes a
/// connection refuse writes (`query_only`): a SQLite file's readers, whose writes would
/// otherwise take SQLite's one lock beside its write lane's.
#[derive(Debug)]
struct SqlitePragmas {
    readers_only: bool,
}

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

/// WAL pages after which a committing writer checkpoints itself: only a safety net
/// (writes outside the [`WriteLane`]), ten times SQLite's default, since the lane
/// checkpoints outside the write lock.
const SQLITE_AUTOCHECKPOINT_PAGES: u32 = 10_000;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let DbConnection::Postgresql(pg) = conn {
            // diesel keeps prepared statements per connection; a generic plan made while
            // a table was small keeps scanning it once it is large. Plan each execution.
            pg.batch_execute("SET plan_cache_mode = force_custom_plan")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        if let DbConnection::Sqlite(sqlite) = conn {
            // batch_execute runs every statement; sql_query would run only the first.
            sqlite
                .batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                     PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; \
                     PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT_PAGES}; \
                     PRAGMA foreign_keys = ON;"
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
            // A writer's savepoints (one per write of a group commit) journal the
            // pages they change; by default that journal spills to a temporary file
            // past 64 KiB and costs a `pwrite` per page. In memory it is dropped at
            // each release instead (decisions §38). Readers keep temp files on disk.
            let role = if self.readers_only {
                "PRAGMA query_only = ON;"
            } else {
                "PRAGMA temp_store = MEMORY;"
            };
            sqlite
                .batch_execute(role)
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The pool type the store uses.
pub(crate) type DbPool = Pool<ConnectionManager<DbConnection>>;

/// The pools of a store: `pool` for reads (and every write on PostgreSQL or an
/// in-memory SQLite database; a SQLite file's readers refuse writes); `writer`, the
/// lane of a SQLite file's writes, with its one connection. SQLite admits one writer at
/// a time anyway, and a connection drops its whole page cache whenever another
/// connection has written since its last read: one writer connection keeps its cache
/// across writes instead of reading the pages it needs back from the file on every
/// write.
pub(crate) struct Pools {
    pub(crate) pool: DbPool,
    pub(crate) writer: Option<Arc<WriteLane>>,
    pub(crate) backend: Backend,
}

/// Builds the pools for `url`; SQLite files get their directory created.
pub(crate) fn build_pools(url: &str, max_size: u32) -> Result<Pools> {
    let backend = Backend::of(url)?;
    let target = match backend {
        Backend::Sqlite => sqlite_path(url)?,
        Backend::Postgres => url.to_owned(),
    };
    let in_memory = target == ":memory:";
    let writer = (backend == Backend::Sqlite && !in_memory)
        .then(|| WriteLane::for_file(&target, || build_pool(url, &target, 1, Role::Writer)))
        .transpose()?;
    let role = match (in_memory, &writer) {
        (true, _) => Role::InMemory,
        (false, Some(_)) => Role::Readers,
        (false, None) => Role::Writer,
    };
    let pool = build_pool(url, &target, max_size, role)?;
    Ok(Pools {
        pool,
        writer,
        backend,
    })
}

/// What a pool's connections are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Reads and writes (PostgreSQL, a write lane's connection).
    Writer,
    /// Reads only: a SQLite file's readers beside its write lane.
    Readers,
    /// An in-memory SQLite database's one connection, for everything.
    InMemory,
}

fn build_pool(url: &str, target: &str, max_size: u32, role: Role) -> Result<DbPool> {
    let in_memory = role == Role::InMemory;
    let manager = ConnectionManager::<DbConnection>::new(target);
    Pool::builder()
        // An in-memory SQLite database lives and dies with its one connection.
        .max_size(if in_memory { 1 } else { max_size })
        .min_idle(Some(if in_memory { 1 } else { 0 }))
        .idle_timeout(if in_memory {
            None
        } else {
            Some(Duration::from_secs(600))
        })
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas {
            readers_only: role == Role::Readers,
        }))
        .build(manager)
        .map_err(|e| StoreError::Connect(format!("{}: {e}", redact(url))))
}

/// Runs `work` in a write transaction of its own: `BEGIN IMMEDIATE` on SQLite (a deferred
/// transaction that reads before it writes fails under concurrency instead of waiting),
/// a plain transaction on PostgreSQL. Commits on `Ok`, rolls back on `Err`. A SQLite
/// file's writes go through its [`crate::group_commit::WriteLane`] instead.
pub(crate) fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
        }
        DbConnection::Postgresql(pg) => AnsiTransactionManager::begin_transaction(pg)?,
    }
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend() {
        assert_eq!(Backend::of("sqlite://data/t.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(
            Backend::of("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::of("mysql://root:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql://root:***@h/db"), "{err}");
        assert!(!err.contains("hunter2"));
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/t.db"), "sqlite://data/t.db");
    }

    #[test]
    fn sqlite_urls_become_paths() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/t.db", dir.path().display());
        let path = sqlite_path(&url).unwrap();
        assert!(path.ends_with("/nested/t.db"));
        assert!(
            dir.path().join("nested").is_dir(),
            "parent directory created"
        );
        assert_eq!(sqlite_path("sqlite::memory:").unwrap(), ":memory:");
        assert!(sqlite_path("sqlite://").is_err());
    }
}
