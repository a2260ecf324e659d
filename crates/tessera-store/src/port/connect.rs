//! The Connect walkthrough's rows of the port: the org's walkthrough columns, the
//! mapping-sheet downloads, the IdP connection and the SCIM token. Rows only: the
//! steps and their guards are the Connect service's.

use super::transaction::SqlTransaction;
use crate::orgs::corrupt;
use crate::schema::{idp_connections, mapping_exports, orgs, scim_tokens, users};
use crate::time::{from_db, to_db};
use crate::tokens::replace_scim_token;
use crate::{DbConnection, Result, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use tessera_core::{Email, OrgId, TokenHash, WorkspaceName};
use tessera_mapping::SnapshotRow;
use tessera_policy::MappingLink;
use tessera_service::StorageError;
use tessera_service::connect::records::{
    IdpConnectionRecord, MappingExportRecord, WalkthroughRecord,
};

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Database(diesel::result::Error::SerializationError(Box::new(e))))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Database(diesel::result::Error::DeserializationError(Box::new(e))))
}

/// The workspaces of the other orgs whose IdP connection has this entity id.
pub(super) fn workspaces_with_entity_id(
    conn: &mut DbConnection,
    entity_id: &str,
    except: OrgId,
) -> Result<Vec<WorkspaceName>> {
    let names: Vec<String> = idp_connections::table
        .inner_join(orgs::table.on(orgs::id.eq(idp_connections::org_id)))
        .filter(idp_connections::entity_id.eq(entity_id))
        .filter(idp_connections::org_id.ne(except.to_string()))
        .select(orgs::name)
        .order(orgs::name)
        .load(conn)?;
    names
        .iter()
        .map(|name| WorkspaceName::parse(name).map_err(corrupt("orgs.name")))
        .collect()
}

