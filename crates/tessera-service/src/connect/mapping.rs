//! The mapping-sheet steps (M1–M3): the download remembers what it wrote; the upload is
//! checked against exactly that, and a valid one links the accounts through the policy
//! engine and records the links in the same transaction.

use super::ConnectService;
use super::error::{mapping_rejected, out_of_order, sheet_failed};
use super::records::MappingExportRecord;
use super::state::Position;
use crate::error::ServiceResult;
use crate::storage::Transaction;
use crate::transact::{decide_and_apply, read, write};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use tessera_core::{Email, OrgId, UserId, WalkthroughStep};
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

const DOWNLOAD_FIRST: &str = "download the mapping sheet";

/// The org's users as the sheet lists them: by email, then id.
fn current_rows(tx: &dyn Transaction) -> ServiceResult<Vec<SnapshotRow>> {
    let mut rows = tx.mapping_users()?;
    rows.sort_by(|a, b| (a.email.normalized(), a.user_id).cmp(&(b.email.normalized(), b.user_id)));
    Ok(rows)
}

/// The latest download as the sheet importer reads it.
fn latest_snapshot(tx: &dyn Transaction, org: &Position) -> ServiceResult<Option<Snapshot>> {
    Ok(tx.latest_mapping_export()?.map(|export| Snapshot {
        export_id: export.export_id,
        workspace: org.record.workspace.clone(),
        rows: export.rows,
    }))
}

impl ConnectService<'_> {
    /// Writes the mapping sheet of the org's users and remembers it (M1); the
    /// walkthrough moves on to the upload. Downloading again later is allowed and
    /// never moves the walkthrough back; the upload is checked against the latest one.
    pub fn export_mapping(
        &self,
        org: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<MappingExport> {
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            position.require(WalkthroughStep::Enabled, "choose the mode and start")?;
            let snapshot = Snapshot {
                export_id: uuid::Uuid::new_v4().to_string(),
                workspace: position.record.workspace.clone(),
                rows: current_rows(tx)?,
            };
            let bytes = tessera_mapping::export(&snapshot).map_err(sheet_failed)?;
            tx.insert_mapping_export(&MappingExportRecord {
                export_id: snapshot.export_id.clone(),
                rows: snapshot.rows.clone(),
                downloaded_at: now,
                uploaded_at: None,
            })?;
            let step = (WalkthroughStep::Enabled, WalkthroughStep::MappingDownloaded);
            position.advance(tx, step.0, step.1, position.record.mode, now)?;
            let details = json!({ "export_id": snapshot.export_id, "rows": snapshot.rows.len() });
            let entry = position.audit(tx, by, "mapping.downloaded", details, now)?;
            tx.record_audit(&[entry])?;
            Ok(MappingExport {
                file_name: tessera_mapping::file_name(&snapshot.workspace),
                bytes,
                rows: snapshot.rows.len(),
            })
        })
    }

    /// Checks an uploaded sheet against the latest download (M2) and, unless `dry_run`,
    /// links the accounts (M3) through the policy engine, records the links and moves
    /// the walkthrough on, in one transaction. Any problem refuses the whole file. The
    /// sheet is read outside the write transaction, which then checks that the
    /// download and the users are still those it was checked against.
    pub fn import_mapping(
        &self,
        org: OrgId,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<MappingUpload> {
        let (snapshot, current) = read(self.storage, org, |tx| -> ServiceResult<_> {
            let position = Position::load(tx)?;
            position.require(WalkthroughStep::MappingDownloaded, DOWNLOAD_FIRST)?;
            let snapshot =
                latest_snapshot(tx, &position)?.ok_or_else(|| out_of_order(DOWNLOAD_FIRST))?;
            Ok((snapshot, current_rows(tx)?))
        })?;
        let links = tessera_mapping::import(file_name, bytes, &snapshot, &current)
            .map_err(mapping_rejected)?;
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
        if !dry_run {
            let links: Vec<MappingLink> = links
                .into_iter()
                .map(|link| MappingLink {
                    user: link.user_id,
                    idp_email: link.idp_email,
                })
                .collect();
            let linked = rows.iter().filter(|r| r.idp_email.is_some()).count();
            write(self.storage, org, |tx| {
                apply_upload(tx, &snapshot, &links, linked, by, now)
            })?;
        }
        Ok(MappingUpload {
            rows,
            applied: !dry_run,
        })
    }
}

/// The write half of an upload: still the latest download of the same users, then the
/// links through the engine, the upload recorded and the walkthrough moved on.
fn apply_upload(
    tx: &dyn Transaction,
    snapshot: &Snapshot,
    links: &[MappingLink],
    linked: usize,
    by: Actor,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let position = Position::load(tx)?;
    position.require(WalkthroughStep::MappingDownloaded, DOWNLOAD_FIRST)?;
    let latest = tx.latest_mapping_export()?;
    let unchanged = latest.is_some_and(|l| l.export_id == snapshot.export_id)
        && snapshot.matches_users(&current_rows(tx)?);
    if !unchanged {
        return Err(out_of_order(
            "the users or the download changed meanwhile: download the mapping sheet again",
        ));
    }
    let command = Command::ApplyMapping {
        by,
        links: links.to_vec(),
    };
    decide_and_apply(tx, &command, now)?;
    tx.mark_mapping_uploaded(&snapshot.export_id, links, now)?;
    let step = (
        WalkthroughStep::MappingDownloaded,
        WalkthroughStep::MappingUploaded,
    );
    position.advance(tx, step.0, step.1, position.record.mode, now)?;
    let details = json!({ "export_id": snapshot.export_id, "linked": linked });
    let entry = position.audit(tx, by, "mapping.uploaded", details, now)?;
    tx.record_audit(&[entry])?;
    Ok(())
}
