//! The one decide/apply/retry loop of the workspace: a unit of work runs in one write
//! transaction, and runs again, on the new state, when a concurrent write won.

use crate::error::{ServiceError, ServiceResult};
use crate::storage::{Storage, Transaction};
use chrono::{DateTime, Utc};
use tessera_core::OrgId;
use tessera_policy::{Command, Decision, RandomIds, decide};

/// How many times a unit of work runs before the caller is told to retry later.
pub const ATTEMPTS: usize = 8;

/// The error of a unit of work: a [`ServiceError`] or a surface's own error that can
/// carry one, telling whether a concurrent write won (the unit then runs again).
pub trait UnitError: From<ServiceError> {
    /// Whether the failure is a lost race.
    fn lost_race(&self) -> bool;
}

impl UnitError for ServiceError {
    fn lost_race(&self) -> bool {
        ServiceError::lost_race(self)
    }
}

/// Runs `work` in one write transaction of `storage` on `org`, again after each lost
/// race (at most [`ATTEMPTS`] times); answers what the last run returned. A failed
/// run writes nothing.
pub fn write<T, E: UnitError>(
    storage: &dyn Storage,
    org: OrgId,
    mut work: impl FnMut(&dyn Transaction) -> Result<T, E>,
) -> Result<T, E> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let mut output = None;
        let mut failure = None;
        let outcome = storage.write(org, &mut |tx| match work(tx) {
            Ok(value) => {
                output = Some(value);
                Ok(())
            }
            Err(error) => {
                failure = Some(error);
                // Only rolls the transaction back: the caller gets `failure`.
                Err(ServiceError::internal("the unit of work failed"))
            }
        });
        let error = match (outcome, output, failure) {
            (_, _, Some(error)) => error,
            (Ok(()), Some(value), None) => return Ok(value),
            (Ok(()), None, None) => E::from(ServiceError::internal("a write answered nothing")),
            (Err(error), _, None) => E::from(error),
        };
        if !error.lost_race() {
            return Err(error);
        }
        last = Some(error);
    }
    Err(last.unwrap_or_else(|| E::from(ServiceError::internal("no attempt ran"))))
}

/// Runs `work` over one consistent read of `storage` on `org`.
pub fn read<T, E: From<ServiceError>>(
    storage: &dyn Storage,
    org: OrgId,
    mut work: impl FnMut(&dyn Transaction) -> Result<T, E>,
) -> Result<T, E> {
    let mut output = None;
    let mut failure = None;
    let outcome = storage.read(org, &mut |tx| match work(tx) {
        Ok(value) => {
            output = Some(value);
            Ok(())
        }
        Err(error) => {
            failure = Some(error);
            Err(ServiceError::internal("the read failed"))
        }
    });
    match (outcome, output, failure) {
        (_, _, Some(error)) => Err(error),
        (Ok(()), Some(value), None) => Ok(value),
        (Ok(()), None, None) => Err(E::from(ServiceError::internal("a read answered nothing"))),
        (Err(error), _, None) => Err(E::from(error)),
    }
}

/// Decides `command` on the transaction's state and applies the decision in it.
pub fn decide_and_apply(
    tx: &dyn Transaction,
    command: &Command,
    now: DateTime<Utc>,
) -> ServiceResult<Decision> {
    let decision = decide(tx, command, now, &mut RandomIds)?;
    tx.apply(&decision, now)?;
    Ok(decision)
}

/// Decides and applies `command` for `org` in its own write transaction, deciding
/// again after a lost race.
pub fn execute(
    storage: &dyn Storage,
    org: OrgId,
    command: &Command,
    now: DateTime<Utc>,
) -> ServiceResult<Decision> {
    write(storage, org, |tx| decide_and_apply(tx, command, now))
}
