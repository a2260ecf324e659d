//! An in-memory backend: every port of [`crate::storage`] over plain maps, for tests,
//! examples and prototypes. Each org's state is the policy engine's reference
//! [`MemoryOrg`]; a write works on a copy that replaces the original only when the
//! work succeeds, so a failed unit writes nothing. Writes are serial (one lock), so
//! no write ever loses a race. Nothing is persisted.

mod connect;
mod diagnostics;
mod events;
mod salesforce;
mod saml;
mod transaction;
mod view;
mod webhooks;

use crate::error::{ServiceError, ServiceResult, StorageError};
use crate::events::{Event, EventType};
use crate::login::salesforce::SalesforceState;
use crate::storage::{OrgSummary, Storage, Transaction};
use crate::webhooks::{DeadLetter, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint};
use chrono::{DateTime, Utc};
use connect::ConnectRows;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use tessera_core::{ConnectionMode, OrgId, OrgKind, TokenHash, WorkspaceName};
use tessera_policy::memory::MemoryOrg;
use tessera_policy::{IdSource, OrgRecord, RandomIds};
use transaction::MemoryTransaction;

/// The in-memory storage of any number of orgs.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    orgs: Mutex<BTreeMap<OrgId, OrgData>>,
    events: Mutex<BTreeMap<OrgId, events::EventLog>>,
    webhooks: Mutex<webhooks::WebhookRows>,
}

/// One org: its summary, its rows, its SCIM token hashes and its SAML login state.
#[derive(Debug, Clone)]
pub(crate) struct OrgData {
    pub(crate) summary: OrgSummary,
    pub(crate) rows: MemoryOrg,
    pub(crate) scim_tokens: Vec<TokenHash>,
    pub(crate) saml: saml::SamlData,
    pub(crate) connect: ConnectRows,
    /// Events the running write appended, for its commit to number.
    pub(crate) pending_events: Vec<crate::events::NewEvent>,
    pub(crate) diagnostics: diagnostics::DiagnosticRows,
    pub(crate) salesforce: salesforce::SalesforceData,
}

/// How a new in-memory org starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    /// Its workspace name.
    pub workspace: WorkspaceName,
    /// Production or sandbox.
    pub kind: OrgKind,
    /// The operator's SSO/SCIM switch (W3).
    pub sso_enabled: bool,
    /// The chosen connection mode, if any.
    pub connection_mode: Option<ConnectionMode>,
    /// When the IdP connection was completed, if it was.
    pub connected_at: Option<DateTime<Utc>>,
}

impl NewOrg {
    /// A production org with SSO on, in SCIM mode and connected at `now`: ready for
    /// SCIM provisioning.
    pub fn connected_for_scim(workspace: WorkspaceName, now: DateTime<Utc>) -> Self {
        Self {
            workspace,
            kind: OrgKind::Production,
            sso_enabled: true,
            connection_mode: Some(ConnectionMode::Scim),
            connected_at: Some(now),
        }
    }
}

impl MemoryStorage {
    /// No orgs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an org with its two built-in teams (T1); refused when the workspace
    /// name is taken.
    pub fn create_org(&self, new: NewOrg, now: DateTime<Utc>) -> ServiceResult<OrgId> {
        let mut orgs = self.lock();
        if orgs
            .values()
            .any(|org| org.summary.workspace == new.workspace)
        {
            return Err(ServiceError::conflict(format!(
                "an org named {:?} already exists",
                new.workspace.as_str()
            )));
        }
        let mut ids = RandomIds;
        let id = OrgId::from_uuid(ids.next_uuid());
        let record = OrgRecord {
            id,
            kind: new.kind,
            connection_mode: new.connection_mode,
            connected_at: new.connected_at,
            salesforce_profile_import: false,
            salesforce_invitations: false,
        };
        let connect = ConnectRows::new(
            new.workspace.clone(),
            new.sso_enabled,
            new.connection_mode,
            new.connected_at.is_some(),
        );
        let summary = OrgSummary {
            id,
            workspace: new.workspace,
            sso_enabled: new.sso_enabled,
        };
        let rows = MemoryOrg::new(record, now, &mut ids);
        orgs.insert(
            id,
            OrgData {
                summary,
                rows,
                scim_tokens: Vec::new(),
                saml: saml::SamlData::default(),
                connect,
                pending_events: Vec::new(),
                diagnostics: diagnostics::DiagnosticRows::default(),
                salesforce: salesforce::SalesforceData::default(),
            },
        );
        Ok(id)
    }

    /// Adds a live SCIM bearer token to the org (only its hash is kept).
    pub fn add_scim_token(&self, org: OrgId, token: &str) -> ServiceResult<()> {
        let mut orgs = self.lock();
        let data = orgs.get_mut(&org).ok_or_else(|| no_org(org))?;
        data.scim_tokens.push(TokenHash::of(token));
        Ok(())
    }

