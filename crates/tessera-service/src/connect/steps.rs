//! The walkthrough's steps other than the mapping sheet: the mode, the IdP details,
//! the SCIM token and going live.

use super::ConnectService;
use super::error::not_scim_mode;
use super::idp::IdpDetails;
use super::state::Position;
use crate::error::ServiceResult;
use crate::transact::{decide_and_apply, write};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tessera_core::{
    ConnectionMode, OrgId, TokenHash, WalkthroughStep, WorkspaceName, generate_token,
};
use tessera_policy::{Actor, AuditEntry, Command};

/// The prefix of SCIM bearer tokens.
pub const SCIM_TOKEN_PREFIX: &str = "tsr_scim";

const IDP_FIRST: &str = "enter the IdP details";

impl ConnectService<'_> {
    /// Starts the walkthrough in `mode`, or changes the mode before the connection goes
    /// live (C1). Refused for sandbox orgs (W2), orgs the operator has not enabled (W3)
    /// and orgs already connected (W2).
    pub fn set_mode(
        &self,
        org: OrgId,
        mode: ConnectionMode,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            position.require(WalkthroughStep::NotStarted, "start the walkthrough")?;
            let (from, to) = (WalkthroughStep::NotStarted, WalkthroughStep::Enabled);
            position.advance(tx, from, to, Some(mode), now)?;
            let details = json!({ "mode": mode, "previous": position.record.mode });
            let entry = position.audit(tx, by, "connection.mode_set", details, now)?;
            Ok(tx.record_audit(&[entry])?)
        })
    }

    /// Stores the IdP details (after the mapping sheet is uploaded). An entity id other
    /// orgs already use is accepted, with a warning in the audit entry: the ACS URL
    /// names the org, so an entity id may be shared (Entra's is per tenant, used by all
    /// of a company's orgs), and the operator sees who shares it.
    pub fn set_idp(
        &self,
        org: OrgId,
        details: &IdpDetails,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let record = details.record();
        let shared_with = self
            .storage
            .workspaces_with_idp_entity_id(&record.entity_id, org)?;
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            position.require(
                WalkthroughStep::MappingUploaded,
                "upload the filled-in mapping sheet",
            )?;
            tx.save_idp_connection(&record, now)?;
            let (from, to) = (
                WalkthroughStep::MappingUploaded,
                WalkthroughStep::IdpDetails,
            );
            position.advance(tx, from, to, position.record.mode, now)?;
            let audit =
                idp_set_details(&position, &record.entity_id, &record.sso_url, &shared_with);
            let entry = position.audit(tx, by, "connection.idp_set", audit, now)?;
            Ok(tx.record_audit(&[entry])?)
        })
    }

    /// Issues the SCIM token of the walkthrough (scim mode, after the IdP details), or
    /// rotates it (C3: the old one stops working). Returns the token, shown once; only
    /// its hash is stored.
    pub fn issue_scim_token(
        &self,
        org: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<String> {
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            position.may_connect()?;
            if position.connected_at.is_none() {
                position.require(WalkthroughStep::IdpDetails, IDP_FIRST)?;
            }
            if position.mode() != ConnectionMode::Scim {
                return Err(not_scim_mode(position.mode().as_str()));
            }
            let token = generate_token(SCIM_TOKEN_PREFIX);
            let rotated = tx.replace_scim_token(&TokenHash::of(&token), now)?;
            let (from, to) = (
                WalkthroughStep::IdpDetails,
                WalkthroughStep::ScimCredentials,
            );
            position.advance(tx, from, to, position.record.mode, now)?;
            let action = if rotated {
                "scim_token.rotated"
            } else {
                "scim_token.issued"
            };
            let entry = position.audit(tx, by, action, json!({}), now)?;
            tx.record_audit(&[AuditEntry {
                target_label: None,
                ..entry
            }])?;
            Ok(token)
        })
    }

    /// The last step: the connection goes live in the chosen mode through the policy
    /// engine (C4: nobody is logged out; C5: Salesforce import and invitations stop),
    /// and the walkthrough is marked connected, in one transaction.
    pub fn complete(&self, org: OrgId, by: Actor, now: DateTime<Utc>) -> ServiceResult<()> {
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            position.require(WalkthroughStep::IdpDetails, IDP_FIRST)?;
            let mode = position.mode();
            if mode == ConnectionMode::Scim {
                position.require(
                    WalkthroughStep::ScimCredentials,
                    "issue the SCIM credentials",
                )?;
            }
            decide_and_apply(tx, &Command::CompleteConnection { by, mode }, now)?;
            let step = position.record.step;
            position.advance(
                tx,
                step,
                WalkthroughStep::Connected,
                position.record.mode,
                now,
            )
        })
    }
}

/// The `connection.idp_set` audit details; a shared entity id adds a warning (also
/// logged).
fn idp_set_details(
    position: &Position,
    entity_id: &str,
    sso_url: &str,
    shared_with: &[WorkspaceName],
) -> Value {
    let mut out = json!({ "entity_id": entity_id, "sso_url": sso_url });
    if !shared_with.is_empty() {
        let names: Vec<&str> = shared_with.iter().map(WorkspaceName::as_str).collect();
        tracing::warn!(org = position.record.workspace.as_str(), entity_id, shared_with = ?names,
            "IdP entity id shared with other orgs (see tessera-admin idp clashes)");
        out["shared_with"] = json!(names);
        out["warning"] = "this IdP entity id is also connected to other orgs".into();
    }
    out
}
