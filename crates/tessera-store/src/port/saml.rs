//! The SAML login rows of the port: the org's IdP settings, outstanding AuthnRequest
//! ids and the assertion replay cache. Both caches are tables, so every server process
//! sharing the database sees the same state. Rows only: expiry and browser checks are
//! the login service's.

use super::transaction::SqlTransaction;
use crate::DbConnection;
use crate::orgs::corrupt;
use crate::schema::{idp_connections, orgs, saml_replay_cache, saml_requests};
use crate::sessions::mark_first_login;
use crate::time::{from_db, to_db};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use tessera_core::{TokenHash, UserId, WorkspaceName};
use tessera_service::OrgSummary;
use tessera_service::login::{IdpSettings, SavedRequest, StoredRequest};

/// An IdP row's `entity_id`, `sso_url`, `certificates`, `attribute_overrides` and
/// `want_authn_requests_signed`.
type IdpColumns = (String, String, String, String, bool);

/// The IdP settings of a row, with the org's `allow_idp_initiated` and `allow_sha1`.
fn settings(idp: IdpColumns, allow_idp_initiated: bool, allow_sha1: bool) -> Result<IdpSettings> {
    let (entity_id, sso_url, certificates, overrides, signed) = idp;
    let certificates: Vec<String> = serde_json::from_str(&certificates)
        .map_err(|e| StoreError::Database(DieselError::DeserializationError(Box::new(e))))?;
    Ok(IdpSettings {
        entity_id,
        sso_url,
        certificates,
        attribute_overrides: serde_json::from_str(&overrides)
            .unwrap_or_else(|_| serde_json::json!({})),
        allow_idp_initiated,
        allow_sha1,
        want_authn_requests_signed: signed,
    })
}

/// The org named `workspace` (its id, whether SSO is on) with its IdP settings (`None`
/// before one is configured), in one statement; `None` without such an org.
pub(super) fn org_with_idp(
    conn: &mut DbConnection,
    workspace: &WorkspaceName,
) -> Result<Option<(OrgSummary, Option<IdpSettings>)>> {
    type Row = (String, bool, bool, bool, Option<IdpColumns>);
    // No `.first()`: names are unique, and SQLite prepares a statement with a bound
    // LIMIT again on every run (this read starts every login).
    let rows: Vec<Row> = orgs::table
        .left_join(idp_connections::table.on(idp_connections::org_id.eq(orgs::id)))
        .filter(orgs::name.eq(workspace.as_str()))
        .select((
            orgs::id,
            orgs::sso_enabled,
            orgs::allow_idp_initiated,
            orgs::allow_sha1,
            IDP_COLUMNS.nullable(),
        ))
        .load(conn)?;
    let Some((id, sso_enabled, idp_initiated, sha1, idp)) = rows.into_iter().next() else {
        return Ok(None);
    };
    let org = OrgSummary {
        id: id.parse().map_err(corrupt("orgs.id"))?,
        workspace: workspace.clone(),
        sso_enabled,
    };
    let idp = idp
        .map(|columns| settings(columns, idp_initiated, sha1))
        .transpose()?;
    Ok(Some((org, idp)))
}

/// The columns of [`IdpColumns`].
const IDP_COLUMNS: (
    idp_connections::entity_id,
    idp_connections::sso_url,
    idp_connections::certificates,
    idp_connections::attribute_overrides,
    idp_connections::want_authn_requests_signed,
) = (
    idp_connections::entity_id,
    idp_connections::sso_url,
    idp_connections::certificates,
    idp_connections::attribute_overrides,
    idp_connections::want_authn_requests_signed,
);

