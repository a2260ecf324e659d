//! `/Groups`: IdP-managed teams (T1, T2, T3, T7, S3). Members are read only when the
//! response carries them, so `excludedAttributes=members` and PATCH cost the same for
//! a 10-member and a 50,000-member group.

use super::failure::ScimFailure;
use super::listing::{self, ListRequest};
use super::render::{group_json, members_of};
use super::response::{self, ScimResponse, check_if_match, not_found, subject_scim_id};
use super::{MAX_RESULTS, ScimCaller, ScimService, read_json};
use crate::error::ServiceError;
use crate::storage::{ScimResourceKind, Transaction};
use crate::transact::read;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tessera_policy::{Command, GroupPatchOp, ProvisionedGroup};
use tessera_scim::{Group, GroupDelta, ListQuery, Projection, group_deltas, normalise_patch};

/// The most members a group PATCH answer carries (the largest list page).
const PATCH_ANSWER_MAX_MEMBERS: u64 = MAX_RESULTS as u64;

/// How a group is wanted in an answer.
#[derive(Clone, Copy)]
enum Members {
    /// Without `members`.
    Without,
    /// With all of them.
    All,
    /// With them when there are at most this many, else without.
    UpTo(u64),
}

impl ScimService {
    /// `GET /Groups` and `POST /Groups/.search`.
    pub(super) fn list_groups(
        &self,
        caller: &ScimCaller,
        query: ListQuery,
    ) -> Result<ScimResponse, ScimFailure> {
        let request = ListRequest {
            base_url: &caller.base_url,
            filter: query.filter.as_ref(),
            offset: query.offset(),
            limit: query.page_size(u64::from(MAX_RESULTS)),
            with_members: query.projection.wants_attribute("members"),
            scan_limit: self.config.filter_scan_limit,
        };
        let page = read(&*self.storage, caller.org, |tx| {
            listing::groups(tx, &request)
        })?;
        Ok(response::list(page, query.start_index, &query.projection))
    }

    /// `GET /Groups/{id}`.
    pub(super) fn get_group(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        projection: &Projection,
    ) -> Result<ScimResponse, ScimFailure> {
        let (group, _) = self.read_group(caller, scim_id, wanted(projection))?;
        Ok(response::resource(200, group, projection))
    }

    /// `POST /Groups`: 201; a built-in team's name is refused (T1), a local team's name
    /// is taken anyway and both are flagged (T2), unknown members wait (S3).
    pub(super) fn create_group(
        &self,
        caller: &ScimCaller,
        body: &[u8],
        projection: &Projection,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let group = provisioned(Group::from_json(read_json(body)?)?);
        let decision = self
            .write(caller, None, now)
            .run(&Command::ScimCreateGroup(group))?;
        let scim_id = subject_scim_id(&decision)
            .ok_or_else(|| ServiceError::internal("the created group has no SCIM id"))?;
        let (group, _) = self.read_group(caller, &scim_id, wanted(projection))?;
        Ok(response::resource(201, group, projection))
    }

    /// `PUT /Groups/{id}`: rename (T3) and make the members exactly those sent (S3).
    pub(super) fn replace_group(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        body: &[u8],
        projection: &Projection,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let group = provisioned(Group::from_json(read_json(body)?)?);
        let command = Command::ScimReplaceGroup {
            scim_id: scim_id.to_owned(),
            group,
        };
        self.execute_on_group(caller, scim_id, if_match, &command, now)?;
        let (group, _) = self.read_group(caller, scim_id, wanted(projection))?;
        Ok(response::resource(200, group, projection))
    }

