//! IdP group membership: member edits resolved against the port, and pending
//! memberships (S3) claimed when their user arrives.

use super::lookup;
use crate::change::Change;
use crate::context::{Ctx, Who};
use crate::error::PolicyResult;
use crate::records::{TeamRecord, UserRecord};
use crate::view::OrgView;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use tessera_core::{Source, TeamId, UserId};

/// The net effect of a group's member operations, in order: later operations on the
/// same reference win; a replace drops everything before it.
#[derive(Debug, Default)]
pub(crate) struct MemberEdits {
    replace: bool,
    wanted: Vec<(String, bool)>,
}

impl MemberEdits {
    pub fn add(&mut self, refs: &[String]) {
        self.wanted.extend(refs.iter().map(|r| (r.clone(), true)));
    }

    pub fn remove(&mut self, refs: &[String]) {
        self.wanted.extend(refs.iter().map(|r| (r.clone(), false)));
    }

    pub fn replace_with(&mut self, refs: &[String]) {
        self.replace = true;
        self.wanted.clear();
        self.add(refs);
    }
}

/// Emits the membership and pending-membership changes that `edits` make to `team`.
/// Costs one lookup per named reference; only a replace lists the current members.
pub(crate) fn apply_edits<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    team: &TeamRecord,
    edits: &MemberEdits,
) -> PolicyResult<(), V::Error> {
    let mut users: Vec<(UserRecord, bool)> = Vec::new();
    let mut user_index: HashMap<UserId, usize> = HashMap::new();
    let mut pending: BTreeMap<String, bool> = BTreeMap::new();
    for (member_ref, present) in &edits.wanted {
        match lookup::member(ctx, member_ref)? {
            Some(user) => match user_index.get(&user.id) {
                Some(&at) => users[at].1 = *present,
                None => {
                    user_index.insert(user.id, users.len());
                    users.push((user, *present));
                }
            },
            None => {
                pending.insert(member_ref.clone(), *present);
            }
        }
    }

    for (user, present) in &users {
        let member = ctx.is_member(team.id, user.id)?;
        if *present && !member {
            ctx.add_membership(team.id, user.id, Source::Scim);
            ctx.audit_membership(who, "team.member_added", team, user);
        } else if !*present && member {
            remove(ctx, who, team, user);
        }
    }
    for (member_ref, present) in &pending {
        let is_pending = ctx
            .pending_for_member_ref(member_ref)?
            .iter()
            .any(|p| p.team == team.id);
        if *present && !is_pending {
            ctx.add_pending(team.id, member_ref);
            audit_pending(ctx, who, "team.member_pending", team, member_ref);
        } else if !*present && is_pending {
            clear_pending(ctx, team.id, member_ref);
            audit_pending(ctx, who, "team.pending_cleared", team, member_ref);
        }
    }

    if edits.replace {
        for user_id in ctx.members(team.id)? {
            if !user_index.contains_key(&user_id) {
                let user = ctx.user(user_id)?;
                remove(ctx, who, team, &user);
            }
        }
        for member_ref in ctx.pending_of_team(team.id)? {
            if !pending.contains_key(&member_ref) {
                clear_pending(ctx, team.id, &member_ref);
                audit_pending(ctx, who, "team.pending_cleared", team, &member_ref);
            }
        }
    }
    Ok(())
}

/// S3: applies the pending memberships naming `user` under any of its references, and
/// clears them. Adds each team at most once.
pub(crate) fn claim_pending<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    user: &UserRecord,
) -> PolicyResult<(), V::Error> {
    let mut added: HashSet<TeamId> = HashSet::new();
    let member_refs = lookup::member_refs(user);
    let found = ctx.pending_for_member_refs(&member_refs)?;
    for member_ref in &member_refs {
        for pending in found.iter().filter(|p| &p.member_ref == member_ref) {
            clear_pending(ctx, pending.team, member_ref);
            let team = ctx.team(pending.team)?;
            if team.idp_managed && !added.contains(&team.id) && !ctx.is_member(team.id, user.id)? {
                added.insert(team.id);
                ctx.add_membership(team.id, user.id, Source::Scim);
                ctx.audit_membership(who, "team.member_added", &team, user);
            }
        }
    }
    Ok(())
}

fn remove<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    team: &TeamRecord,
    user: &UserRecord,
) {
    ctx.change(Change::RemoveMembership {
        team: team.id,
        user: user.id,
    });
    ctx.audit_membership(who, "team.member_removed", team, user);
}

pub(crate) fn clear_pending<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    team: TeamId,
    member_ref: &str,
) {
    ctx.change(Change::ClearPending {
        team,
        member_ref: member_ref.to_owned(),
    });
}

fn audit_pending<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    action: &'static str,
    team: &TeamRecord,
    member_ref: &str,
) {
    ctx.audit_team(who, action, team, json!({ "member_ref": member_ref }));
}