impl SqlTransaction<'_> {
    pub(super) fn idp(&self) -> Result<Option<IdpSettings>> {
        type Row = (IdpColumns, bool, bool);
        // No `.first()`: one row per org (see `org_with_idp`).
        let rows: Vec<Row> = idp_connections::table
            .inner_join(orgs::table.on(orgs::id.eq(idp_connections::org_id)))
            .filter(idp_connections::org_id.eq(self.org()))
            .select((IDP_COLUMNS, orgs::allow_idp_initiated, orgs::allow_sha1))
            .load(&mut **self.conn())?;
        rows.into_iter()
            .next()
            .map(|(idp, idp_initiated, sha1)| settings(idp, idp_initiated, sha1))
            .transpose()
    }

    pub(super) fn save_request(
        &self,
        request: &SavedRequest,
        keep_at_most: usize,
    ) -> Result<usize> {
        let mut conn = self.conn();
        let conn = &mut **conn;
        diesel::delete(
            saml_requests::table.filter(saml_requests::expires_at.le(to_db(request.created_at))),
        )
        .execute(conn)?;
        let keep = i64::try_from(keep_at_most.saturating_sub(1)).unwrap_or(i64::MAX);
        let oldest: Vec<String> = saml_requests::table
            .filter(saml_requests::org_id.eq(self.org()))
            .order((saml_requests::created_at.desc(), saml_requests::id.desc()))
            .limit(1000)
            .offset(keep)
            .select(saml_requests::id)
            .load(conn)?;
        let dropped = if oldest.is_empty() {
            0
        } else {
            diesel::delete(saml_requests::table.filter(saml_requests::id.eq_any(&oldest)))
                .execute(conn)?
        };
        diesel::insert_into(saml_requests::table)
            .values((
                saml_requests::id.eq(&request.id),
                saml_requests::org_id.eq(self.org()),
                saml_requests::relay_state.eq(&request.relay_state),
                saml_requests::browser_hash.eq(request.browser_hash.as_str()),
                saml_requests::created_at.eq(to_db(request.created_at)),
                saml_requests::expires_at.eq(to_db(request.expires_at)),
            ))
            .execute(conn)?;
        Ok(dropped)
    }

    pub(super) fn take_request(&self, id: &str) -> Result<Option<StoredRequest>> {
        let mut conn = self.conn();
        let conn = &mut **conn;
        let found: Option<(Option<String>, Option<String>, NaiveDateTime)> = saml_requests::table
            .filter(saml_requests::id.eq(id))
            .filter(saml_requests::org_id.eq(self.org()))
            .select((
                saml_requests::relay_state,
                saml_requests::browser_hash,
                saml_requests::expires_at,
            ))
            .first(conn)
            .optional()?;
        let Some((relay_state, browser_hash, expires_at)) = found else {
            return Ok(None);
        };
        let taken =
            diesel::delete(saml_requests::table.filter(saml_requests::id.eq(id))).execute(conn)?;
        Ok((taken == 1).then(|| StoredRequest {
            relay_state,
            browser_hash: browser_hash.map(TokenHash::from_stored),
            expires_at: from_db(expires_at),
        }))
    }

    pub(super) fn remember(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut conn = self.conn();
        let conn = &mut **conn;
        diesel::delete(
            saml_replay_cache::table.filter(saml_replay_cache::expires_at.le(to_db(now))),
        )
        .execute(conn)?;
        let seen: i64 = saml_replay_cache::table
            .filter(saml_replay_cache::org_id.eq(self.org()))
            .filter(saml_replay_cache::assertion_id.eq(assertion_id))
            .count()
            .get_result(conn)?;
        if seen > 0 {
            return Ok(false);
        }
        // A concurrent insert of the same id is a unique violation, a conflict: the
        // service runs this again and then sees the id.
        diesel::insert_into(saml_replay_cache::table)
            .values((
                saml_replay_cache::org_id.eq(self.org()),
                saml_replay_cache::assertion_id.eq(assertion_id),
                saml_replay_cache::expires_at.eq(to_db(expires_at)),
            ))
            .execute(conn)?;
        Ok(true)
    }

    pub(super) fn login(&self, user: UserId, now: DateTime<Utc>) -> Result<()> {
        mark_first_login(&mut self.conn(), self.org_id(), user, now)?;
        Ok(())
    }
}
