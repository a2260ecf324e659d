//! The mapping-sheet steps (M1–M3): the download remembers what it wrote; the upload is
//! checked against exactly that, and a valid one links the accounts through the policy
//! engine and records the links in the same transaction.

use super::ConnectError;
use super::state::{OrgState, advance, audit_actor};
use crate::connection::write_transaction;
use crate::orgs::{AuditWrite, append_audit, corrupt};
use crate::schema::{mapping_exports, users};
use crate::time::to_db;
use crate::{DbConnection, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use tessera_core::{Email, OrgId, UserId, WalkthroughStep, WorkspaceName};
use tessera_mapping::{Snapshot, SnapshotRow};
use tessera_policy::{Actor, Command, MappingLink};

/// A downloaded mapping sheet.
#[derive(Debug, Clone)]
pub struct MappingExport {
    /// `user-mapping-{ws}.xlsx` (M1).
    pub file_name: String,
    /// The xlsx bytes.
    pub bytes: Vec<u8>,
    /// How many user rows it has.
    pub rows: usize,
}

/// One row of a valid upload: who is linked to which IdP email (M3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappedRow {
    /// The account.
    pub user_id: UserId,
    /// Its current email (column B).
    pub email: Email,
    /// Its IdP email (column C); `None`: not in the IdP.
    pub idp_email: Option<Email>,
}

/// A valid upload: what was (or, in a dry run, would be) linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingUpload {
    /// One entry per sheet row.
    pub rows: Vec<MappedRow>,
    /// False for a dry run.
    pub applied: bool,
}

/// The org's users as the sheet lists them: by email, then id.
fn current_rows(conn: &mut DbConnection, org: OrgId) -> Result<Vec<SnapshotRow>> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::org_id.eq(org.to_string()))
        .order((users::email_normalized.asc(), users::id.asc()))
        .select((users::id, users::email))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, email)| {
            Ok(SnapshotRow {
                user_id: id.parse().map_err(corrupt("users.id"))?,
                email: Email::parse(&email).map_err(corrupt("users.email"))?,
            })
        })
        .collect()
}

/// The org's latest download, if any.
fn latest_snapshot(conn: &mut DbConnection, org: &OrgState) -> Result<Option<Snapshot>> {
    let found: Option<(String, String)> = mapping_exports::table
        .filter(mapping_exports::org_id.eq(org.id.to_string()))
        .order((
            mapping_exports::created_at.desc(),
            mapping_exports::id.desc(),
        ))
        .select((mapping_exports::id, mapping_exports::rows))
        .first(conn)
        .optional()?;
    let Some((export_id, rows)) = found else {
        return Ok(None);
    };
    let rows: Vec<SnapshotRow> = serde_json::from_str(&rows).map_err(|e| {
        StoreError::Database(diesel::result::Error::DeserializationError(Box::new(e)))
    })?;
    Ok(Some(Snapshot {
        export_id,
        workspace: WorkspaceName::parse(&org.name).map_err(corrupt("orgs.name"))?,
        rows,
    }))
}

impl Store {
    /// Writes the mapping sheet of the org's users and remembers it (M1); the
    /// walkthrough moves on to the upload. Downloading again later is allowed and
    /// never moves the walkthrough back; the upload is checked against the latest one.
    pub fn export_mapping(
        &self,
        org_id: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> std::result::Result<MappingExport, ConnectError> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let org = OrgState::load(conn, org_id)?;
            org.require(WalkthroughStep::Enabled, "choose the mode and start")?;
            let snapshot = Snapshot {
                export_id: uuid::Uuid::new_v4().to_string(),
                workspace: WorkspaceName::parse(&org.name).map_err(corrupt("orgs.name"))?,
                rows: current_rows(conn, org_id)?,
            };
            let bytes = tessera_mapping::export(&snapshot)?;
            let rows_json = serde_json::to_string(&snapshot.rows).map_err(|e| {
                StoreError::Database(diesel::result::Error::SerializationError(Box::new(e)))
            })?;
            diesel::insert_into(mapping_exports::table)
                .values((
                    mapping_exports::id.eq(&snapshot.export_id),
                    mapping_exports::org_id.eq(org_id.to_string()),
                    mapping_exports::rows.eq(rows_json),
                    mapping_exports::created_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            advance(
                conn,
                org_id,
                WalkthroughStep::Enabled,
                WalkthroughStep::MappingDownloaded,
            )?;
            let actor = audit_actor(conn, by)?;
            append_audit(
                conn,
                AuditWrite {
                    org_id,
                    actor: &actor,
                    action: "mapping.downloaded",
                    target_kind: "org",
                    target_id: Some(org_id.to_string()),
                    target_label: Some(org.name.clone()),
                    details: json!({ "export_id": snapshot.export_id, "rows": snapshot.rows.len() }),
                },
                now,
            )?;
            Ok(MappingExport {
                file_name: tessera_mapping::file_name(&snapshot.workspace),
                bytes,
                rows: snapshot.rows.len(),
            })
        })
    }

