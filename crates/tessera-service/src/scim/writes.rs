//! SCIM writes: every decision also moves the `meta.version` (ETag) of the groups whose
//! members it changed; a user's IdP groups sent inside the User (Okta's wizard apps)
//! are more engine commands in the same transaction; a write conditioned on the
//! resource (If-Match, a PATCH) reads it, locked, in that same transaction.

use super::failure::ScimFailure;
use crate::error::{ErrorKind, ServiceError};
use crate::storage::{ScimResourceKind, Storage, Transaction};
use crate::transact::{UnitError, decide_and_apply, write};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeSet;
use tessera_core::{OrgId, TeamId};
use tessera_policy::{Change, Command, Decision, GroupPatchOp, PolicyError, Subject};

impl UnitError for ScimFailure {
    fn lost_race(&self) -> bool {
        matches!(self, ScimFailure::Service(error) if error.lost_race())
    }
}

/// A write: the command, and for a user command the SCIM ids of the IdP groups the
/// user must belong to (`groups` sent in a POST or PUT), if sent.
pub(crate) struct Write<'a> {
    pub storage: &'a dyn Storage,
    pub org: OrgId,
    pub groups: Option<&'a [String]>,
    pub now: DateTime<Utc>,
}

impl Write<'_> {
    /// Decides and applies `command` in one transaction.
    pub(crate) fn run(&self, command: &Command) -> Result<Decision, ScimFailure> {
        write(self.storage, self.org, |tx| self.apply(tx, command))
    }

    /// Reads the resource `scim_id` (locked) with `read`, then decides and applies
    /// `command_for(resource)`, all in one transaction: a change committed between the
    /// read and the write is never lost (the unit runs again on the new state).
    pub(crate) fn run_on(
        &self,
        kind: ScimResourceKind,
        scim_id: &str,
        read: impl Fn(&dyn Transaction) -> Result<Option<Value>, ScimFailure>,
        command_for: impl Fn(Value) -> Result<Command, ScimFailure>,
    ) -> Result<Decision, ScimFailure> {
        write(self.storage, self.org, |tx| {
            tx.lock_scim_resource(kind, scim_id)?;
            let resource = read(tx)?.ok_or_else(|| missing(kind, scim_id))?;
            self.apply(tx, &command_for(resource)?)
        })
    }

    fn apply(&self, tx: &dyn Transaction, command: &Command) -> Result<Decision, ScimFailure> {
        let decision = decide_and_touch(tx, command, self.now)?;
        if let Some(groups) = self.groups {
            set_groups(tx, command, &decision, groups, self.now)?;
        }
        Ok(decision)
    }
}

fn missing(kind: ScimResourceKind, scim_id: &str) -> ScimFailure {
    let reference = scim_id.to_owned();
    let error: PolicyError<crate::StorageError> = match kind {
        ScimResourceKind::User => PolicyError::UserNotFound { reference },
        ScimResourceKind::Group => PolicyError::TeamNotFound { reference },
    };
    ScimFailure::Service(ServiceError::from(error))
}

/// Decides and applies, then moves the version of each team whose members changed.
fn decide_and_touch(
    tx: &dyn Transaction,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Decision, ServiceError> {
    let decision = decide_and_apply(tx, command, now)?;
    let teams: BTreeSet<TeamId> = decision
        .changes
        .iter()
        .filter_map(|change| match change {
            Change::AddMembership(membership) => Some(membership.team),
            Change::RemoveMembership { team, .. } => Some(*team),
            _ => None,
        })
        .collect();
    tx.touch_teams(&teams.into_iter().collect::<Vec<_>>(), now)?;
    Ok(decision)
}

/// Adds the command's user (the replaced one, or the decision's subject) to the
/// `wanted` IdP groups it is missing from and removes it from the IdP groups not
/// listed, one audited group command each (S4), in SCIM id order; local teams are
/// untouched and unknown group ids ignored.
fn set_groups(
    tx: &dyn Transaction,
    command: &Command,
    decision: &Decision,
    wanted: &[String],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let user = match (command, decision.subject) {
        (Command::ScimReplaceUser { scim_id, .. }, _) => tx.user_by_scim_id(scim_id)?,
        (_, Some(Subject::User(id))) => tx.user(id)?,
        _ => None,
    };
    let Some((user_id, Some(user_ref))) = user.map(|u| (u.id, u.scim_id)) else {
        return Ok(());
    };
    let current: BTreeSet<String> = tx
        .scim_groups_of_users(&[user_id])?
        .into_iter()
        .filter_map(|(_, team)| team.scim_id)
        .collect();
    let wanted: BTreeSet<String> = wanted.iter().cloned().collect();
    let member = || vec![user_ref.clone()];
    let adds = wanted
        .difference(&current)
        .map(|group| (group, GroupPatchOp::AddMembers(member())));
    let removes = current
        .difference(&wanted)
        .map(|group| (group, GroupPatchOp::RemoveMembers(member())));
    for (group, op) in adds.chain(removes) {
        let command = Command::ScimPatchGroup {
            scim_id: group.clone(),
            ops: vec![op],
        };
        match decide_and_touch(tx, &command, now) {
            // The group is not (or no longer) an IdP group: ignored. Unknown members
            // of a group wait (S3), so a miss here is always the group's.
            Err(error) if error.kind == ErrorKind::NotFound => {}
            Err(error) => return Err(error),
            Ok(_) => {}
        }
    }
    Ok(())
}
