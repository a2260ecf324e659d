//! What SAML logins need from the database: the org's IdP settings, outstanding
//! AuthnRequest ids (SP-initiated login) and the assertion replay cache. Both caches are
//! tables, so every server process sharing the database sees the same state.

use crate::connection::write_transaction;
use crate::orgs::{Actor, AuditWrite, append_audit};
use crate::schema::{idp_connections, orgs, saml_replay_cache, saml_requests};
use crate::time::to_db;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tessera_core::{OrgId, TokenHash};

/// An org's IdP connection as the ACS needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpSettings {
    /// The IdP's entity id (the Issuer its responses must carry).
    pub entity_id: String,
    /// Where AuthnRequests are sent.
    pub sso_url: String,
    /// The pinned signing certificates, DER, base64 (several during a rollover).
    pub certificates: Vec<String>,
    /// Per-org attribute-name overrides (JSON object).
    pub attribute_overrides: serde_json::Value,
    /// Whether unsolicited (IdP-initiated) responses are accepted (L1).
    pub allow_idp_initiated: bool,
    /// Whether SHA-1 signatures are accepted.
    pub allow_sha1: bool,
    /// The IdP's metadata said `WantAuthnRequestsSigned="true"`.
    pub want_authn_requests_signed: bool,
}

/// An outstanding AuthnRequest, as the ACS takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlRequest {
    /// Where the user lands after login.
    pub relay_state: Option<String>,
    /// The response arrived from the browser that started the login: it presented the
    /// request's binding cookie.
    pub from_this_browser: bool,
}

impl Store {
    /// The org's IdP settings, if an IdP was configured.
    pub fn idp_settings(&self, org_id: OrgId) -> Result<Option<IdpSettings>> {
        type Row = (String, String, String, String, bool, bool, bool);
        let row: Option<Row> = idp_connections::table
            .inner_join(orgs::table.on(orgs::id.eq(idp_connections::org_id)))
            .filter(idp_connections::org_id.eq(org_id.to_string()))
            .select((
                idp_connections::entity_id,
                idp_connections::sso_url,
                idp_connections::certificates,
                idp_connections::attribute_overrides,
                orgs::allow_idp_initiated,
                orgs::allow_sha1,
                idp_connections::want_authn_requests_signed,
            ))
            .first(&mut *self.conn()?)
            .optional()?;
        let Some((
            entity_id,
            sso_url,
            certificates,
            overrides,
            allow_idp_initiated,
            allow_sha1,
            want_signed,
        )) = row
        else {
            return Ok(None);
        };
        let certificates: Vec<String> = serde_json::from_str(&certificates)
            .map_err(|e| StoreError::Database(DieselError::DeserializationError(Box::new(e))))?;
        Ok(Some(IdpSettings {
            entity_id,
            sso_url,
            certificates,
            attribute_overrides: serde_json::from_str(&overrides)
                .unwrap_or_else(|_| serde_json::json!({})),
            allow_idp_initiated,
            allow_sha1,
            want_authn_requests_signed: want_signed,
        }))
    }

