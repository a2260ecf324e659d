//! The transaction semantics the services rely on: a failed unit writes nothing, and
//! a lost race rolls back and runs the unit again on the new state.

use super::{Backend, Case, t0, workspace};
use crate::error::{ServiceError, StorageError};
use crate::transact::{decide_and_apply, read, write};
use tessera_core::{Email, UserName};
use tessera_policy::{Command, ProvisionedUser};

pub(super) const CASES: [Case; 2] = [
    (
        "a failed unit of work writes nothing",
        failed_unit_writes_nothing,
    ),
    (
        "a lost race runs the unit again on the new state",
        lost_race_runs_again,
    ),
];

fn create(name: &str) -> Command {
    let mut user = ProvisionedUser::new(UserName::parse(name).unwrap());
    user.email = Some(Email::parse(name).unwrap());
    Command::ScimCreateUser(user)
}

fn failed_unit_writes_nothing(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("rollback"), t0());
    let storage = backend.storage();
    let outcome: Result<(), ServiceError> = write(&*storage, org, |tx| {
        decide_and_apply(tx, &create("kim@corp.example"), t0())?;
        assert_eq!(tx.count_scim_users()?, 1, "the unit sees its own write");
        Err(ServiceError::conflict("refused after the write"))
    });
    assert_eq!(outcome.unwrap_err().message, "refused after the write");
    let count = read(&*storage, org, |tx| {
        Ok::<_, ServiceError>(tx.count_scim_users()?)
    });
    assert_eq!(count.unwrap(), 0, "nothing of the failed unit remains");
}

fn lost_race_runs_again(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("retry"), t0());
    let storage = backend.storage();
    let mut attempts = 0;
    let outcome = write(&*storage, org, |tx| {
        attempts += 1;
        assert_eq!(tx.count_scim_users()?, 0, "attempt {attempts} starts clean");
        decide_and_apply(tx, &create("lou@corp.example"), t0())?;
        if attempts == 1 {
            return Err(ServiceError::from(StorageError::Conflict));
        }
        Ok(attempts)
    });
    assert_eq!(
        outcome.unwrap(),
        2,
        "the unit ran again after the lost race"
    );
    let count = read(&*storage, org, |tx| {
        Ok::<_, ServiceError>(tx.count_scim_users()?)
    });
    assert_eq!(count.unwrap(), 1, "only the second attempt's write remains");
}
