//! Bearer tokens: SCIM tokens (one live per org, C3) and admin API tokens (per account
//! admin). Only hashes are stored; the token itself is returned once, at issue.

use crate::orgs::{AuditWrite, append_audit, corrupt};
use crate::schema::{admin_tokens, orgs, scim_tokens, users};
use crate::time::to_db;
use crate::{DbConnection, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tessera_core::{
    Email, OrgId, Role, TokenHash, UserId, UserStatus, WorkspaceName, generate_token,
};
use tessera_policy::Actor;
use tessera_service::connect::SCIM_TOKEN_PREFIX;

/// The prefix of admin API tokens.
const ADMIN_PREFIX: &str = "tsr_adm";

/// Whom an admin API token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    /// The org it is scoped to.
    pub org_id: OrgId,
    /// The account admin it was issued for.
    pub user_id: UserId,
}

/// Whether the stored SCIM token hash `hash` is that of `token`, compared in constant
/// time.
fn holds(hash: String, token: &str) -> bool {
    TokenHash::from_stored(hash).matches(token)
}

impl Store {
    /// Issues a SCIM bearer token for the org and revokes any earlier one (C3: rotation
    /// makes the old token stop working). Returns the token; only its hash is kept.
    pub fn issue_scim_token(
        &self,
        org_id: OrgId,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<String> {
        self.in_write_transaction(|conn| issue_scim_token(conn, org_id, actor, now))
    }

    /// Whether `token` is the org's live SCIM token. The org's live hashes are compared
    /// in constant time, so a wrong token teaches nothing about the right one, and a
    /// token of another org never matches (C3).
    pub fn scim_token_is_valid(&self, org_id: OrgId, token: &str) -> Result<bool> {
        let hashes: Vec<String> = scim_tokens::table
            .filter(scim_tokens::org_id.eq(org_id.to_string()))
            .filter(scim_tokens::revoked_at.is_null())
            .select(scim_tokens::token_hash)
            .load(&mut *self.conn()?)?;
        Ok(hashes.into_iter().any(|hash| holds(hash, token)))
    }

    /// The id and SSO switch of the org named `workspace`, when `token` is one of its
    /// live SCIM tokens: the org and its tokens in one query (compared in constant time).
    pub(crate) fn org_holding_scim_token(
        &self,
        workspace: &WorkspaceName,
        token: &str,
    ) -> Result<Option<(OrgId, bool)>> {
        let rows: Vec<(String, bool, String)> = scim_tokens::table
            .inner_join(orgs::table.on(orgs::id.eq(scim_tokens::org_id)))
            .filter(orgs::name.eq(workspace.as_str()))
            .filter(scim_tokens::revoked_at.is_null())
            .select((orgs::id, orgs::sso_enabled, scim_tokens::token_hash))
            .load(&mut *self.conn()?)?;
        let Some((id, sso_enabled)) = rows
            .into_iter()
            .find_map(|(id, sso_enabled, hash)| holds(hash, token).then_some((id, sso_enabled)))
        else {
            return Ok(None);
        };
        Ok(Some((id.parse().map_err(corrupt("orgs.id"))?, sso_enabled)))
    }

    /// Issues an admin API token for the org's account admin with this email.
    pub fn issue_admin_token(
        &self,
        org_id: OrgId,
        email: &Email,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let token = generate_token(ADMIN_PREFIX);
        let hash = TokenHash::of(&token);
        self.in_write_transaction(|conn| {
            let found: Option<(String, String, String)> = users::table
                .filter(users::org_id.eq(org_id.to_string()))
                .filter(users::email_normalized.eq(email.normalized()))
                .select((users::id, users::role, users::status))
                .first(conn)
                .optional()?;
            let Some((user_id, role, status)) = found else {
                return Err(StoreError::UserNotFound {
                    email: email.to_string(),
                });
            };
            let role: Role = role.parse().map_err(corrupt("users.role"))?;
            let status: UserStatus = status.parse().map_err(corrupt("users.status"))?;
            if role != Role::AccountAdmin || status == UserStatus::Deactivated {
                return Err(StoreError::NotAccountAdmin {
                    email: email.to_string(),
                });
            }
            diesel::insert_into(admin_tokens::table)
                .values((
                    admin_tokens::id.eq(uuid::Uuid::new_v4().to_string()),
                    admin_tokens::org_id.eq(org_id.to_string()),
                    admin_tokens::user_id.eq(&user_id),
                    admin_tokens::token_hash.eq(hash.as_str()),
                    admin_tokens::created_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            append_audit(
                conn,
                AuditWrite {
                    org_id,
                    actor,
                    action: "admin_token.issued",
                    target_kind: "user",
                    target_id: Some(user_id),
                    target_label: Some(email.to_string()),
                    details: serde_json::json!({}),
                },
                now,
            )
        })?;
        Ok(token)
    }

    /// The org and account admin a live admin API token speaks for, if any.
    pub fn admin_token_owner(&self, token: &str) -> Result<Option<TokenOwner>> {
        let hash = TokenHash::of(token);
        let found: Option<(String, String, String)> = admin_tokens::table
            .filter(admin_tokens::token_hash.eq(hash.as_str()))
            .filter(admin_tokens::revoked_at.is_null())
            .select((
                admin_tokens::org_id,
                admin_tokens::user_id,
                admin_tokens::token_hash,
            ))
            // A unique key: no `.first()`, whose bound LIMIT SQLite re-prepares each run.
            .get_result(&mut *self.conn()?)
            .optional()?;
        found
            .filter(|(_, _, stored)| TokenHash::from_stored(stored.clone()).matches(token))
            .map(|(org_id, user_id, _)| {
                Ok(TokenOwner {
                    org_id: org_id.parse().map_err(corrupt("admin_tokens.org_id"))?,
                    user_id: user_id.parse().map_err(corrupt("admin_tokens.user_id"))?,
                })
            })
            .transpose()
    }
}

/// Issues a SCIM token inside the caller's transaction, revoking the live one (C3).
fn issue_scim_token(
    conn: &mut DbConnection,
    org_id: OrgId,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String> {
    let token = generate_token(SCIM_TOKEN_PREFIX);
    let revoked = replace_scim_token(conn, org_id, &TokenHash::of(&token), now)?;
    append_audit(
        conn,
        AuditWrite {
            org_id,
            actor,
            action: if revoked > 0 {
                "scim_token.rotated"
            } else {
                "scim_token.issued"
            },
            target_kind: "org",
            target_id: Some(org_id.to_string()),
            target_label: None,
            details: serde_json::json!({}),
        },
        now,
    )?;
    Ok(token)
}

/// Makes `hash` the org's one live SCIM token inside the caller's transaction; answers
/// how many live ones were revoked.
pub(crate) fn replace_scim_token(
    conn: &mut DbConnection,
    org_id: OrgId,
    hash: &TokenHash,
    now: DateTime<Utc>,
) -> Result<usize> {
    let revoked = diesel::update(
        scim_tokens::table
            .filter(scim_tokens::org_id.eq(org_id.to_string()))
            .filter(scim_tokens::revoked_at.is_null()),
    )
    .set(scim_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?;
    diesel::insert_into(scim_tokens::table)
        .values((
            scim_tokens::id.eq(uuid::Uuid::new_v4().to_string()),
            scim_tokens::org_id.eq(org_id.to_string()),
            scim_tokens::token_hash.eq(hash.as_str()),
            scim_tokens::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(revoked)
}
