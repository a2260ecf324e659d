//! The walkthrough's rows as the storage port reads and writes them
//! ([`crate::storage::Transaction`], section "Connect walkthrough").

use chrono::{DateTime, Utc};
use tessera_core::{ConnectionMode, WalkthroughStep, WorkspaceName};
use tessera_mapping::SnapshotRow;

/// The org's walkthrough columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkthroughRecord {
    /// The org's workspace name (in the sheet's file name and the audit log).
    pub workspace: WorkspaceName,
    /// The operator's gate (W3).
    pub sso_enabled: bool,
    /// The persisted step (C2).
    pub step: WalkthroughStep,
    /// The chosen mode (C1), once started.
    pub mode: Option<ConnectionMode>,
}

/// One mapping-sheet download: what it listed, so the upload is checked against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingExportRecord {
    /// The download's id (also inside the file).
    pub export_id: String,
    /// The users it listed, in sheet order.
    pub rows: Vec<SnapshotRow>,
    /// When it was downloaded.
    pub downloaded_at: DateTime<Utc>,
    /// When a valid sheet for it was uploaded.
    pub uploaded_at: Option<DateTime<Utc>>,
}

/// The org's IdP connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpConnectionRecord {
    /// The IdP's entity id.
    pub entity_id: String,
    /// Where logins are sent.
    pub sso_url: String,
    /// The signing certificates, base64 DER.
    pub certificates: Vec<String>,
    /// The metadata XML it was read from, if it was.
    pub metadata_xml: Option<String>,
    /// Whether the IdP wants signed AuthnRequests.
    pub want_authn_requests_signed: bool,
}
