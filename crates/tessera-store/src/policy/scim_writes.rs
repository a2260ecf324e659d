//! SCIM writes: every decision also moves the `meta.version` (ETag) of the groups whose
//! members it changed; a user's IdP group memberships sent inside the User (Okta's
//! wizard apps) are more engine commands in the same transaction; a user PATCH is
//! computed from the user as read in that transaction.

use super::apply::apply;
use super::execute::{ATTEMPTS, Attempt};
use super::view::TransactionView;
use crate::connection::write_transaction;
use crate::schema::{memberships, teams, users};
use crate::scim::{scim_group_on, scim_user_on};
use crate::time::to_db;
use crate::{DbConnection, ExecuteError, Store, StoreError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use tessera_core::OrgId;
use tessera_policy::{
    Change, Command, Decision, GroupPatchOp, PolicyError, RandomIds, Subject, decide,
};

impl Store {
    /// [`Store::execute`] for a SCIM command, also moving the version of each group whose
    /// members change. For a user command with `groups` (SCIM group ids), the user then
    /// becomes a member of exactly those IdP-managed groups in the
    /// same transaction, through the engine's group commands (audited, S4): missing
    /// memberships added, others removed. Local teams are untouched and unknown group
    /// ids ignored. A failure anywhere writes nothing.
    pub fn execute_scim(
        &self,
        org_id: OrgId,
        command: &Command,
        groups: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<Decision, ExecuteError> {
        let mut conn = self.conn().map_err(PolicyError::Port)?;
        for _ in 0..ATTEMPTS {
            let outcome = write_transaction(&mut conn, |conn| {
                let decision = decide_and_apply(conn, org_id, command, now)?;
                if let Some(groups) = groups {
                    set_groups(conn, org_id, command, &decision, groups, now)?;
                }
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

    /// Reads the SCIM User `scim_id` (as [`Store::scim_user`] shows it) and executes
    /// `command_for(user)` in the same transaction, with `groups` as in
    /// [`Store::execute_scim`], so a change committed between the read and the write is
    /// never lost: when one races in, the user is read again and `command_for` (an
    /// If-Match check, a PATCH) runs again on the new state.
    pub fn execute_on_scim_user<E: From<ExecuteError>>(
        &self,
        org_id: OrgId,
        base_url: &str,
        scim_id: &str,
        command_for: impl Fn(Value) -> Result<Command, E>,
        groups: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<Decision, E> {
        let read = |conn: &mut DbConnection| {
            // Lock the row first (a no-op write), so the user read is the one the
            // update replaces, on PostgreSQL too.
            diesel::update(users::table)
                .filter(users::org_id.eq(org_id.to_string()))
                .filter(users::scim_id.eq(scim_id))
                .set(users::version.eq(users::version))
                .execute(conn)?;
            scim_user_on(conn, org_id, base_url, scim_id)
        };
        let missing = || PolicyError::UserNotFound {
            reference: scim_id.to_owned(),
        };
        self.execute_on_read(org_id, read, missing, command_for, groups, now)
    }

    /// [`Store::execute_on_scim_user`] for the SCIM Group `scim_id`, read without its
    /// members (as an If-Match check needs it).
    pub fn execute_on_scim_group<E: From<ExecuteError>>(
        &self,
        org_id: OrgId,
        base_url: &str,
        scim_id: &str,
        command_for: impl Fn(Value) -> Result<Command, E>,
        now: DateTime<Utc>,
    ) -> Result<Decision, E> {
        let read = |conn: &mut DbConnection| {
            diesel::update(teams::table)
                .filter(teams::org_id.eq(org_id.to_string()))
                .filter(teams::scim_id.eq(scim_id))
                .set(teams::version.eq(teams::version))
                .execute(conn)?;
            scim_group_on(conn, org_id, base_url, scim_id)
        };
        let missing = || PolicyError::TeamNotFound {
            reference: scim_id.to_owned(),
        };
        self.execute_on_read(org_id, read, missing, command_for, None, now)
    }

    /// One transaction: `read` the resource (`missing` when there is none), decide and
    /// apply `command_for(resource)`, then `groups`; all again after a lost race.
    fn execute_on_read<E: From<ExecuteError>>(
        &self,
        org_id: OrgId,
        read: impl Fn(&mut DbConnection) -> QueryResult<Option<Value>>,
        missing: impl Fn() -> ExecuteError,
        command_for: impl Fn(Value) -> Result<Command, E>,
        groups: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<Decision, E> {
        let mut conn = self.conn().map_err(|e| E::from(PolicyError::Port(e)))?;
        for _ in 0..ATTEMPTS {
            let outcome = write_transaction(&mut conn, |conn| {
                let resource = read(conn)?.ok_or_else(|| Attempt::Failed(E::from(missing())))?;
                let command = command_for(resource).map_err(Attempt::Failed)?;
                let widen = |attempt| match attempt {
                    Attempt::Failed(error) => Attempt::Failed(E::from(error)),
                    Attempt::Retry => Attempt::Retry,
                };
                let decision = decide_and_apply(conn, org_id, &command, now).map_err(widen)?;
                if let Some(groups) = groups {
                    set_groups(conn, org_id, &command, &decision, groups, now).map_err(widen)?;
                }
                Ok(decision)
            });
            match outcome {
                Ok(decision) => return Ok(decision),
                Err(Attempt::Failed(error)) => return Err(error),
                Err(Attempt::Retry) => continue,
            }
        }
        Err(E::from(PolicyError::Port(StoreError::Contention)))
    }
}

fn decide_and_apply(
    conn: &mut DbConnection,
    org_id: OrgId,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Decision, Attempt> {
    let decision = {
        let view = TransactionView::new(conn, org_id);
        decide(&view, command, now, &mut RandomIds).map_err(Attempt::Failed)?
    };
    apply(conn, org_id, &decision, now)?;
    bump_member_versions(conn, &decision, now)?;
    Ok(decision)
}

/// A new version (and `lastModified`) for each team whose members the decision changed:
/// one keyed update per team, whatever its size, so a group's ETag follows its members.
fn bump_member_versions(
    conn: &mut DbConnection,
    decision: &Decision,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let teams: BTreeSet<String> = decision
        .changes
        .iter()
        .filter_map(|change| match change {
            Change::AddMembership(membership) => Some(membership.team.to_string()),
            Change::RemoveMembership { team, .. } => Some(team.to_string()),
            _ => None,
        })
        .collect();
    for team in teams {
        diesel::update(teams::table.filter(teams::id.eq(team)))
            .filter(teams::scim_id.is_not_null())
            .set((
                teams::version.eq(teams::version + 1),
                teams::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Adds the command's user (the replaced one, or the decision's subject) to the `wanted` IdP groups it is missing from and removes
/// it from the IdP groups not listed, one group command each, in id order.
fn set_groups(
    conn: &mut DbConnection,
    org_id: OrgId,
    command: &Command,
    decision: &Decision,
    wanted: &[String],
    now: DateTime<Utc>,
) -> Result<(), Attempt> {
    let org = org_id.to_string();
    let user = users::table
        .filter(users::org_id.eq(&org))
        .select((users::id, users::scim_id));
    let row: Option<(String, Option<String>)> = match (command, decision.subject) {
        (Command::ScimReplaceUser { scim_id, .. }, _) => user
            .filter(users::scim_id.eq(scim_id))
            .first(conn)
            .optional()?,
        (_, Some(Subject::User(id))) => user
            .filter(users::id.eq(id.to_string()))
            .first(conn)
            .optional()?,
        _ => None,
    };
    let Some((user_id, Some(user_ref))) = row else {
        return Ok(());
    };
    let current: BTreeSet<String> = memberships::table
        .inner_join(teams::table)
        .filter(memberships::user_id.eq(&user_id))
        .filter(teams::idp_managed.eq(true))
        .select(teams::scim_id)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
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
        match decide_and_apply(conn, org_id, &command, now) {
            Ok(_) | Err(Attempt::Failed(PolicyError::TeamNotFound { .. })) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}