impl SqlTransaction<'_> {
    pub(super) fn load_walkthrough(&self) -> Result<WalkthroughRecord> {
        let (name, sso_enabled, step, mode): (String, bool, String, Option<String>) = orgs::table
            .filter(orgs::id.eq(self.org()))
            .select((
                orgs::name,
                orgs::sso_enabled,
                orgs::walkthrough_step,
                orgs::walkthrough_mode,
            ))
            .first(&mut **self.conn())?;
        Ok(WalkthroughRecord {
            workspace: WorkspaceName::parse(&name).map_err(corrupt("orgs.name"))?,
            sso_enabled,
            step: step.parse().map_err(corrupt("orgs.walkthrough_step"))?,
            mode: mode
                .map(|m| m.parse())
                .transpose()
                .map_err(corrupt("orgs.walkthrough_mode"))?,
        })
    }

    /// Guarded on the step and mode read, so a concurrent step makes this one a
    /// conflict (decided again).
    pub(super) fn store_walkthrough(
        &self,
        expected: &WalkthroughRecord,
        next: &WalkthroughRecord,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), StorageError> {
        let expected_mode = expected.mode.map(|m| m.as_str());
        let unset = expected.mode.is_none().into_sql::<Bool>();
        let moved = diesel::update(
            orgs::table
                .filter(orgs::id.eq(self.org()))
                .filter(orgs::walkthrough_step.eq(expected.step.as_str()))
                .filter(
                    orgs::walkthrough_mode
                        .eq(expected_mode)
                        .or(orgs::walkthrough_mode.is_null().and(unset)),
                ),
        )
        .set((
            orgs::walkthrough_step.eq(next.step.as_str()),
            orgs::walkthrough_mode.eq(next.mode.map(|m| m.as_str())),
            orgs::updated_at.eq(to_db(now)),
        ))
        .execute(&mut **self.conn())
        .map_err(StoreError::from)?;
        if moved == 1 {
            Ok(())
        } else {
            Err(StorageError::Conflict)
        }
    }

    pub(super) fn user_emails(&self) -> Result<Vec<SnapshotRow>> {
        let rows: Vec<(String, String)> = users::table
            .filter(users::org_id.eq(self.org()))
            .select((users::id, users::email))
            .load(&mut **self.conn())?;
        rows.into_iter()
            .map(|(id, email)| {
                Ok(SnapshotRow {
                    user_id: id.parse().map_err(corrupt("users.id"))?,
                    email: Email::parse(&email).map_err(corrupt("users.email"))?,
                })
            })
            .collect()
    }

    pub(super) fn latest_export(&self) -> Result<Option<MappingExportRecord>> {
        let found: Option<(String, String, NaiveDateTime, Option<NaiveDateTime>)> =
            mapping_exports::table
                .filter(mapping_exports::org_id.eq(self.org()))
                .order((
                    mapping_exports::created_at.desc(),
                    mapping_exports::id.desc(),
                ))
                .select((
                    mapping_exports::id,
                    mapping_exports::rows,
                    mapping_exports::created_at,
                    mapping_exports::uploaded_at,
                ))
                .first(&mut **self.conn())
                .optional()?;
        found
            .map(|(export_id, rows, at, uploaded)| {
                Ok(MappingExportRecord {
                    export_id,
                    rows: from_json(&rows)?,
                    downloaded_at: from_db(at),
                    uploaded_at: uploaded.map(from_db),
                })
            })
            .transpose()
    }

    pub(super) fn insert_export(&self, export: &MappingExportRecord) -> Result<()> {
        diesel::insert_into(mapping_exports::table)
            .values((
                mapping_exports::id.eq(&export.export_id),
                mapping_exports::org_id.eq(self.org()),
                mapping_exports::rows.eq(to_json(&export.rows)?),
                mapping_exports::created_at.eq(to_db(export.downloaded_at)),
            ))
            .execute(&mut **self.conn())?;
        Ok(())
    }

    pub(super) fn mark_uploaded(
        &self,
        export_id: &str,
        links: &[MappingLink],
        now: DateTime<Utc>,
    ) -> Result<()> {
        diesel::update(
            mapping_exports::table
                .filter(mapping_exports::id.eq(export_id))
                .filter(mapping_exports::org_id.eq(self.org())),
        )
        .set((
            mapping_exports::links.eq(to_json(&links)?),
            mapping_exports::uploaded_at.eq(to_db(now)),
        ))
        .execute(&mut **self.conn())?;
        Ok(())
    }

    pub(super) fn load_idp(&self) -> Result<Option<IdpConnectionRecord>> {
        let found: Option<(String, String, String, Option<String>, bool)> = idp_connections::table
            .filter(idp_connections::org_id.eq(self.org()))
            .select((
                idp_connections::entity_id,
                idp_connections::sso_url,
                idp_connections::certificates,
                idp_connections::metadata_xml,
                idp_connections::want_authn_requests_signed,
            ))
            .first(&mut **self.conn())
            .optional()?;
        Ok(
            found.map(|(entity_id, sso_url, certificates, metadata_xml, signed)| {
                IdpConnectionRecord {
                    entity_id,
                    sso_url,
                    // An unreadable column reads as no certificate (the login refuses).
                    certificates: serde_json::from_str(&certificates).unwrap_or_default(),
                    metadata_xml,
                    want_authn_requests_signed: signed,
                }
            }),
        )
    }

    pub(super) fn store_idp(&self, idp: &IdpConnectionRecord, now: DateTime<Utc>) -> Result<()> {
        let at = to_db(now);
        let values = (
            idp_connections::entity_id.eq(&idp.entity_id),
            idp_connections::sso_url.eq(&idp.sso_url),
            idp_connections::certificates.eq(to_json(&idp.certificates)?),
            idp_connections::metadata_xml.eq(idp.metadata_xml.as_deref()),
            idp_connections::want_authn_requests_signed.eq(idp.want_authn_requests_signed),
            idp_connections::updated_at.eq(at),
        );
        let mut conn = self.conn();
        let updated =
            diesel::update(idp_connections::table.filter(idp_connections::org_id.eq(self.org())))
                .set(values.clone())
                .execute(&mut **conn)?;
        if updated == 0 {
            diesel::insert_into(idp_connections::table)
                .values((
                    idp_connections::org_id.eq(self.org()),
                    values,
                    idp_connections::created_at.eq(at),
                ))
                .execute(&mut **conn)?;
        }
        Ok(())
    }

    pub(super) fn live_scim_token(&self) -> Result<bool> {
        let live: i64 = scim_tokens::table
            .filter(scim_tokens::org_id.eq(self.org()))
            .filter(scim_tokens::revoked_at.is_null())
            .count()
            .get_result(&mut **self.conn())?;
        Ok(live > 0)
    }

    pub(super) fn replace_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<bool> {
        let org = self.org_id();
        Ok(replace_scim_token(&mut self.conn(), org, hash, now)? > 0)
    }
}
