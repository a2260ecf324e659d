//! Sessions in the database, so several server processes share them: web sessions
//! (sliding, long-lived, L4), the browser extension's refresh tokens and its short-lived
//! access tokens. Only token hashes are stored.

use crate::cached::CachedDsl;
use crate::orgs::corrupt;
use crate::schema::{sessions, users};
use crate::time::{from_db, to_db};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use tessera_core::{OrgId, TokenHash, UserId, generate_token};

/// What a session token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// The web app's cookie.
    Web,
    /// The browser extension's long-lived refresh token.
    Refresh,
    /// The browser extension's short-lived access token.
    Access,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Refresh => "refresh",
            SessionKind::Access => "access",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            SessionKind::Web => "tsr_web",
            SessionKind::Refresh => "tsr_rt",
            SessionKind::Access => "tsr_at",
        }
    }
}

/// Whom a live session token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOwner {
    /// The org.
    pub org_id: OrgId,
    /// The user.
    pub user_id: UserId,
    /// When the session now expires.
    pub expires_at: DateTime<Utc>,
}

/// How long a session may live: it slides by `slide` on use, and ends `absolute` after
/// it was created whatever its use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lifetime {
    /// Each use pushes the expiry to now plus this (`None`: fixed expiry).
    pub slide: Option<Duration>,
    /// The longest a session lives from its creation (`None`: no cap).
    pub absolute: Option<Duration>,
}

/// Session → refresh token → access token: the generations a logout revokes.
const MAX_GENERATIONS: usize = 3;

/// How long a sliding session is at least left alone before its expiry is pushed again
/// (so that a burst of requests writes once, not once per request).
const SLIDE_EVERY: Duration = Duration::minutes(1);

