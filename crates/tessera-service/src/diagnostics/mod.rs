//! Diagnostics: why users and teams are not showing up and why a login failed.
//!
//! The SCIM edge records each request ([`DiagnosticsService::record_scim_request`],
//! or in batches through a [`ScimLineBuffer`]);
//! the login service records each response posted to the ACS. Both keep a bounded
//! ring per org ([`Retention`]): method, path, status, error detail and user agent
//! for SCIM; outcome, reason code, detail and the verified email for SAML. Bodies,
//! tokens, signatures and assertions are never recorded. [`DiagnosticsService::report`]
//! adds a fix hint for each refusal written for the org's IdP
//! ([`fix_hint`]), the pending users and the memberships waiting for a user.

mod buffer;
mod hints;
mod records;

pub use buffer::{DEFAULT_CAPACITY, ScimLineBuffer};
pub use hints::{SpEndpoints, fix_hint};
pub use records::{MAX_FIELD_CHARS, Retention, SamlAttemptEntry, SamlOutcome, ScimRequestEntry};

use crate::error::ServiceResult;
use crate::storage::Storage;
use crate::transact::{read, write};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use tessera_core::{OrgId, WorkspaceName};
use tessera_saml::IdpPreset;

/// The most lines of each kind a report shows.
pub const REPORT_LINES: u32 = 50;

/// A SAML login line with the hint for its refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosedLogin {
    /// The recorded line.
    #[serde(flatten)]
    pub entry: SamlAttemptEntry,
    /// What to change, for a refusal.
    pub hint: Option<String>,
}

/// A user the IdP provisioned (or an admin invited) who has never signed in (U1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingUser {
    /// Their email.
    pub email: String,
    /// Whether SCIM manages them.
    pub scim: bool,
    /// Since when.
    pub created_at: DateTime<Utc>,
}

/// A membership an IdP group named for a user the IdP has not pushed yet (S3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingMembership {
    /// The IdP-managed team.
    pub team: String,
    /// The member reference the group sent (a SCIM id of a user not seen yet).
    pub member_ref: String,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// What the diagnostics page, API and CLI show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostics {
    /// The IdP the hints are written for (guessed from its entity id and SSO URL).
    pub idp: &'static str,
    /// The newest SCIM requests first.
    pub scim_requests: Vec<ScimRequestEntry>,
    /// When the SCIM token was last accepted (the newest request not answered `401`).
    pub scim_token_last_used: Option<DateTime<Utc>>,
    /// The newest SAML logins and refusals first.
    pub saml_logins: Vec<DiagnosedLogin>,
    /// Users who have never signed in.
    pub pending_users: Vec<PendingUser>,
    /// Memberships waiting for a user.
    pub pending_memberships: Vec<WaitingMembership>,
}

/// The IdP's name as hints and pages write it.
pub fn idp_name(preset: IdpPreset) -> &'static str {
    match preset {
        IdpPreset::Okta => "Okta",
        IdpPreset::EntraId => "Entra ID",
        IdpPreset::GoogleWorkspace => "Google Workspace",
        IdpPreset::JumpCloud => "JumpCloud",
        IdpPreset::OneLogin => "OneLogin",
        IdpPreset::PingFederate => "PingFederate",
        IdpPreset::PingOne => "PingOne",
        IdpPreset::Generic => "your IdP",
    }
}

/// Diagnostics over any [`Storage`].
#[derive(Clone, Copy)]
pub struct DiagnosticsService<'s> {
    storage: &'s dyn Storage,
}

impl<'s> DiagnosticsService<'s> {
    /// The service over `storage`.
    pub fn new(storage: &'s dyn Storage) -> Self {
        Self { storage }
    }

    /// Records a SCIM request answered for `workspace` (as it appears in the path);
    /// nothing for a workspace that does not exist.
    pub fn record_scim_request(
        &self,
        workspace: &str,
        entry: &ScimRequestEntry,
        retention: &Retention,
    ) -> ServiceResult<()> {
        self.record_scim_requests(workspace, std::slice::from_ref(entry), retention)
    }

    /// Records SCIM requests answered for `workspace`, in order, in one write
    /// transaction; nothing for a workspace that does not exist.
    pub fn record_scim_requests(
        &self,
        workspace: &str,
        entries: &[ScimRequestEntry],
        retention: &Retention,
    ) -> ServiceResult<()> {
        let Ok(name) = WorkspaceName::parse(workspace) else {
            return Ok(());
        };
        let Some(org) = self.storage.org_by_workspace(&name)? else {
            return Ok(());
        };
        write(self.storage, org.id, |tx| {
            for entry in entries {
                tx.record_scim_request(entry, retention)?;
            }
            Ok(())
        })
    }

    /// The org's diagnostics, with hints naming `sp`'s values.
    pub fn report(&self, org: OrgId, sp: &SpEndpoints) -> ServiceResult<Diagnostics> {
        read(self.storage, org, |tx| {
            let preset = tx.idp_connection()?.map_or(IdpPreset::Generic, |idp| {
                detect(&idp.entity_id, &idp.sso_url)
            });
            let scim_requests = tx.recent_scim_requests(REPORT_LINES)?;
            let scim_token_last_used = scim_requests.iter().find(|r| r.status != 401).map(|r| r.at);
            let saml_logins = tx
                .recent_saml_attempts(REPORT_LINES)?
                .into_iter()
                .map(|entry| DiagnosedLogin {
                    hint: match (entry.outcome, entry.reason.as_deref()) {
                        (SamlOutcome::Refused, Some(reason)) => Some(fix_hint(preset, reason, sp)),
                        _ => None,
                    },
                    entry,
                })
                .collect();
            let pending_users = tx
                .users_never_signed_in(REPORT_LINES)?
                .into_iter()
                .map(|user| PendingUser {
                    email: user.email.to_string(),
                    scim: user.scim_id.is_some(),
                    created_at: user.created_at,
                })
                .collect();
            let mut team_names: BTreeMap<_, String> = BTreeMap::new();
            let mut pending_memberships = Vec::new();
            for pending in tx.all_pending()? {
                let team = match team_names.entry(pending.team) {
                    Entry::Occupied(known) => known.get().clone(),
                    Entry::Vacant(slot) => {
                        let name = tx.team(pending.team)?.map(|t| t.name).unwrap_or_default();
                        slot.insert(name).clone()
                    }
                };
                pending_memberships.push(WaitingMembership {
                    team,
                    member_ref: pending.member_ref,
                    since: pending.created_at,
                });
            }
            Ok(Diagnostics {
                idp: idp_name(preset),
                scim_requests,
                scim_token_last_used,
                saml_logins,
                pending_users,
                pending_memberships,
            })
        })
    }
}

/// The IdP of an entity id, else of its SSO URL.
fn detect(entity_id: &str, sso_url: &str) -> IdpPreset {
    match IdpPreset::detect(entity_id) {
        IdpPreset::Generic => IdpPreset::detect(sso_url),
        found => found,
    }
}
