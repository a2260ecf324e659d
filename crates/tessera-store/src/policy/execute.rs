//! Deciding and applying a policy command in one write transaction.

use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tessera_core::OrgId;
use tessera_policy::{Command, Decision, PolicyError, RandomIds, decide};
use tessera_service::{ServiceError, StorageError, transact};

/// Why a command was not carried out: refused by a product rule (or not found, or a
/// conflict), or the store failed.
pub type ExecuteError = PolicyError<StoreError>;

/// The outcome of one attempt inside the transaction.
pub(crate) enum Attempt<E = ExecuteError> {
    /// The engine refused, or the store failed: roll back and report.
    Failed(E),
    /// A concurrent transaction changed what was read: roll back and decide again.
    Retry,
}

impl<E: From<ExecuteError>> From<DieselError> for Attempt<E> {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::SerializationFailure,
                _,
            ) => Attempt::Retry,
            _ => Attempt::Failed(PolicyError::Port(StoreError::Database(error)).into()),
        }
    }
}

impl Store {
    /// Decides `command` for the org `org_id` over its current state and applies the
    /// decision, in one transaction: either everything the decision says is written
    /// (changes, audit entries, invitations) or nothing is. It runs in the services'
    /// one retry loop (`tessera_service::transact`): a command that loses a race with a
    /// concurrent one (a changed version, a unique index) is decided again on the new
    /// state, so the outcome is always one a serial order would give.
    pub fn execute(
        &self,
        org_id: OrgId,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<Decision, ExecuteError> {
        let mut refusal = None;
        let outcome = transact::write(self, org_id, |tx| {
            match decide(tx, command, now, &mut RandomIds) {
                Ok(decision) => {
                    tx.apply(&decision, now)?;
                    Ok(decision)
                }
                Err(PolicyError::Port(storage)) => Err(ServiceError::from(storage)),
                Err(rule) => {
                    refusal = Some(rule);
                    Err(ServiceError::conflict("refused by a product rule"))
                }
            }
        });
        match (outcome, refusal) {
            (Ok(decision), _) => Ok(decision),
            (Err(_), Some(rule)) => Err(rule.map_port(StoreError::from)),
            (Err(failure), None) => Err(PolicyError::Port(StoreError::from(failure))),
        }
    }
}

impl From<StorageError> for StoreError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Conflict => StoreError::Contention,
            StorageError::Unavailable(detail) => StoreError::Connect(detail),
            StorageError::Internal(detail) => StoreError::Failed(detail),
        }
    }
}

impl From<ServiceError> for StoreError {
    fn from(error: ServiceError) -> Self {
        if error.lost_race() {
            return StoreError::Contention;
        }
        let detail = error
            .log_detail
            .clone()
            .unwrap_or_else(|| error.to_string());
        match error.kind {
            tessera_service::ErrorKind::Unavailable => StoreError::Connect(detail),
            _ => StoreError::Failed(detail),
        }
    }
}
