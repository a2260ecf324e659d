//! The one decide/apply/retry loop of the workspace: a unit of work runs in one write
//! transaction, and runs again, on the new state, when a concurrent write won.

use crate::error::{ServiceError, ServiceResult};
use crate::storage::{Storage, Transaction};
use chrono::{DateTime, Utc};
use tessera_core::OrgId;
use tessera_policy::{Command, Decision, RandomIds, decide};

/// How many times a unit of work runs before the caller is told to retry later.
pub const ATTEMPTS: usize = 8;

/// Runs `work` in one write transaction of `storage` on `org`, again after each lost
/// race (at most [`ATTEMPTS`] times); answers what the last run returned.
pub fn write<T>(
    storage: &dyn Storage,
    org: OrgId,
    mut work: impl FnMut(&dyn Transaction) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let mut output = None;
        let outcome = storage.write(org, &mut |tx| {
            output = Some(work(tx)?);
            Ok(())
        });
        match (outcome, output) {
            (Ok(()), Some(output)) => return Ok(output),
            (Ok(()), None) => return Err(ServiceError::internal("a write answered nothing")),
            (Err(error), _) if error.lost_race() => last = Some(error),
            (Err(error), _) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| ServiceError::internal("no attempt ran")))
}

/// Runs `work` over one consistent read of `storage` on `org`.
pub fn read<T>(
    storage: &dyn Storage,
    org: OrgId,
    mut work: impl FnMut(&dyn Transaction) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut output = None;
    storage.read(org, &mut |tx| {
        output = Some(work(tx)?);
        Ok(())
    })?;
    output.ok_or_else(|| ServiceError::internal("a read answered nothing"))
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
