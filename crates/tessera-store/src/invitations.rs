//! Invitation links (U2, U7): a token, shown once, that lets an invited person set a
//! password (password accounts) or find their way to SSO. Only its hash is stored.

use crate::orgs::corrupt;
use crate::schema::{invitations, users};
use crate::time::to_db;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use tessera_core::{Email, LoginMethod, OrgId, TokenHash, UserId, generate_token};

/// A live invitation link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvitation {
    /// The org.
    pub org_id: OrgId,
    /// The invited user.
    pub user_id: UserId,
    /// Their email.
    pub email: Email,
    /// How the account logs in.
    pub login_method: LoginMethod,
}

impl Store {
    /// A fresh invitation link token for the user, valid for `ttl` (older links of the
    /// user stop working). For the mailer, or `tessera-admin users invite-link`.
    pub fn issue_invitation_link(
        &self,
        org_id: OrgId,
        user_id: UserId,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let token = generate_token("tsr_inv");
        let hash = TokenHash::of(&token);
        self.in_write_transaction(|conn| {
            let email: Option<String> = users::table
                .filter(users::org_id.eq(org_id.to_string()))
                .filter(users::id.eq(user_id.to_string()))
                .filter(users::status.ne("deactivated"))
                .select(users::email)
                .first(conn)
                .optional()?;
            let Some(email) = email else {
                return Err(StoreError::UnknownUserId {
                    id: user_id.to_string(),
                });
            };
            diesel::update(
                invitations::table
                    .filter(invitations::user_id.eq(user_id.to_string()))
                    .filter(invitations::accepted_at.is_null()),
            )
            .set(invitations::token_hash.eq(None::<String>))
            .execute(conn)?;
            diesel::insert_into(invitations::table)
                .values((
                    invitations::id.eq(uuid::Uuid::new_v4().to_string()),
                    invitations::org_id.eq(org_id.to_string()),
                    invitations::user_id.eq(user_id.to_string()),
                    invitations::email.eq(email),
                    invitations::reason.eq("link"),
                    invitations::token_hash.eq(hash.as_str()),
                    invitations::created_at.eq(to_db(now)),
                    invitations::sent_at.eq(to_db(now)),
                    invitations::expires_at.eq(to_db(now + ttl)),
                ))
                .execute(conn)?;
            Ok(())
        })?;
        Ok(token)
    }

    /// The invitation a link token stands for, while it is unused, unexpired and its
    /// user is not deactivated.
    pub fn open_invitation(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OpenInvitation>> {
        find_open(&mut *self.conn()?, token, now)
    }

    /// Uses an invitation link once: sets the password hash when given, and returns the
    /// invitation; `None` when the link is not (or no longer) valid, also for every use
    /// but one of concurrent uses.
    pub fn accept_invitation(
        &self,
        token: &str,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<OpenInvitation>> {
        self.in_write_transaction(|conn| {
            let Some(open) = find_open(conn, token, now)? else {
                return Ok(None);
            };
            // Conditional, so that of two concurrent uses (PostgreSQL reads committed
            // rows; the loser's UPDATE waits, then matches nothing) exactly one wins.
            let claimed = diesel::update(
                invitations::table
                    .filter(invitations::token_hash.eq(TokenHash::of(token).as_str()))
                    .filter(invitations::accepted_at.is_null()),
            )
            .set(invitations::accepted_at.eq(to_db(now)))
            .execute(conn)?;
            if claimed != 1 {
                return Ok(None);
            }
            if let Some(hash) = password_hash {
                diesel::update(users::table.filter(users::id.eq(open.user_id.to_string())))
                    .set((
                        users::password_hash.eq(hash),
                        users::updated_at.eq(to_db(now)),
                        users::version.eq(users::version + 1),
                    ))
                    .execute(conn)?;
            }
            Ok(Some(open))
        })
    }
}

fn find_open(
    conn: &mut crate::DbConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<OpenInvitation>> {
    let row: Option<(String, String, String, String, Option<NaiveDateTime>)> = invitations::table
        .inner_join(users::table.on(users::id.eq(invitations::user_id)))
        .filter(invitations::token_hash.eq(TokenHash::of(token).as_str()))
        .filter(invitations::accepted_at.is_null())
        .filter(users::status.ne("deactivated"))
        .select((
            invitations::org_id,
            invitations::user_id,
            users::email,
            users::login_method,
            invitations::expires_at,
        ))
        .first(conn)
        .optional()?;
    let Some((org_id, user_id, email, method, expires_at)) = row else {
        return Ok(None);
    };
    if expires_at.is_none_or(|at| at <= to_db(now)) {
        return Ok(None);
    }
    Ok(Some(OpenInvitation {
        org_id: org_id.parse().map_err(corrupt("invitations.org_id"))?,
        user_id: user_id.parse().map_err(corrupt("invitations.user_id"))?,
        email: Email::parse(&email).map_err(corrupt("users.email"))?,
        login_method: method.parse().map_err(corrupt("users.login_method"))?,
    }))
}
