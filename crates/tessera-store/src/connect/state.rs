//! Reading and guarding an org's walkthrough state.

use super::ConnectError;
use super::idp::{IdpSummary, stored_certificates};
use crate::orgs::{Actor, corrupt};
use crate::schema::{idp_connections, mapping_exports, orgs, scim_tokens, users};
use crate::time::from_db;
use crate::{DbConnection, Result, Store, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use tessera_core::{ConnectionMode, OrgId, OrgKind, Source, WalkthroughStep};

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
pub(crate) fn rank(step: WalkthroughStep) -> usize {
    WalkthroughStep::ALL
        .iter()
        .position(|s| *s == step)
        .unwrap_or_default()
}

/// The org columns the walkthrough needs.
pub(crate) struct OrgState {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    pub sso_enabled: bool,
    pub step: WalkthroughStep,
    pub mode: Option<ConnectionMode>,
    pub connected_at: Option<DateTime<Utc>>,
}

type OrgColumns = (
    String,
    String,
    bool,
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

impl OrgState {
    pub(crate) fn load(conn: &mut DbConnection, id: OrgId) -> Result<Self> {
        let (name, kind, sso_enabled, step, mode, connected_at): OrgColumns = orgs::table
            .filter(orgs::id.eq(id.to_string()))
            .select((
                orgs::name,
                orgs::kind,
                orgs::sso_enabled,
                orgs::walkthrough_step,
                orgs::walkthrough_mode,
                orgs::connected_at,
            ))
            .first(conn)
            .optional()?
            .ok_or_else(|| StoreError::OrgNotFound {
                name: id.to_string(),
            })?;
        Ok(Self {
            id,
            name,
            kind: kind.parse().map_err(corrupt("orgs.kind"))?,
            sso_enabled,
            step: step.parse().map_err(corrupt("orgs.walkthrough_step"))?,
            mode: mode
                .map(|m| m.parse())
                .transpose()
                .map_err(corrupt("orgs.walkthrough_mode"))?,
            connected_at: connected_at.map(from_db),
        })
    }

    /// W2, W3: whether the org may take walkthrough steps at all.
    pub(crate) fn may_connect(&self) -> std::result::Result<(), ConnectError> {
        if self.kind != OrgKind::Production {
            return Err(ConnectError::Sandbox);
        }
        if !self.sso_enabled {
            return Err(ConnectError::SsoNotEnabled);
        }
        Ok(())
    }

    /// [`may_connect`](Self::may_connect), not yet connected, and at `step` or later.
    pub(crate) fn require(
        &self,
        step: WalkthroughStep,
        needed: &'static str,
    ) -> std::result::Result<(), ConnectError> {
        self.may_connect()?;
        if self.connected_at.is_some() {
            return Err(ConnectError::AlreadyConnected);
        }
        if rank(self.step) < rank(step) {
            return Err(ConnectError::OutOfOrder { needed });
        }
        Ok(())
    }

    fn next(&self) -> Option<NextAction> {
        if self.may_connect().is_err() || self.connected_at.is_some() {
            return None;
        }
        Some(match self.step {
            WalkthroughStep::NotStarted => NextAction::Start,
            WalkthroughStep::Enabled => NextAction::DownloadMapping,
            WalkthroughStep::MappingDownloaded => NextAction::UploadMapping,
            WalkthroughStep::MappingUploaded => NextAction::IdpDetails,
            WalkthroughStep::IdpDetails if self.mode == Some(ConnectionMode::Scim) => {
                NextAction::ScimCredentials
            }
            WalkthroughStep::IdpDetails | WalkthroughStep::ScimCredentials => NextAction::Connect,
            WalkthroughStep::Connected => return None,
        })
    }
}

/// Moves the org from step `from` to `to`; an org already past `from` stays where it is
/// (re-downloading the sheet never sends anyone back).
pub(crate) fn advance(
    conn: &mut DbConnection,
    org: OrgId,
    from: WalkthroughStep,
    to: WalkthroughStep,
) -> Result<()> {
    diesel::update(
        orgs::table
            .filter(orgs::id.eq(org.to_string()))
            .filter(orgs::walkthrough_step.eq(from.as_str())),
    )
    .set(orgs::walkthrough_step.eq(to.as_str()))
    .execute(conn)?;
    Ok(())
}

/// The audit actor for a policy actor: the account admin's email, or the operator.
pub(crate) fn audit_actor(conn: &mut DbConnection, by: tessera_policy::Actor) -> Result<Actor> {
    match by {
        tessera_policy::Actor::Operator => Ok(Actor::operator()),
        tessera_policy::Actor::User(id) => {
            let email: String = users::table
                .filter(users::id.eq(id.to_string()))
                .select(users::email)
                .first(conn)?;
            Ok(Actor {
                name: email,
                source: Source::App,
            })
        }
    }
}

impl Store {
    /// Where the org's walkthrough stands (what the Connect page shows on return).
    pub fn walkthrough(&self, org_id: OrgId) -> Result<Walkthrough> {
        let mut conn = self.conn()?;
        let conn = &mut *conn;
        let org = OrgState::load(conn, org_id)?;
        let id = org_id.to_string();
        let mapping: Option<(String, NaiveDateTime, Option<NaiveDateTime>)> =
            mapping_exports::table
                .filter(mapping_exports::org_id.eq(&id))
                .order((
                    mapping_exports::created_at.desc(),
                    mapping_exports::id.desc(),
                ))
                .select((
                    mapping_exports::id,
                    mapping_exports::created_at,
                    mapping_exports::uploaded_at,
                ))
                .first(conn)
                .optional()?;
        let idp: Option<(String, String, String)> = idp_connections::table
            .filter(idp_connections::org_id.eq(&id))
            .select((
                idp_connections::entity_id,
                idp_connections::sso_url,
                idp_connections::certificates,
            ))
            .first(conn)
            .optional()?;
        let live_tokens: i64 = scim_tokens::table
            .filter(scim_tokens::org_id.eq(&id))
            .filter(scim_tokens::revoked_at.is_null())
            .count()
            .get_result(conn)?;
        Ok(Walkthrough {
            step: org.step,
            mode: org.mode,
            kind: org.kind,
            sso_enabled: org.sso_enabled,
            next: org.next(),
            mapping: mapping.map(|(export_id, at, uploaded)| MappingSummary {
                export_id,
                downloaded_at: from_db(at),
                uploaded_at: uploaded.map(from_db),
            }),
            idp: idp.map(|(entity_id, sso_url, certificates)| IdpSummary {
                entity_id,
                sso_url,
                certificates: stored_certificates(&certificates),
            }),
            scim_token_active: live_tokens > 0,
            connected_at: org.connected_at,
        })
    }
}