    /// Checks an uploaded sheet against the latest download (M2) and, unless `dry_run`,
    /// links the accounts (M3) through the policy engine, records the links and moves
    /// the walkthrough on, in one transaction. Any problem refuses the whole file.
    pub fn import_mapping(
        &self,
        org_id: OrgId,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
        by: Actor,
        now: DateTime<Utc>,
    ) -> std::result::Result<MappingUpload, ConnectError> {
        let (org, snapshot) = {
            let mut conn = self.conn()?;
            let org = OrgState::load(&mut conn, org_id)?;
            org.require(
                WalkthroughStep::MappingDownloaded,
                "download the mapping sheet",
            )?;
            let snapshot = latest_snapshot(&mut conn, &org)?.ok_or(ConnectError::OutOfOrder {
                needed: "download the mapping sheet",
            })?;
            let current = current_rows(&mut conn, org_id)?;
            (org, (snapshot, current))
        };
        let (snapshot, current) = snapshot;
        let links = tessera_mapping::import(file_name, bytes, &snapshot, &current)
            .map_err(ConnectError::MappingRejected)?;
        let rows: Vec<MappedRow> = snapshot
            .rows
            .iter()
            .zip(&links)
            .map(|(row, link)| MappedRow {
                user_id: row.user_id,
                email: row.email.clone(),
                idp_email: link.idp_email.clone(),
            })
            .collect();
        if dry_run {
            return Ok(MappingUpload {
                rows,
                applied: false,
            });
        }
        let links: Vec<MappingLink> = links
            .into_iter()
            .map(|link| MappingLink {
                user: link.user_id,
                idp_email: link.idp_email,
            })
            .collect();
        let links_json = serde_json::to_string(&links).map_err(|e| {
            StoreError::Database(diesel::result::Error::SerializationError(Box::new(e)))
        })?;
        let command = Command::ApplyMapping { by, links };
        self.execute_with(org_id, &command, now, |conn, _| {
            // The sheet was checked outside this transaction: it must still be the
            // latest download, of the same users.
            let latest = latest_snapshot(conn, &org)?;
            let unchanged = latest.is_some_and(|l| l.export_id == snapshot.export_id)
                && snapshot.matches_users(&current_rows(conn, org_id)?);
            if !unchanged {
                return Err(ConnectError::OutOfOrder {
                    needed: "the users or the download changed meanwhile: download the mapping sheet again",
                });
            }
            diesel::update(mapping_exports::table.filter(mapping_exports::id.eq(&snapshot.export_id)))
                .set((
                    mapping_exports::links.eq(&links_json),
                    mapping_exports::uploaded_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            advance(
                conn,
                org_id,
                WalkthroughStep::MappingDownloaded,
                WalkthroughStep::MappingUploaded,
            )?;
            let actor = audit_actor(conn, by)?;
            append_audit(
                conn,
                AuditWrite {
                    org_id,
                    actor: &actor,
                    action: "mapping.uploaded",
                    target_kind: "org",
                    target_id: Some(org_id.to_string()),
                    target_label: Some(org.name.clone()),
                    details: json!({
                        "export_id": snapshot.export_id,
                        "linked": rows.iter().filter(|r| r.idp_email.is_some()).count(),
                    }),
                },
                now,
            )?;
            Ok::<_, ConnectError>(())
        })?;
        Ok(MappingUpload {
            rows,
            applied: true,
        })
    }
}
