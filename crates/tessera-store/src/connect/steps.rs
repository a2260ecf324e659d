//! The walkthrough's steps other than the mapping sheet.

use super::ConnectError;
use super::idp::IdpDetails;
use super::state::{OrgState, advance, audit_actor};
use crate::connection::write_transaction;
use crate::orgs::{AuditWrite, append_audit};
use crate::schema::{idp_connections, orgs};
use crate::time::to_db;
use crate::tokens::issue_scim_token;
use crate::{DbConnection, Store};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use tessera_core::{ConnectionMode, OrgId, WalkthroughStep};
use tessera_policy::{Actor, Command};

type Outcome<T> = Result<T, ConnectError>;

fn audit(
    conn: &mut DbConnection,
    org: &OrgState,
    by: Actor,
    action: &str,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let actor = audit_actor(conn, by)?;
    append_audit(
        conn,
        AuditWrite {
            org_id: org.id,
            actor: &actor,
            action,
            target_kind: "org",
            target_id: Some(org.id.to_string()),
            target_label: Some(org.name.clone()),
            details,
        },
        now,
    )?;
    Ok(())
}

impl Store {
    /// Starts the walkthrough in `mode`, or changes the mode before the connection goes
    /// live (C1). Refused for sandbox orgs, orgs the operator has not enabled (W3) and
    /// orgs already connected (W2).
    pub fn set_connection_mode(
        &self,
        org_id: OrgId,
        mode: ConnectionMode,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Outcome<()> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let org = OrgState::load(conn, org_id)?;
            org.require(WalkthroughStep::NotStarted, "start the walkthrough")?;
            diesel::update(orgs::table.filter(orgs::id.eq(org_id.to_string())))
                .set((
                    orgs::walkthrough_mode.eq(mode.as_str()),
                    orgs::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            advance(
                conn,
                org_id,
                WalkthroughStep::NotStarted,
                WalkthroughStep::Enabled,
            )?;
            audit(
                conn,
                &org,
                by,
                "connection.mode_set",
                json!({ "mode": mode, "previous": org.mode }),
                now,
            )
        })
    }

    /// Stores the IdP details (after the mapping sheet is uploaded). An entity id other
    /// orgs already use is accepted, with a warning in the audit entry and the log.
    pub fn set_idp(
        &self,
        org_id: OrgId,
        details: &IdpDetails,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Outcome<()> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let org = OrgState::load(conn, org_id)?;
            org.require(
                WalkthroughStep::MappingUploaded,
                "upload the filled-in mapping sheet",
            )?;
            // The ACS URL names the org, so an entity id may be shared (Entra's is per
            // tenant, used by all of a company's orgs); the operator sees who shares it.
            let shared_with: Vec<String> = idp_connections::table
                .inner_join(orgs::table.on(orgs::id.eq(idp_connections::org_id)))
                .filter(idp_connections::entity_id.eq(&details.entity_id))
                .filter(idp_connections::org_id.ne(org_id.to_string()))
                .select(orgs::name)
                .order(orgs::name)
                .load(conn)?;
            let at = to_db(now);
            let values = (
                idp_connections::entity_id.eq(&details.entity_id),
                idp_connections::sso_url.eq(&details.sso_url),
                idp_connections::certificates.eq(details.certificates_json()),
                idp_connections::metadata_xml.eq(details.metadata_xml.as_deref()),
                idp_connections::want_authn_requests_signed.eq(details.want_authn_requests_signed),
                idp_connections::updated_at.eq(at),
            );
            let updated = diesel::update(
                idp_connections::table.filter(idp_connections::org_id.eq(org_id.to_string())),
            )
            .set(values.clone())
            .execute(conn)?;
            if updated == 0 {
                diesel::insert_into(idp_connections::table)
                    .values((
                        idp_connections::org_id.eq(org_id.to_string()),
                        values,
                        idp_connections::created_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            advance(
                conn,
                org_id,
                WalkthroughStep::MappingUploaded,
                WalkthroughStep::IdpDetails,
            )?;
            audit(
                conn,
                &org,
                by,
                "connection.idp_set",
                idp_set_details(details, &shared_with, &org.name),
                now,
            )
        })
    }

    /// Issues the SCIM token of the walkthrough (scim mode, after the IdP details), or
    /// rotates it (C3: the old one stops working). Returns the token, shown once.
    pub fn issue_connection_scim_token(
        &self,
        org_id: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Outcome<String> {
        let mut conn = self.conn()?;
        write_transaction(&mut conn, |conn| {
            let org = OrgState::load(conn, org_id)?;
            org.may_connect()?;
            if org.connected_at.is_none() {
                org.require(WalkthroughStep::IdpDetails, "enter the IdP details")?;
            }
            let mode = org.mode.unwrap_or(ConnectionMode::Jit);
            if mode != ConnectionMode::Scim {
                return Err(ConnectError::NotScimMode {
                    mode: mode.as_str(),
                });
            }
            let actor = audit_actor(conn, by)?;
            let token = issue_scim_token(conn, org_id, &actor, now)?;
            advance(
                conn,
                org_id,
                WalkthroughStep::IdpDetails,
                WalkthroughStep::ScimCredentials,
            )?;
            Ok(token)
        })
    }

    /// The last step: the connection goes live in the chosen mode through the policy
    /// engine (C4: nobody is logged out; C5: Salesforce import and invitations stop),
    /// and the walkthrough is marked connected, in one transaction.
    pub fn complete_connection(&self, org_id: OrgId, by: Actor, now: DateTime<Utc>) -> Outcome<()> {
        let org = OrgState::load(&mut *self.conn()?, org_id)?;
        let (mode, last_step) = check_ready(&org)?;
        let command = Command::CompleteConnection { by, mode };
        self.execute_with(org_id, &command, now, |conn, _| {
            // Guarded on the step read above, so a concurrent change refuses.
            let moved = diesel::update(
                orgs::table
                    .filter(orgs::id.eq(org_id.to_string()))
                    .filter(orgs::walkthrough_step.eq(last_step.as_str()))
                    .filter(orgs::walkthrough_mode.eq(mode.as_str())),
            )
            .set(orgs::walkthrough_step.eq(WalkthroughStep::Connected.as_str()))
            .execute(conn)?;
            if moved == 1 {
                Ok(())
            } else {
                Err(ConnectError::OutOfOrder {
                    needed: "reload: the walkthrough changed meanwhile",
                })
            }
        })?;
        Ok(())
    }
}

/// Whether every step before going live is done: the mode to connect in and the step
/// the walkthrough is at.
fn check_ready(org: &OrgState) -> Outcome<(ConnectionMode, WalkthroughStep)> {
    org.require(WalkthroughStep::IdpDetails, "enter the IdP details")?;
    let mode = org.mode.unwrap_or(ConnectionMode::Jit);
    if mode == ConnectionMode::Scim {
        org.require(
            WalkthroughStep::ScimCredentials,
            "issue the SCIM credentials",
        )?;
    }
    Ok((mode, org.step))
}

/// The `connection.idp_set` audit details; a shared entity id adds a warning (also logged).
fn idp_set_details(details: &IdpDetails, shared_with: &[String], org: &str) -> serde_json::Value {
    let mut out = json!({ "entity_id": details.entity_id, "sso_url": details.sso_url });
    if !shared_with.is_empty() {
        tracing::warn!(org, entity_id = %details.entity_id, ?shared_with,
            "IdP entity id shared with other orgs (see tessera-admin idp clashes)");
        out["shared_with"] = json!(shared_with);
        out["warning"] = "this IdP entity id is also connected to other orgs".into();
    }
    out
}