    /// `PATCH /Groups/{id}`: rename and member deltas in one transaction. Answers `200`
    /// with the whole group (RFC 7644 §3.5.2) when it has at most
    /// [`PATCH_ANSWER_MAX_MEMBERS`] members, else `204` with the new `ETag`, so no
    /// answer serialises a 50,000-member group; with `attributes` or
    /// `excludedAttributes`, `200` with the group so projected.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn patch_group(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        body: &[u8],
        projection: &Projection,
        asks_for_projection: bool,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let operations = normalise_patch(&read_json(body)?)?;
        let ops = group_deltas(&operations, scim_id)?
            .into_iter()
            .map(patch_op)
            .collect();
        let command = Command::ScimPatchGroup {
            scim_id: scim_id.to_owned(),
            ops,
        };
        self.execute_on_group(caller, scim_id, if_match, &command, now)?;
        let members = if asks_for_projection {
            wanted(projection)
        } else {
            Members::UpTo(PATCH_ANSWER_MAX_MEMBERS)
        };
        match self.read_group(caller, scim_id, members)? {
            (group, true) => Ok(response::resource(200, group, projection)),
            (group, false) if asks_for_projection => Ok(response::resource(200, group, projection)),
            (group, false) => Ok(response::no_content(Some(&group))),
        }
    }

    /// `DELETE /Groups/{id}`: the team is detached and stays as a local team (T7).
    pub(super) fn delete_group(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let command = Command::ScimDeleteGroup {
            scim_id: scim_id.to_owned(),
        };
        self.execute_on_group(caller, scim_id, if_match, &command, now)?;
        Ok(response::no_content(None))
    }

    /// Executes `command`; an If-Match is checked on the group as read (row locked) in
    /// the same transaction, so no change can slip in between.
    fn execute_on_group(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<(), ScimFailure> {
        let write = self.write(caller, None, now);
        match if_match {
            None => write.run(command)?,
            Some(tag) => write.run_on(
                ScimResourceKind::Group,
                scim_id,
                |tx| Ok(group_in(tx, caller, scim_id, Members::Without)?.map(|(g, _)| g)),
                |current| {
                    check_if_match(Some(tag), &current)?;
                    Ok(command.clone())
                },
            )?,
        };
        Ok(())
    }

    /// The group, and whether it carries its members.
    fn read_group(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        members: Members,
    ) -> Result<(Value, bool), ScimFailure> {
        read(&*self.storage, caller.org, |tx| {
            group_in(tx, caller, scim_id, members)
        })?
        .ok_or_else(|| not_found("Group", scim_id).into())
    }
}

fn wanted(projection: &Projection) -> Members {
    if projection.wants_attribute("members") {
        Members::All
    } else {
        Members::Without
    }
}

/// The SCIM Group `scim_id` (an IdP team), or `None` (also once detached, T7).
fn group_in(
    tx: &dyn Transaction,
    caller: &ScimCaller,
    scim_id: &str,
    members: Members,
) -> Result<Option<(Value, bool)>, ScimFailure> {
    let Some(team) = tx
        .team_by_scim_id(scim_id)?
        .filter(|t| t.idp_managed && t.scim_id.is_some())
    else {
        return Ok(None);
    };
    let with_members = match members {
        Members::Without => false,
        Members::All => true,
        Members::UpTo(most) => !tx.scim_members_exceed(team.id, most)?,
    };
    let list = if with_members {
        let mut by_team = members_of(tx, &[team.id], &caller.base_url)?;
        Some(by_team.remove(&team.id).unwrap_or_default())
    } else {
        None
    };
    Ok(Some((
        group_json(&team, list, &caller.base_url),
        with_members,
    )))
}

fn provisioned(group: Group) -> ProvisionedGroup {
    ProvisionedGroup {
        display_name: group.display_name,
        external_id: group.external_id,
        members: group.members.into_iter().map(|m| m.value).collect(),
    }
}

fn patch_op(delta: GroupDelta) -> GroupPatchOp {
    match delta {
        GroupDelta::SetDisplayName(name) => GroupPatchOp::Rename(name),
        GroupDelta::SetExternalId(external_id) => GroupPatchOp::SetExternalId(external_id),
        GroupDelta::AddMembers(refs) => GroupPatchOp::AddMembers(refs),
        GroupDelta::RemoveMembers(refs) => GroupPatchOp::RemoveMembers(refs),
        GroupDelta::ReplaceMembers(refs) => GroupPatchOp::ReplaceMembers(refs),
        GroupDelta::RemoveAllMembers => GroupPatchOp::ReplaceMembers(Vec::new()),
    }
}
