//! Teams managed in the app by account admins: local teams (T6), the read-only parts
//! of IdP-managed teams (T4, T5) and of built-in teams (T1), JIT reactivation (U4).

use super::lifecycle::reactivate;
use super::team_names::{flagged, twin, validate};
use crate::change::Change;
use crate::command::Actor;
use crate::context::Ctx;
use crate::decision::Subject;
use crate::error::{PolicyError, PolicyResult};
use crate::records::{BuiltInTeam, TeamKind, TeamRecord};
use crate::view::OrgView;
use serde_json::json;
use tessera_core::{TeamId, UserId};

/// Adds a user to a local team (or All Users, where they already are). IdP-managed
/// teams refuse (T5), Account Admins follows the role (T1). Adding a deactivated user
/// who is not SCIM-managed reactivates them (U4).
pub(crate) fn add_member<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    team_id: TeamId,
    user_id: UserId,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "manage team members", "T6")?;
    let team = ctx.team(team_id)?;
    match team.kind() {
        TeamKind::IdpManaged => return Err(PolicyError::IdpTeamMembers { team: team.name }),
        TeamKind::AccountAdmins => {
            return Err(PolicyError::BuiltInMembership {
                team: BuiltInTeam::AccountAdmins,
            });
        }
        TeamKind::AllUsers | TeamKind::Local => {}
    }
    let user = ctx.user(user_id)?;
    ctx.subject(Subject::User(user.id));
    if !ctx.is_member(team.id, user.id)? {
        ctx.add_membership(team.id, user.id, who.source);
        ctx.audit_membership(&who, "team.member_added", &team, &user);
    }
    let mut next = user.clone();
    if !user.is_scim_managed() && reactivate(&mut next) {
        next.updated_at = ctx.now;
        ctx.change(Change::UpdateUser(next.clone()));
        ctx.audit_user(
            &who,
            "user.reactivated",
            &next,
            json!({ "via_team": team.name, "status": next.status }),
        );
    }
    Ok(())
}

/// Removes a user from a local team. IdP-managed teams refuse (T5); built-in teams
/// follow the accounts (T1).
pub(crate) fn remove_member<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    team_id: TeamId,
    user_id: UserId,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "manage team members", "T6")?;
    let team = ctx.team(team_id)?;
    let kind = team.kind();
    if kind == TeamKind::IdpManaged {
        return Err(PolicyError::IdpTeamMembers { team: team.name });
    }
    if let Some(built_in) = kind.built_in() {
        return Err(PolicyError::BuiltInMembership { team: built_in });
    }
    let user = ctx.user(user_id)?;
    ctx.subject(Subject::User(user.id));
    if ctx.is_member(team.id, user.id)? {
        ctx.change(Change::RemoveMembership {
            team: team.id,
            user: user.id,
        });
        ctx.audit_membership(&who, "team.member_removed", &team, &user);
    }
    Ok(())
}

/// T6: a local team, never sent to the IdP. Its name is unique among all teams and
/// never a built-in one (T1).
pub(crate) fn create<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    name: &str,
    description: &str,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "create teams", "T6")?;
    let name = validate(name)?;
    if !ctx.teams_by_name(&name)?.is_empty() {
        return Err(PolicyError::TeamNameTaken { name });
    }
    let team = TeamRecord {
        id: ctx.new_team_id(),
        name,
        description: description.to_owned(),
        access_settings: json!({}),
        built_in: None,
        idp_managed: false,
        scim_id: None,
        external_id: None,
        duplicate: false,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    };
    ctx.change(Change::InsertTeam(team.clone()));
    ctx.audit_team(&who, "team.created", &team, json!({}));
    ctx.subject(Subject::Team(team.id));
    Ok(())
}

/// Renames a local team (T6). Built-in teams (T1) and IdP-managed ones (T4) refuse.
/// A duplicate (T2) renamed away from its twin stops being one.
pub(crate) fn rename<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    team_id: TeamId,
    name: &str,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "rename teams", "T6")?;
    let team = local_team(ctx, team_id, "renamed")?;
    let name = validate(name)?;
    if ctx
        .teams_by_name(&name)?
        .iter()
        .any(|other| other.id != team.id)
    {
        return Err(PolicyError::TeamNameTaken { name });
    }
    ctx.subject(Subject::Team(team.id));
    if name == team.name {
        return Ok(());
    }
    unflag_twin(ctx, &team)?;
    let next = TeamRecord {
        name: name.clone(),
        duplicate: false,
        updated_at: ctx.now,
        ..team.clone()
    };
    ctx.change(Change::UpdateTeam(next.clone()));
    ctx.audit_team(
        &who,
        "team.renamed",
        &next,
        json!({ "from": team.name, "to": name }),
    );
    Ok(())
}

/// Edits a team's description and access settings; allowed for every team, IdP-managed
/// ones included (T4).
pub(crate) fn edit<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    team_id: TeamId,
    description: Option<&str>,
    access_settings: Option<&serde_json::Value>,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "edit teams", "T4")?;
    let team = ctx.team(team_id)?;
    ctx.subject(Subject::Team(team.id));
    let mut next = team.clone();
    if let Some(description) = description {
        next.description = description.to_owned();
    }
    if let Some(access_settings) = access_settings {
        next.access_settings = access_settings.clone();
    }
    if next == team {
        return Ok(());
    }
    next.updated_at = ctx.now;
    ctx.change(Change::UpdateTeam(next.clone()));
    let fields: Vec<&str> = [
        (next.description != team.description).then_some("description"),
        (next.access_settings != team.access_settings).then_some("access_settings"),
    ]
    .into_iter()
    .flatten()
    .collect();
    ctx.audit_team(&who, "team.edited", &next, json!({ "changed": fields }));
    Ok(())
}

/// Deletes a local team, detached ones included (T6, T7). Built-in teams (T1) and
/// IdP-managed ones (T4) refuse.
pub(crate) fn delete<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    team_id: TeamId,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "delete teams", "T6")?;
    let team = local_team(ctx, team_id, "deleted")?;
    unflag_twin(ctx, &team)?;
    ctx.change(Change::DeleteTeam(team.id));
    ctx.audit_team(&who, "team.deleted", &team, json!({}));
    Ok(())
}

/// The team, if it is local; built-in (T1) and IdP-managed (T4) teams refuse `action`.
fn local_team<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    team_id: TeamId,
    action: &'static str,
) -> PolicyResult<TeamRecord, V::Error> {
    let team = ctx.team(team_id)?;
    let kind = team.kind();
    if let Some(built_in) = kind.built_in() {
        return Err(PolicyError::BuiltInTeamFixed {
            team: built_in,
            action,
        });
    }
    match kind {
        TeamKind::IdpManaged => Err(PolicyError::IdpTeamFixed {
            team: team.name,
            action,
        }),
        _ => Ok(team),
    }
}

/// T2: when a duplicate local team leaves its name, its IdP twin stops being one.
fn unflag_twin<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    team: &TeamRecord,
) -> PolicyResult<(), V::Error> {
    if let Some(idp_twin) = twin(ctx, team)?
        && let Some(unflagged) = flagged(ctx, &idp_twin, false)
    {
        ctx.change(Change::UpdateTeam(unflagged));
    }
    Ok(())
}
