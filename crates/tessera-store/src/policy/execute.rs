//! Deciding and applying a policy command in one write transaction.

use super::apply::apply;
use super::view::TransactionView;
use crate::connection::write_transaction;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tessera_core::OrgId;
use tessera_policy::{Command, Decision, PolicyError, RandomIds, decide};

/// Why a command was not carried out: refused by a product rule (or not found, or a
/// conflict), or the store failed.
pub type ExecuteError = PolicyError<StoreError>;

/// How many times a command is decided again after losing a race to a concurrent one.
pub(super) const ATTEMPTS: usize = 8;

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
    /// (changes, audit entries, invitations) or nothing is. A command that loses a race
    /// with a concurrent one (a changed version, a unique index) is decided again on the
    /// new state, so the outcome is always one a serial order would give.
    pub fn execute(
        &self,
        org_id: OrgId,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<Decision, ExecuteError> {
        let mut conn = self.conn().map_err(PolicyError::Port)?;
        for _ in 0..ATTEMPTS {
            let outcome = write_transaction(&mut conn, |conn| {
                let decision = {
                    let view = TransactionView::new(conn, org_id);
                    decide(&view, command, now, &mut RandomIds).map_err(Attempt::Failed)?
                };
                apply(conn, org_id, &decision, now)?;
                Ok(decision)
            });
            match outcome {
                Ok(decision) => return Ok(decision),
                Err(Attempt::Failed(error)) => return Err(error),
                Err(Attempt::Retry) => continue,
            }
        }
        Err(PolicyError::Port(StoreError::Contention))
    }
}
