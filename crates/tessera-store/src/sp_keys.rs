//! The SAML service provider's key pair, made once and shared by every server process.

use crate::schema::sp_keys;
use crate::time::to_db;
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// The one key pair's row id.
const DEFAULT: &str = "default";

impl Store {
    /// The stored SP key pair (private key PEM, certificate PEM); on first use, stores
    /// what `generate` makes. When two servers start at once, both read the one that won.
    pub fn sp_key_pair<E>(
        &self,
        now: DateTime<Utc>,
        generate: impl FnOnce() -> std::result::Result<(String, String), E>,
    ) -> Result<std::result::Result<(String, String), E>> {
        if let Some(pair) = read(&mut *self.conn()?)? {
            return Ok(Ok(pair));
        }
        let (key, certificate) = match generate() {
            Ok(pair) => pair,
            Err(error) => return Ok(Err(error)),
        };
        self.on_writer(|conn| store_unless_stored(conn, key, certificate, now))
            .map(Ok)
    }
}

/// Stores the pair unless a pair is stored already (another server's, made meanwhile),
/// which then wins; answers the pair that is stored.
fn store_unless_stored(
    conn: &mut crate::DbConnection,
    key: String,
    certificate: String,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    if let Some(pair) = read(conn)? {
        return Ok(pair);
    }
    let inserted = diesel::insert_into(sp_keys::table)
        .values((
            sp_keys::id.eq(DEFAULT),
            sp_keys::private_key_pem.eq(&key),
            sp_keys::certificate_pem.eq(&certificate),
            sp_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok((key, certificate)),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => read(conn)?.ok_or(crate::StoreError::Contention),
        Err(error) => Err(error.into()),
    }
}

fn read(conn: &mut crate::DbConnection) -> Result<Option<(String, String)>> {
    Ok(sp_keys::table
        .filter(sp_keys::id.eq(DEFAULT))
        .select((sp_keys::private_key_pem, sp_keys::certificate_pem))
        .first(conn)
        .optional()?)
}

impl Store {
    /// The stored SP certificate PEM, if a server has generated one (nothing is made).
    pub fn sp_certificate_pem(&self) -> Result<Option<String>> {
        let mut conn = self.conn()?;
        Ok(read(&mut conn)?.map(|(_, certificate)| certificate))
    }
}
