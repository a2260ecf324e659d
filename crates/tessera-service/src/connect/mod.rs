//! The Connect walkthrough (C1, C2, W2, W3) as a service: one persisted step per org,
//! and each step a single write transaction that either advances or refuses and
//! changes nothing. Leaving and coming back resumes at the stored step.
//!
//! choose the mode ([`ConnectService::set_mode`]) → download the mapping sheet
//! ([`ConnectService::export_mapping`]) → upload it (M2, M3,
//! [`ConnectService::import_mapping`]) → IdP details ([`ConnectService::set_idp`]) →
//! SCIM credentials (scim mode, C3, [`ConnectService::issue_scim_token`]) → connected
//! (C4, C5, [`ConnectService::complete`]). [`ConnectService::walkthrough`] tells where
//! an org stands and what comes next.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use tessera_core::{ConnectionMode, OrgKind, WorkspaceName};
//! use tessera_policy::Actor;
//! use tessera_service::connect::{ConnectService, NextAction};
//! use tessera_service::memory::{MemoryStorage, NewOrg};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
//! let storage = MemoryStorage::new();
//! let new = NewOrg {
//!     workspace: WorkspaceName::parse("acme")?,
//!     kind: OrgKind::Production,
//!     sso_enabled: true,
//!     connection_mode: None,
//!     connected_at: None,
//! };
//! let org = storage.create_org(new, now)?;
//! let connect = ConnectService::new(&storage);
//! connect.set_mode(org, ConnectionMode::Scim, Actor::Operator, now)?;
//! let sheet = connect.export_mapping(org, Actor::Operator, now)?;
//! assert_eq!(sheet.file_name, "user-mapping-acme.xlsx");
//! let next = connect.walkthrough(org)?.next;
//! assert_eq!(next, Some(NextAction::UploadMapping));
//! # Ok(())
//! # }
//! ```

mod certs;
mod error;
mod idp;
mod mapping;
pub mod records;
mod state;
mod steps;

pub use certs::{MAX_IDP_CERTIFICATES, normalize_fingerprint};
pub use error::invalid_idp as invalid_idp_details;
pub use idp::{CertificateSummary, IdpDetails, IdpSummary};
pub use mapping::{MappedRow, MappingExport, MappingUpload};
pub use state::{MappingSummary, NextAction, Walkthrough};
pub use steps::SCIM_TOKEN_PREFIX;

use crate::error::ServiceResult;
use crate::storage::Storage;
use crate::transact::read;
use state::Position;
use tessera_core::OrgId;

/// The walkthrough's steps over any [`Storage`].
#[derive(Clone, Copy)]
pub struct ConnectService<'s> {
    storage: &'s dyn Storage,
}

impl<'s> ConnectService<'s> {
    /// The service over `storage`.
    pub fn new(storage: &'s dyn Storage) -> Self {
        Self { storage }
    }

    /// The storage it runs on.
    pub(crate) fn storage(&self) -> &'s dyn Storage {
        self.storage
    }

    /// Where the org's walkthrough stands (what the Connect page shows on return).
    pub fn walkthrough(&self, org: OrgId) -> ServiceResult<Walkthrough> {
        read(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            let mapping = tx.latest_mapping_export()?.map(|export| MappingSummary {
                export_id: export.export_id,
                downloaded_at: export.downloaded_at,
                uploaded_at: export.uploaded_at,
            });
            Ok(Walkthrough {
                step: position.record.step,
                mode: position.record.mode,
                kind: position.kind,
                sso_enabled: position.record.sso_enabled,
                next: position.next(),
                mapping,
                idp: tx.idp_connection()?.as_ref().map(IdpSummary::of),
                scim_token_active: tx.scim_token_active()?,
                connected_at: position.connected_at,
            })
        })
    }
}
