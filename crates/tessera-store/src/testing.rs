//! Throwaway databases for tests, on both backends (feature `testing`).
//!
//! PostgreSQL tests use the server at `TESSERA_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), each database in a schema of its own that
//! is dropped afterwards, so runs never collide. When that server is unreachable the
//! PostgreSQL half is skipped with a note, unless `TESSERA_TEST_REQUIRE_POSTGRES=1` (set by
//! `just test`) makes it a failure.

#![allow(clippy::panic)] // test support fails loudly, like the tests it serves

use crate::{Backend, Store};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The PostgreSQL server tests use unless told otherwise.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that exists for the life of this value.
pub struct TestDatabase {
    /// The URL to hand to [`Store::open`] or a server config.
    pub url: String,
    /// Which backend it is.
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(#[allow(dead_code)] tempfile::TempDir),
    Schema { server_url: String, schema: String },
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDatabase")
            .field("backend", &self.backend)
            .finish()
    }
}

impl TestDatabase {
    /// A fresh SQLite database file in a temporary directory.
    pub fn sqlite() -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}/tessera.db", dir.path().display());
        Ok(Self {
            url,
            backend: Backend::Sqlite,
            cleanup: Cleanup::Directory(dir),
        })
    }

    /// A fresh schema on the test PostgreSQL server, or `None` (with a note on stderr)
    /// when no server answers and PostgreSQL is not required.
    pub fn postgres() -> Option<Self> {
        let server_url = std::env::var("TESSERA_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let mut conn = match PgConnection::establish(&server_url) {
            Ok(conn) => conn,
            Err(error) => {
                assert!(
                    std::env::var("TESSERA_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "PostgreSQL is required (TESSERA_TEST_REQUIRE_POSTGRES=1) but {server_url} fails: {error}"
                );
                eprintln!("note: skipping PostgreSQL half, {server_url} unreachable: {error}");
                return None;
            }
        };
        let schema = format!("tessera_test_{}", uuid::Uuid::new_v4().simple());
        if let Err(error) = conn.batch_execute(&format!("CREATE SCHEMA {schema}")) {
            panic!("cannot create test schema on {server_url}: {error}");
        }
        let separator = if server_url.contains('?') { '&' } else { '?' };
        Some(Self {
            url: format!("{server_url}{separator}options=-csearch_path%3D{schema}"),
            backend: Backend::Postgres,
            cleanup: Cleanup::Schema { server_url, schema },
        })
    }

    /// A fresh SQLite database and, when reachable, a fresh PostgreSQL schema.
    pub fn all() -> Vec<Self> {
        let mut databases = Vec::with_capacity(2);
        match Self::sqlite() {
            Ok(db) => databases.push(db),
            Err(error) => panic!("cannot create a temporary SQLite database: {error}"),
        }
        databases.extend(Self::postgres());
        databases
    }

    /// Opens (and migrates) a store on this database.
    pub fn open(&self) -> Store {
        match Store::open(&self.url) {
            Ok(store) => store,
            Err(error) => panic!("cannot open {:?} test database: {error}", self.backend),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Schema { server_url, schema } = &self.cleanup
            && let Ok(mut conn) = PgConnection::establish(server_url)
        {
            // Best effort: a leftover schema only costs disk, never a wrong result.
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

impl Store {
    /// Writes `count` SCIM-provisioned users `user{i}@bulk.example` (SCIM ids `bulk-{i}`,
    /// zero-padded so they sort by `i`) straight into the org, in a few multi-row
    /// INSERTs: a large org in seconds, for tests of behaviour at scale.
    pub fn insert_bulk_scim_users(&self, org_id: tessera_core::OrgId, count: usize) {
        const COLUMNS: &str = "id, org_id, email, email_normalized, status, role, login_method, \
            idp_email_normalized, scim_id, scim_user_name_normalized, scim_user_name, created_by, \
            created_at, updated_at, version";
        let stamp = "2026-11-01 09:30:00";
        let rows: Vec<String> = (0..count)
            .map(|i| {
                let email = format!("user{i:06}@bulk.example");
                format!(
                    "('{id}', '{org_id}', '{email}', '{email}', 'active', 'viewer', 'sso', \
                     '{email}', 'bulk-{i:06}', '{email}', '{email}', 'scim', '{stamp}', '{stamp}', 1)",
                    id = uuid::Uuid::new_v4(),
                )
            })
            .collect();
        for chunk in rows.chunks(500) {
            let sql = format!("INSERT INTO users ({COLUMNS}) VALUES {}", chunk.join(", "));
            let inserted =
                self.on_writer(|conn| -> crate::Result<()> { Ok(conn.batch_execute(&sql)?) });
            if let Err(error) = inserted {
                panic!("cannot insert bulk users: {error}");
            }
        }
    }
}
