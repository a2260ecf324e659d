//! The one-time T2 migration: each local team that duplicates an IdP team is merged
//! into it.

use super::team_names::flagged;
use crate::change::Change;
use crate::command::Actor;
use crate::context::Ctx;
use crate::error::{PolicyError, PolicyResult};
use crate::records::TeamRecord;
use crate::view::OrgView;
use serde::Serialize;
use serde_json::json;
use tessera_core::UserId;

/// One pair the merge handles: the local team's members that are not yet in the IdP
/// team move there, then the local team is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeStep {
    /// The local duplicate, deleted by the merge.
    pub local: TeamRecord,
    /// The IdP-managed team it merges into.
    pub idp: TeamRecord,
    /// The members that move.
    pub moving: Vec<UserId>,
    /// How many of the local team's members are already in the IdP team.
    pub already_members: usize,
}

/// The merge plan, without deciding anything: what a dry run shows, and exactly what
/// [`Command::MergeDuplicateTeams`](crate::Command::MergeDuplicateTeams) applies.
pub fn plan_merge<V: OrgView + ?Sized>(view: &V) -> PolicyResult<Vec<MergeStep>, V::Error> {
    let mut steps = Vec::new();
    let mut duplicates = view.duplicate_teams().map_err(PolicyError::Port)?;
    duplicates.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    for idp in duplicates.into_iter().filter(|team| team.idp_managed) {
        let local = view
            .teams_by_name(&idp.name)
            .map_err(PolicyError::Port)?
            .into_iter()
            .find(|team| team.built_in.is_none() && !team.idp_managed);
        let Some(local) = local else { continue };
        let mut moving = Vec::new();
        let mut already_members = 0;
        for member in view.members(local.id).map_err(PolicyError::Port)? {
            if view.is_member(idp.id, member).map_err(PolicyError::Port)? {
                already_members += 1;
            } else {
                moving.push(member);
            }
        }
        steps.push(MergeStep {
            local,
            idp,
            moving,
            already_members,
        });
    }
    Ok(steps)
}

/// Applies the plan: members move into the IdP team (the one time its members change
/// other than through the IdP), the local team is deleted, the flag cleared.
pub(crate) fn merge<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "merge duplicate teams", "T2")?;
    for step in ctx.plan_merge()? {
        for member in &step.moving {
            ctx.add_membership(step.idp.id, *member, who.source);
        }
        ctx.change(Change::DeleteTeam(step.local.id));
        if let Some(unflagged) = flagged(ctx, &step.idp, false) {
            ctx.change(Change::UpdateTeam(unflagged));
        }
        ctx.audit_team(
            &who,
            "team.merged",
            &step.idp,
            json!({
                "from_team_id": step.local.id,
                "from_team": step.local.name,
                "moved": step.moving,
                "already_members": step.already_members,
            }),
        );
    }
    Ok(())
}
