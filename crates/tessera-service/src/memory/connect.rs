//! The Connect walkthrough's rows of an in-memory org.

use crate::connect::records::{IdpConnectionRecord, MappingExportRecord, WalkthroughRecord};
use crate::error::StorageError;
use chrono::{DateTime, Utc};
use tessera_core::{ConnectionMode, WalkthroughStep, WorkspaceName};
use tessera_policy::MappingLink;

/// One org's walkthrough, downloads and IdP connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnectRows {
    pub(crate) walkthrough: WalkthroughRecord,
    /// Every download, oldest first, with the links of its upload.
    exports: Vec<(MappingExportRecord, Option<Vec<MappingLink>>)>,
    pub(crate) idp: Option<IdpConnectionRecord>,
}

impl ConnectRows {
    /// A new org's: connected orgs have finished the walkthrough in their mode.
    pub(crate) fn new(
        workspace: WorkspaceName,
        sso_enabled: bool,
        mode: Option<ConnectionMode>,
        connected: bool,
    ) -> Self {
        let step = if connected {
            WalkthroughStep::Connected
        } else {
            WalkthroughStep::NotStarted
        };
        Self {
            walkthrough: WalkthroughRecord {
                workspace,
                sso_enabled,
                step,
                mode,
            },
            exports: Vec::new(),
            idp: None,
        }
    }

    pub(crate) fn save_walkthrough(
        &mut self,
        expected: &WalkthroughRecord,
        next: &WalkthroughRecord,
    ) -> Result<(), StorageError> {
        let current = &self.walkthrough;
        if (current.step, current.mode) != (expected.step, expected.mode) {
            return Err(StorageError::Conflict);
        }
        self.walkthrough.step = next.step;
        self.walkthrough.mode = next.mode;
        Ok(())
    }

    pub(crate) fn latest_export(&self) -> Option<MappingExportRecord> {
        self.exports
            .iter()
            .map(|(export, _)| export)
            .max_by(|a, b| (a.downloaded_at, &a.export_id).cmp(&(b.downloaded_at, &b.export_id)))
            .cloned()
    }

    pub(crate) fn insert_export(&mut self, export: &MappingExportRecord) {
        self.exports.push((export.clone(), None));
    }

    pub(crate) fn mark_uploaded(
        &mut self,
        export_id: &str,
        links: &[MappingLink],
        now: DateTime<Utc>,
    ) {
        for (export, uploaded) in &mut self.exports {
            if export.export_id == export_id {
                export.uploaded_at = Some(now);
                *uploaded = Some(links.to_vec());
            }
        }
    }
}
