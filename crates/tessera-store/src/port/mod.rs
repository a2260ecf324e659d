//! The services' storage port ([`tessera_service::Storage`]) over SQL: reads and
//! writes run in one database transaction each (`BEGIN IMMEDIATE` on SQLite); a unique
//! index or serialization failure is a [`StorageError::Conflict`], which the services
//! answer by deciding again.

mod connect;
mod diagnostics;
mod events;
mod salesforce;
mod saml;
mod scim;
mod transaction;
mod webhooks;

use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tessera_core::{OrgId, TokenHash, WorkspaceName};
use tessera_service::events::{Event, EventType};
use tessera_service::login::IdpSettings;
use tessera_service::login::salesforce::SalesforceState;
use tessera_service::webhooks::{
    DeadLetter, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint,
};
use tessera_service::{
    OrgSummary, ServiceError, ServiceResult, Storage, StorageError, Transaction,
};
use transaction::SqlTransaction;

impl From<StoreError> for StorageError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Database(error) => from_diesel(&error),
            StoreError::Contention => StorageError::Conflict,
            StoreError::Connect(detail) => StorageError::Unavailable(detail),
            other => StorageError::Internal(other.to_string()),
        }
    }
}

fn from_diesel(error: &DieselError) -> StorageError {
    match error {
        DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::SerializationFailure,
            _,
        ) => StorageError::Conflict,
        _ => StorageError::Internal(format!("database error: {error}")),
    }
}

/// A unit of work's failure, or the transaction's own (begin, commit, rollback).
struct Failed(ServiceError);

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Self {
        Failed(StorageError::from(error).into())
    }
}

impl From<DieselError> for Failed {
    fn from(error: DieselError) -> Self {
        Failed(from_diesel(&error).into())
    }
}

impl Storage for Store {
    fn org_by_workspace(
        &self,
        workspace: &WorkspaceName,
    ) -> Result<Option<OrgSummary>, StorageError> {
        match self.org(workspace) {
            Ok(org) => Ok(Some(OrgSummary {
                id: org.id,
                workspace: org.name,
                sso_enabled: org.sso_enabled,
            })),
            Err(StoreError::OrgNotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    fn scim_token_matches(&self, org: OrgId, token: &str) -> Result<bool, StorageError> {
        Ok(self.scim_token_is_valid(org, token)?)
    }

    fn org_for_scim_token(
        &self,
        workspace: &WorkspaceName,
        token: &str,
    ) -> Result<Option<OrgSummary>, StorageError> {
        Ok(self
            .org_holding_scim_token(workspace, token)?
            .map(|(id, sso_enabled)| OrgSummary {
                id,
                workspace: workspace.clone(),
                sso_enabled,
            }))
    }

    fn org_with_idp(
        &self,
        workspace: &WorkspaceName,
    ) -> ServiceResult<Option<(OrgSummary, Option<IdpSettings>)>> {
        let mut conn = self.conn().map_err(StorageError::from)?;
        Ok(saml::org_with_idp(&mut conn, workspace).map_err(StorageError::from)?)
    }

    fn read(
        &self,
        org: OrgId,
        work: &mut dyn FnMut(&dyn Transaction) -> ServiceResult<()>,
    ) -> ServiceResult<()> {
        let mut conn = self.conn().map_err(StorageError::from)?;
        conn.transaction(|conn| work(&SqlTransaction::new(conn, org)).map_err(Failed))
            .map_err(|Failed(error)| error)
    }

    fn write(
        &self,
        org: OrgId,
        work: &mut dyn FnMut(&dyn Transaction) -> ServiceResult<()>,
    ) -> ServiceResult<()> {
        self.in_write_transaction(|conn| {
            let tx = SqlTransaction::new(conn, org);
            work(&tx).map_err(Failed)?;
            tx.finish().map_err(|e| Failed(e.into()))
        })
        .map_err(|Failed(error)| error)
    }

    fn workspaces_with_idp_entity_id(
        &self,
        entity_id: &str,
        except: OrgId,
    ) -> Result<Vec<WorkspaceName>, StorageError> {
        let mut conn = self.conn()?;
        Ok(connect::workspaces_with_entity_id(
            &mut conn, entity_id, except,
        )?)
    }

    fn events_after(
        &self,
        org: OrgId,
        after_seq: i64,
        limit: usize,
        types: &[EventType],
    ) -> Result<Vec<Event>, StorageError> {
        let mut conn = self.conn()?;
        events::after(&mut conn, org, after_seq, limit, types)
    }

    fn last_event_seq(&self, org: OrgId) -> Result<i64, StorageError> {
        let mut conn = self.conn()?;
        events::last_seq(&mut conn, org)
    }

    fn purge_events(&self, before: DateTime<Utc>) -> Result<u64, StorageError> {
        Ok(self.on_writer(|conn| events::purge(conn, before))?)
    }

    // --- Webhooks ---

    fn add_webhook_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), StorageError> {
        Ok(self.insert_webhook_endpoint(endpoint)?)
    }

    fn webhook_endpoints(&self, org: OrgId) -> Result<Vec<WebhookEndpoint>, StorageError> {
        Ok(self.org_webhook_endpoints(org)?)
    }

    fn remove_webhook_endpoint(&self, org: OrgId, id: &str) -> Result<bool, StorageError> {
        Ok(self.delete_webhook_endpoint(org, id)?)
    }

    fn lease_webhook_endpoints(
        &self,
        request: &LeaseRequest,
    ) -> Result<Vec<WebhookEndpoint>, StorageError> {
        Ok(self.lease_webhooks(request)?)
    }

    fn settle_webhook_endpoint(&self, settlement: &Settlement) -> Result<bool, StorageError> {
        Ok(self.settle_webhook(settlement)?)
    }

    fn replay_webhook_endpoint(
        &self,
        org: OrgId,
        id: &str,
        from_seq: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StorageError> {
        Ok(self.replay_webhook(org, id, from_seq, now)?)
    }

    fn webhook_attempts(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<WebhookAttempt>, StorageError> {
        Ok(self.webhook_attempt_log(endpoint, limit)?)
    }

    fn webhook_dead_letters(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StorageError> {
        Ok(self.webhook_dead_letter_log(endpoint, limit)?)
    }

    fn save_salesforce_state(&self, state: &SalesforceState) -> Result<(), StorageError> {
        Ok(salesforce::save_state(self, state)?)
    }

    fn take_salesforce_state(
        &self,
        state_hash: &TokenHash,
    ) -> Result<Option<SalesforceState>, StorageError> {
        Ok(salesforce::take_state(self, state_hash)?)
    }
}
