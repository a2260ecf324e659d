//! SCIM Groups: create (T1, T2), rename (T3), member changes (S3, T8), delete (T7).

use super::members::{MemberEdits, apply_edits, clear_pending};
use super::team_names::{flagged, twin, validate};
use crate::change::Change;
use crate::context::{Ctx, Who};
use crate::decision::Subject;
use crate::error::{PolicyError, PolicyResult};
use crate::inputs::{GroupPatchOp, ProvisionedGroup};
use crate::records::{TeamRecord, team_name_key};
use crate::view::OrgView;
use serde_json::json;

/// How many "<name> (IdP n)" names a detached duplicate tries before using its id.
const DETACHED_NAME_TRIES: usize = 20;

/// SCIM POST /Groups: an IdP-managed team. A built-in name is refused (T1); a local
/// team's name is taken anyway and both teams are flagged duplicates (T2). Members the
/// IdP has not pushed yet become pending (S3).
pub(crate) fn create<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    group: &ProvisionedGroup,
) -> PolicyResult<(), V::Error> {
    let who = Who::scim();
    let name = validate(&group.display_name)?;
    let same_name = ctx.teams_by_name(&name)?;
    if same_name.iter().any(|team| team.idp_managed) {
        return Err(PolicyError::GroupNameTaken { name });
    }
    let local_twin = same_name.into_iter().find(|team| team.built_in.is_none());
    if let Some(flagged_twin) = local_twin.as_ref().and_then(|t| flagged(ctx, t, true)) {
        ctx.change(Change::UpdateTeam(flagged_twin));
    }
    let team = TeamRecord {
        id: ctx.new_team_id(),
        name,
        description: String::new(),
        access_settings: json!({}),
        built_in: None,
        idp_managed: true,
        scim_id: Some(ctx.new_scim_id()),
        external_id: group.external_id.clone(),
        duplicate: local_twin.is_some(),
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    };
    ctx.change(Change::InsertTeam(team.clone()));
    ctx.audit_team(
        &who,
        "team.created",
        &team,
        json!({ "scim_id": team.scim_id, "duplicate": team.duplicate }),
    );
    let mut edits = MemberEdits::default();
    edits.add(&group.members);
    apply_edits(ctx, &who, &team, &edits)?;
    ctx.subject(Subject::Team(team.id));
    Ok(())
}

/// SCIM PUT /Groups/{id}: rename (T3) and replace the members (S3).
pub(crate) fn replace<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
    group: &ProvisionedGroup,
) -> PolicyResult<(), V::Error> {
    let mut edits = MemberEdits::default();
    edits.replace_with(&group.members);
    change(
        ctx,
        scim_id,
        Some(&group.display_name),
        Some(&group.external_id),
        &edits,
    )
}

/// SCIM PATCH /Groups/{id}: the operations in order.
pub(crate) fn patch<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
    ops: &[GroupPatchOp],
) -> PolicyResult<(), V::Error> {
    let mut name = None;
    let mut external_id = None;
    let mut edits = MemberEdits::default();
    for op in ops {
        match op {
            GroupPatchOp::Rename(new_name) => name = Some(new_name.as_str()),
            GroupPatchOp::SetExternalId(value) => external_id = Some(value),
            GroupPatchOp::AddMembers(refs) => edits.add(refs),
            GroupPatchOp::RemoveMembers(refs) => edits.remove(refs),
            GroupPatchOp::ReplaceMembers(refs) => edits.replace_with(refs),
        }
    }
    change(ctx, scim_id, name, external_id, &edits)
}

fn change<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
    name: Option<&str>,
    external_id: Option<&Option<String>>,
    edits: &MemberEdits,
) -> PolicyResult<(), V::Error> {
    let who = Who::scim();
    let team = ctx.scim_team(scim_id)?;
    let mut next = team.clone();
    if let Some(name) = name {
        next = rename(ctx, &who, next, name)?;
    }
    if let Some(external_id) = external_id
        && next.external_id != *external_id
    {
        next.external_id = external_id.clone();
        ctx.audit_team(
            &who,
            "team.updated",
            &next,
            json!({ "external_id": external_id }),
        );
    }
    if next != team {
        next.updated_at = ctx.now;
        ctx.change(Change::UpdateTeam(next.clone()));
    }
    apply_edits(ctx, &who, &next, edits)?;
    ctx.subject(Subject::Team(team.id));
    Ok(())
}

/// T3: the team takes the group's new name; the T2 duplicate flags follow the names.
fn rename<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    team: TeamRecord,
    name: &str,
) -> PolicyResult<TeamRecord, V::Error> {
    let name = validate(name)?;
    if name == team.name {
        return Ok(team);
    }
    let mut next = team.clone();
    next.name = name.clone();
    if team_name_key(&name) != team_name_key(&team.name) {
        let same_name = ctx.teams_by_name(&name)?;
        if same_name.iter().any(|other| other.idp_managed) {
            return Err(PolicyError::GroupNameTaken { name });
        }
        if let Some(old_twin) = twin(ctx, &team)?
            && let Some(unflagged) = flagged(ctx, &old_twin, false)
        {
            ctx.change(Change::UpdateTeam(unflagged));
        }
        let new_twin = same_name.into_iter().find(|other| other.built_in.is_none());
        if let Some(flagged_twin) = new_twin.as_ref().and_then(|t| flagged(ctx, t, true)) {
            ctx.change(Change::UpdateTeam(flagged_twin));
        }
        next.duplicate = new_twin.is_some();
    }
    ctx.audit_team(
        who,
        "team.renamed",
        &next,
        json!({ "from": team.name, "to": name }),
    );
    Ok(next)
}

/// SCIM DELETE /Groups/{id}: deleting through the IdP is not supported, so the team is
/// detached and stays as a local team with its members (T7). Its pending memberships
/// go. A local twin (T2) keeps the name; the detached team becomes "<name> (IdP)".
pub(crate) fn delete<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
) -> PolicyResult<(), V::Error> {
    let who = Who::scim();
    let team = ctx.scim_team(scim_id)?;
    let mut next = team.clone();
    next.idp_managed = false;
    next.scim_id = None;
    next.external_id = None;
    next.duplicate = false;
    next.updated_at = ctx.now;
    if let Some(local_twin) = twin(ctx, &team)? {
        if let Some(unflagged) = flagged(ctx, &local_twin, false) {
            ctx.change(Change::UpdateTeam(unflagged));
        }
        next.name = free_detached_name(ctx, &team)?;
    }
    for member_ref in ctx.pending_of_team(team.id)? {
        clear_pending(ctx, team.id, &member_ref);
    }
    ctx.change(Change::UpdateTeam(next.clone()));
    ctx.audit_team(
        &who,
        "team.detached",
        &next,
        json!({ "scim_id": scim_id, "name_before": team.name }),
    );
    ctx.subject(Subject::Team(team.id));
    Ok(())
}

fn free_detached_name<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    team: &TeamRecord,
) -> PolicyResult<String, V::Error> {
    for n in 1..=DETACHED_NAME_TRIES {
        let candidate = if n == 1 {
            format!("{} (IdP)", team.name)
        } else {
            format!("{} (IdP {n})", team.name)
        };
        if ctx.teams_by_name(&candidate)?.is_empty() {
            return Ok(candidate);
        }
    }
    Ok(format!("{} ({})", team.name, team.id))
}