    /// A copy of the org's rows (users, teams, memberships, audit log, invitations),
    /// for tests and for embedders' inspection.
    pub fn snapshot(&self, org: OrgId) -> Option<MemoryOrg> {
        self.lock().get(&org).map(|data| data.rows.clone())
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<OrgId, OrgData>> {
        lock(&self.orgs)
    }

    fn webhook_rows(&self) -> MutexGuard<'_, webhooks::WebhookRows> {
        // Each method changes the rows in one step: a poison carries no half-change.
        self.webhooks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every write replaces an org's state (or appends to its events) whole, so a panic
    // mid-write leaves the previous state intact: the poison carries no half-written data.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn no_org(org: OrgId) -> ServiceError {
    ServiceError::not_found(format!("no org has the id {org}"))
}

impl Storage for MemoryStorage {
    fn org_by_workspace(
        &self,
        workspace: &WorkspaceName,
    ) -> Result<Option<OrgSummary>, StorageError> {
        Ok(self
            .lock()
            .values()
            .find(|org| &org.summary.workspace == workspace)
            .map(|org| org.summary.clone()))
    }

    fn scim_token_matches(&self, org: OrgId, token: &str) -> Result<bool, StorageError> {
        Ok(self
            .lock()
            .get(&org)
            .is_some_and(|data| data.scim_tokens.iter().any(|hash| hash.matches(token))))
    }

    fn read(
        &self,
        org: OrgId,
        work: &mut dyn FnMut(&dyn Transaction) -> ServiceResult<()>,
    ) -> ServiceResult<()> {
        let orgs = self.lock();
        let data = orgs.get(&org).ok_or_else(|| no_org(org))?;
        work(&MemoryTransaction::read(data))
    }

    fn write(
        &self,
        org: OrgId,
        work: &mut dyn FnMut(&dyn Transaction) -> ServiceResult<()>,
    ) -> ServiceResult<()> {
        let mut orgs = self.lock();
        let data = orgs.get_mut(&org).ok_or_else(|| no_org(org))?;
        let tx = MemoryTransaction::write(data.clone());
        work(&tx)?;
        let mut next = tx.into_data()?;
        let pending = std::mem::take(&mut next.pending_events);
        *data = next;
        if !pending.is_empty() {
            lock(&self.events).entry(org).or_default().commit(pending);
        }
        Ok(())
    }

    fn workspaces_with_idp_entity_id(
        &self,
        entity_id: &str,
        except: OrgId,
    ) -> Result<Vec<WorkspaceName>, StorageError> {
        let mut names: Vec<WorkspaceName> = self
            .lock()
            .iter()
            .filter(|(id, data)| {
                **id != except
                    && data
                        .connect
                        .idp
                        .as_ref()
                        .is_some_and(|idp| idp.entity_id == entity_id)
            })
            .map(|(_, data)| data.summary.workspace.clone())
            .collect();
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(names)
    }

    fn events_after(
        &self,
        org: OrgId,
        after_seq: i64,
        limit: usize,
        types: &[EventType],
    ) -> Result<Vec<Event>, StorageError> {
        Ok(lock(&self.events)
            .get(&org)
            .map(|log| log.after(after_seq, limit, types))
            .unwrap_or_default())
    }

    fn last_event_seq(&self, org: OrgId) -> Result<i64, StorageError> {
        Ok(lock(&self.events).get(&org).map_or(0, |log| log.last_seq()))
    }

    fn purge_events(&self, before: DateTime<Utc>) -> Result<u64, StorageError> {
        Ok(lock(&self.events)
            .values_mut()
            .map(|log| log.purge(before))
            .sum())
    }

    // --- Webhooks ---

    fn add_webhook_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), StorageError> {
        if !self.lock().contains_key(&endpoint.org) {
            return Err(StorageError::Internal(format!(
                "no org has the id {}",
                endpoint.org
            )));
        }
        self.webhook_rows().add(endpoint);
        Ok(())
    }

    fn webhook_endpoints(&self, org: OrgId) -> Result<Vec<WebhookEndpoint>, StorageError> {
        Ok(self.webhook_rows().of_org(org))
    }

    fn remove_webhook_endpoint(&self, org: OrgId, id: &str) -> Result<bool, StorageError> {
        Ok(self.webhook_rows().remove(org, id))
    }

    fn lease_webhook_endpoints(
        &self,
        request: &LeaseRequest,
    ) -> Result<Vec<WebhookEndpoint>, StorageError> {
        let last_seqs = lock(&self.events)
            .iter()
            .filter_map(|(org, log)| Some((*org, log.last_stored_seq()?)))
            .collect();
        Ok(self.webhook_rows().lease(request, &last_seqs))
    }

    fn settle_webhook_endpoint(&self, settlement: &Settlement) -> Result<bool, StorageError> {
        Ok(self.webhook_rows().settle(settlement))
    }

    fn replay_webhook_endpoint(
        &self,
        org: OrgId,
        id: &str,
        from_seq: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        Ok(self.webhook_rows().replay(org, id, from_seq, now))
    }

    fn webhook_attempts(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<WebhookAttempt>, StorageError> {
        Ok(self.webhook_rows().attempts(endpoint, limit))
    }

    fn webhook_dead_letters(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StorageError> {
        Ok(self.webhook_rows().dead_letters(endpoint, limit))
    }

    fn save_salesforce_state(&self, state: &SalesforceState) -> Result<(), StorageError> {
        self.save_state(state)
    }

    fn take_salesforce_state(
        &self,
        state_hash: &TokenHash,
    ) -> Result<Option<SalesforceState>, StorageError> {
        Ok(self.take_state(state_hash))
    }
}
