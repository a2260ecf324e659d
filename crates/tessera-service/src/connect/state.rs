//! Where an org's walkthrough stands, and the guards every step checks first.

use super::error::{already_connected, out_of_order, sandbox, sso_not_enabled};
use super::idp::IdpSummary;
use super::records::WalkthroughRecord;
use crate::error::{ServiceError, ServiceResult};
use crate::storage::Transaction;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tessera_core::{ConnectionMode, OrgId, OrgKind, Source, WalkthroughStep};
use tessera_policy::{Actor, AuditEntry};

/// What the account admin does next in the walkthrough.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    /// Choose jit or scim and start.
    Start,
    /// Download the mapping sheet.
    DownloadMapping,
    /// Upload the filled-in mapping sheet.
    UploadMapping,
    /// Enter the IdP's metadata or details.
    IdpDetails,
    /// Issue the SCIM token.
    ScimCredentials,
    /// Go live.
    Connect,
}

/// The latest mapping-sheet download and its upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingSummary {
    /// The download's id (also inside the file).
    pub export_id: String,
    /// When it was downloaded.
    pub downloaded_at: DateTime<Utc>,
    /// When a valid sheet for it was uploaded.
    pub uploaded_at: Option<DateTime<Utc>>,
}

/// Where an org's Connect walkthrough stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walkthrough {
    /// The persisted step (C2).
    pub step: WalkthroughStep,
    /// The chosen mode (C1), once started.
    pub mode: Option<ConnectionMode>,
    /// Production or sandbox (W2).
    pub kind: OrgKind,
    /// The operator's gate (W3).
    pub sso_enabled: bool,
    /// What to do next; `None` once connected or while the walkthrough is refused.
    pub next: Option<NextAction>,
    /// The latest mapping sheet.
    pub mapping: Option<MappingSummary>,
    /// The stored IdP details.
    pub idp: Option<IdpSummary>,
    /// Whether a SCIM token is live (the token itself is never shown again, C3).
    pub scim_token_active: bool,
    /// When the connection went live.
    pub connected_at: Option<DateTime<Utc>>,
}

/// The position of `step` in the walkthrough's order.
fn rank(step: WalkthroughStep) -> usize {
    WalkthroughStep::ALL
        .iter()
        .position(|s| *s == step)
        .unwrap_or_default()
}

/// An org's walkthrough as read inside a step's transaction.
pub(crate) struct Position {
    pub org: OrgId,
    pub kind: OrgKind,
    pub connected_at: Option<DateTime<Utc>>,
    pub record: WalkthroughRecord,
}

impl Position {
    pub(crate) fn load(tx: &dyn Transaction) -> ServiceResult<Self> {
        let org = tx.org()?;
        Ok(Self {
            org: org.id,
            kind: org.kind,
            connected_at: org.connected_at,
            record: tx.walkthrough()?,
        })
    }

    /// The chosen mode; jit until one is chosen.
    pub(crate) fn mode(&self) -> ConnectionMode {
        self.record.mode.unwrap_or(ConnectionMode::Jit)
    }

    /// W2, W3: whether the org may take walkthrough steps at all.
    pub(crate) fn may_connect(&self) -> ServiceResult<()> {
        if self.kind != OrgKind::Production {
            return Err(sandbox());
        }
        if !self.record.sso_enabled {
            return Err(sso_not_enabled());
        }
        Ok(())
    }

    /// [`may_connect`](Self::may_connect), not yet connected, and at `step` or later;
    /// else C2 tells what is `needed` first.
    pub(crate) fn require(&self, step: WalkthroughStep, needed: &str) -> ServiceResult<()> {
        self.may_connect()?;
        if self.connected_at.is_some() {
            return Err(already_connected());
        }
        if rank(self.record.step) < rank(step) {
            return Err(out_of_order(needed));
        }
        Ok(())
    }

    /// Moves the walkthrough from `from` to `to` (and to `mode`), guarded on what was
    /// read; an org past `from` stays where it is (downloading the sheet again never
    /// sends anyone back).
    pub(crate) fn advance(
        &self,
        tx: &dyn Transaction,
        from: WalkthroughStep,
        to: WalkthroughStep,
        mode: Option<ConnectionMode>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let step = if self.record.step == from {
            to
        } else {
            self.record.step
        };
        let next = WalkthroughRecord {
            step,
            mode,
            ..self.record.clone()
        };
        if next != self.record {
            tx.save_walkthrough(&self.record, &next, now)?;
        }
        Ok(())
    }

    pub(crate) fn next(&self) -> Option<NextAction> {
        if self.may_connect().is_err() || self.connected_at.is_some() {
            return None;
        }
        Some(match self.record.step {
            WalkthroughStep::NotStarted => NextAction::Start,
            WalkthroughStep::Enabled => NextAction::DownloadMapping,
            WalkthroughStep::MappingDownloaded => NextAction::UploadMapping,
            WalkthroughStep::MappingUploaded => NextAction::IdpDetails,
            WalkthroughStep::IdpDetails if self.record.mode == Some(ConnectionMode::Scim) => {
                NextAction::ScimCredentials
            }
            WalkthroughStep::IdpDetails | WalkthroughStep::ScimCredentials => NextAction::Connect,
            WalkthroughStep::Connected => return None,
        })
    }

    /// An audit entry about the org by `by` (the account admin's email, or the
    /// operator).
    pub(crate) fn audit(
        &self,
        tx: &dyn Transaction,
        by: Actor,
        action: &'static str,
        details: Value,
        now: DateTime<Utc>,
    ) -> ServiceResult<AuditEntry> {
        let (actor, source) = match by {
            Actor::Operator => ("operator".to_owned(), Source::Cli),
            Actor::System => ("system".to_owned(), Source::System),
            Actor::User(id) => {
                let user = tx
                    .user(id)?
                    .ok_or_else(|| ServiceError::internal(format!("no user has the id {id}")))?;
                (user.email.to_string(), Source::App)
            }
        };
        Ok(AuditEntry {
            at: now,
            actor,
            source,
            action,
            target_kind: "org",
            target_id: Some(self.org.to_string()),
            target_label: Some(self.record.workspace.to_string()),
            details,
        })
    }
}