impl Store {
    /// Starts a session of `kind` for the user, valid for `ttl`; returns its token.
    pub fn create_session(
        &self,
        org_id: OrgId,
        user_id: UserId,
        kind: SessionKind,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<String> {
        self.insert_session(None, org_id, user_id, kind, ttl, now)
    }

    /// Like [`Store::create_session`], for a token handed out by the live session
    /// `parent` (a refresh token from a web session, an access token from a refresh
    /// token): revoking the parent revokes it too.
    pub fn create_child_session(
        &self,
        parent: &str,
        org_id: OrgId,
        user_id: UserId,
        kind: SessionKind,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let parent = TokenHash::of(parent);
        self.insert_session(Some(parent.as_str()), org_id, user_id, kind, ttl, now)
    }

    fn insert_session(
        &self,
        parent_hash: Option<&str>,
        org_id: OrgId,
        user_id: UserId,
        kind: SessionKind,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let token = generate_token(kind.prefix());
        let hash = TokenHash::of(&token);
        let row = (
            sessions::id_hash.eq(hash.as_str()),
            sessions::org_id.eq(org_id.to_string()),
            sessions::user_id.eq(user_id.to_string()),
            sessions::kind.eq(kind.as_str()),
            sessions::created_at.eq(to_db(now)),
            sessions::last_seen_at.eq(to_db(now)),
            sessions::expires_at.eq(to_db(now + ttl)),
            sessions::parent_hash.eq(parent_hash),
        );
        self.on_writer(|conn| -> Result<usize> {
            Ok(diesel::insert_into(sessions::table)
                .values(row)
                .execute(conn)?)
        })?;
        Ok(token)
    }

    /// The owner of a live session token of `kind`, or `None` when it is unknown,
    /// expired, revoked, older than `lifetime.absolute`, or its user is deactivated.
    /// With `lifetime.slide`, a live session's expiry moves to `now + slide` (L4: active
    /// users are not asked to log in again), never past its absolute end.
    pub fn resolve_session(
        &self,
        token: &str,
        kind: SessionKind,
        lifetime: Lifetime,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionOwner>> {
        let hash = TokenHash::of(token);
        let row: Option<(String, String, NaiveDateTime, NaiveDateTime, NaiveDateTime)> =
            sessions::table
                .inner_join(users::table.on(users::id.eq(sessions::user_id)))
                .filter(sessions::id_hash.eq(hash.as_str()))
                .filter(sessions::kind.eq(kind.as_str()))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(to_db(now)))
                .filter(users::status.ne("deactivated"))
                .select((
                    sessions::org_id,
                    sessions::user_id,
                    sessions::expires_at,
                    sessions::last_seen_at,
                    sessions::created_at,
                ))
                // A unique key: no `.first()`, whose bound LIMIT SQLite re-prepares each run.
                .get_result(&mut *self.conn()?)
                .optional()?;
        let Some((org_id, user_id, expires_at, last_seen, created_at)) = row else {
            return Ok(None);
        };
        let end = lifetime.absolute.map(|age| from_db(created_at) + age);
        if end.is_some_and(|end| end <= now) {
            return Ok(None);
        }
        let mut expires_at = from_db(expires_at);
        if let Some(slide) = lifetime.slide
            && now - from_db(last_seen) >= SLIDE_EVERY
        {
            expires_at = end.map_or(now + slide, |end| end.min(now + slide));
            self.on_writer(|conn| -> Result<usize> {
                Ok(
                    diesel::update(sessions::table.filter(sessions::id_hash.eq(hash.as_str())))
                        .set((
                            sessions::last_seen_at.eq(to_db(now)),
                            sessions::expires_at.eq(to_db(expires_at)),
                        ))
                        .execute(conn)?,
                )
            })?;
        }
        Ok(Some(SessionOwner {
            org_id: org_id.parse().map_err(corrupt("sessions.org_id"))?,
            user_id: user_id.parse().map_err(corrupt("sessions.user_id"))?,
            expires_at,
        }))
    }

    /// Ends a session (logout) and every token it handed out, and theirs in turn (the
    /// extension's refresh tokens and their access tokens); an unknown token is not an
    /// error.
    pub fn revoke_session(&self, token: &str, now: DateTime<Utc>) -> Result<()> {
        self.in_write_transaction(|conn| {
            let mut generation = vec![TokenHash::of(token).as_str().to_owned()];
            for _ in 0..MAX_GENERATIONS {
                if generation.is_empty() {
                    break;
                }
                diesel::update(sessions::table.filter(sessions::id_hash.eq_any(&generation)))
                    .set(sessions::revoked_at.eq(to_db(now)))
                    .execute(conn)?;
                generation = sessions::table
                    .filter(sessions::parent_hash.eq_any(&generation))
                    .filter(sessions::revoked_at.is_null())
                    .select(sessions::id_hash)
                    .load(conn)?;
            }
            Ok(())
        })
    }

    /// Records a successful login: a pending user becomes active (U1) and its first
    /// login time is kept.
    pub fn record_login(&self, org_id: OrgId, user_id: UserId, now: DateTime<Utc>) -> Result<()> {
        self.on_writer(|conn| -> Result<usize> {
            Ok(mark_first_login(conn, org_id, user_id, now)?)
        })?;
        Ok(())
    }

    /// The stored password hash of the org's user with this id, if it has one.
    pub fn password_hash(&self, org_id: OrgId, user_id: UserId) -> Result<Option<String>> {
        Ok(users::table
            .filter(users::org_id.eq(org_id.to_string()))
            .filter(users::id.eq(user_id.to_string()))
            .select(users::password_hash)
            .first::<Option<String>>(&mut *self.conn()?)
            .optional()?
            .flatten())
    }

    /// Sets a user's password hash (argon2 PHC string).
    pub fn set_password_hash(
        &self,
        org_id: OrgId,
        user_id: UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let user = users::table
            .filter(users::org_id.eq(org_id.to_string()))
            .filter(users::id.eq(user_id.to_string()));
        let rows = self.on_writer(|conn| -> Result<usize> {
            Ok(diesel::update(user)
                .set((
                    users::password_hash.eq(hash),
                    users::updated_at.eq(to_db(now)),
                    users::version.eq(users::version + 1),
                ))
                .execute(conn)?)
        })?;
        if rows == 1 {
            Ok(())
        } else {
            Err(StoreError::UnknownUserId {
                id: user_id.to_string(),
            })
        }
    }
}

/// A pending user becomes active with its first login at `now` (U1); others are left.
pub(crate) fn mark_first_login(
    conn: &mut crate::DbConnection,
    org_id: OrgId,
    user_id: UserId,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        users::table
            .filter(users::org_id.eq(org_id.to_string()))
            .filter(users::id.eq(user_id.to_string()))
            .filter(users::status.eq("pending")),
    )
    .set((
        users::status.eq("active"),
        users::first_login_at.eq(to_db(now)),
        users::updated_at.eq(to_db(now)),
        users::version.eq(users::version + 1),
    ))
    .cached()
    .execute(conn)
}