    /// Remembers an AuthnRequest id until `expires_at`, with the RelayState to return to
    /// and the browser binding token (only its hash is kept). Purges expired requests of
    /// every org, and keeps at most `max_outstanding` of this org, dropping the oldest:
    /// returns how many were dropped.
    #[allow(clippy::too_many_arguments)]
    pub fn save_saml_request(
        &self,
        org_id: OrgId,
        id: &str,
        browser_token: &str,
        relay_state: Option<&str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        max_outstanding: usize,
    ) -> Result<usize> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            diesel::delete(saml_requests::table.filter(saml_requests::expires_at.le(to_db(now))))
                .execute(conn)?;
            let org = org_id.to_string();
            let keep = i64::try_from(max_outstanding.saturating_sub(1)).unwrap_or(i64::MAX);
            let oldest: Vec<String> = saml_requests::table
                .filter(saml_requests::org_id.eq(&org))
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
                    saml_requests::id.eq(id),
                    saml_requests::org_id.eq(&org),
                    saml_requests::relay_state.eq(relay_state),
                    saml_requests::browser_hash.eq(TokenHash::of(browser_token).as_str()),
                    saml_requests::created_at.eq(to_db(now)),
                    saml_requests::expires_at.eq(to_db(expires_at)),
                ))
                .execute(conn)?;
            Ok(dropped)
        })
    }

    /// Consumes an outstanding AuthnRequest id of the org: `Some` once, `None` when
    /// unknown, of another org, expired or already answered. `browser_token` is the
    /// binding cookie the response's browser presented, if any.
    pub fn take_saml_request(
        &self,
        org_id: OrgId,
        id: &str,
        browser_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<SamlRequest>> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let found: Option<(Option<String>, Option<String>, NaiveDateTime)> =
                saml_requests::table
                    .filter(saml_requests::id.eq(id))
                    .filter(saml_requests::org_id.eq(org_id.to_string()))
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
            let taken = diesel::delete(saml_requests::table.filter(saml_requests::id.eq(id)))
                .execute(conn)?;
            let from_this_browser = match (browser_hash, browser_token) {
                (Some(hash), Some(token)) => TokenHash::from_stored(hash).matches(token),
                _ => false,
            };
            Ok(
                (taken == 1 && expires_at > to_db(now)).then_some(SamlRequest {
                    relay_state,
                    from_this_browser,
                }),
            )
        })
    }

    /// IdP entity ids connected to more than one org, each with those orgs' workspace
    /// names, sorted: for the operator to check that the orgs belong together.
    pub fn idp_entity_id_clashes(&self) -> Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(String, String)> = idp_connections::table
            .inner_join(orgs::table.on(orgs::id.eq(idp_connections::org_id)))
            .select((idp_connections::entity_id, orgs::name))
            .order((idp_connections::entity_id, orgs::name))
            .load(&mut *self.conn()?)?;
        let mut clashes: Vec<(String, Vec<String>)> = Vec::new();
        for (entity_id, org) in rows {
            match clashes.last_mut() {
                Some((last, orgs)) if *last == entity_id => orgs.push(org),
                _ => clashes.push((entity_id, vec![org])),
            }
        }
        clashes.retain(|(_, orgs)| orgs.len() > 1);
        Ok(clashes)
    }

    /// Records an assertion id of the org until `expires_at`; `false` when it was
    /// already recorded (a replay).
    pub fn remember_assertion(
        &self,
        org_id: OrgId,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut conn = self.conn()?;
        diesel::delete(
            saml_replay_cache::table.filter(saml_replay_cache::expires_at.le(to_db(now))),
        )
        .execute(&mut *conn)?;
        let inserted = diesel::insert_into(saml_replay_cache::table)
            .values((
                saml_replay_cache::org_id.eq(org_id.to_string()),
                saml_replay_cache::assertion_id.eq(assertion_id),
                saml_replay_cache::expires_at.eq(to_db(expires_at)),
            ))
            .execute(&mut *conn);
        match inserted {
            Ok(_) => Ok(true),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Changes the org's SAML options (IdP-initiated login, SHA-1, attribute names) and
    /// records the change; allowing SHA-1 is logged as a warning. Attribute overrides
    /// need a configured IdP.
    pub fn set_saml_options(
        &self,
        org_id: OrgId,
        options: &SamlOptions,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            if let Some(allow) = options.allow_idp_initiated {
                diesel::update(orgs::table.filter(orgs::id.eq(org_id.to_string())))
                    .set((
                        orgs::allow_idp_initiated.eq(allow),
                        orgs::updated_at.eq(to_db(now)),
                    ))
                    .execute(conn)?;
            }
            if let Some(allow) = options.allow_sha1 {
                diesel::update(orgs::table.filter(orgs::id.eq(org_id.to_string())))
                    .set((orgs::allow_sha1.eq(allow), orgs::updated_at.eq(to_db(now))))
                    .execute(conn)?;
            }
            if let Some(overrides) = &options.attribute_overrides {
                let updated = diesel::update(
                    idp_connections::table.filter(idp_connections::org_id.eq(org_id.to_string())),
                )
                .set((
                    idp_connections::attribute_overrides.eq(overrides.to_string()),
                    idp_connections::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?;
                if updated == 0 {
                    return Err(StoreError::NoIdpConnection);
                }
            }
            let mut details = serde_json::json!({
                "allow_idp_initiated": options.allow_idp_initiated,
                "allow_sha1": options.allow_sha1,
                "attribute_overrides": options.attribute_overrides,
            });
            if options.allow_sha1 == Some(true) {
                details["warning"] =
                    "SHA-1 signatures are now accepted from this org's IdP; SHA-1 is broken".into();
            }
            append_audit(
                conn,
                AuditWrite {
                    org_id,
                    actor,
                    action: "org.saml_options_changed",
                    target_kind: "org",
                    target_id: Some(org_id.to_string()),
                    target_label: None,
                    details,
                },
                now,
            )
        })
    }

    /// Writes one audit entry (S4) for an event outside the policy engine, e.g. a
    /// refused SAML login or a SHA-1 signature accepted by the org's setting.
    #[allow(clippy::too_many_arguments)]
    pub fn record_event(
        &self,
        org_id: OrgId,
        actor: &Actor,
        action: &str,
        target_kind: &str,
        target_label: Option<String>,
        details: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        append_audit(
            &mut *self.conn()?,
            AuditWrite {
                org_id,
                actor,
                action,
                target_kind,
                target_id: None,
                target_label,
                details,
            },
            now,
        )
    }
}

/// A change of an org's SAML options; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct SamlOptions {
    /// Accept unsolicited (IdP-initiated) responses (L1; on by default).
    pub allow_idp_initiated: Option<bool>,
    /// Accept SHA-1 signatures (off by default).
    pub allow_sha1: Option<bool>,
    /// Attribute names to try first, e.g. `{"email": ["mail"], "groups": ["memberOf"]}`.
    pub attribute_overrides: Option<serde_json::Value>,
}
