//! The org's SAML options and the operator's check of IdP entity ids shared by several
//! orgs. What a login needs (IdP settings, request ids, replay cache) is behind the
//! services' port (`port/saml.rs`).

use crate::orgs::{AuditWrite, append_audit};
use crate::schema::{idp_connections, orgs};
use crate::time::to_db;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tessera_core::OrgId;
use tessera_policy::Actor;

impl Store {
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
        self.in_write_transaction(|conn| {
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
