//! The mapping links (M3) and the manual sync (S3).

use super::lookup;
use super::members::clear_pending;
use crate::change::Change;
use crate::command::Actor;
use crate::context::{Ctx, Who};
use crate::error::{PolicyError, PolicyResult};
use crate::inputs::MappingLink;
use crate::records::UserRecord;
use crate::view::OrgView;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use tessera_core::{Email, TeamId, UserId};

/// M3: links each user of a validated mapping sheet to their IdP email, so that a
/// later SCIM create or SAML login with it attaches to the account.
pub(crate) fn apply_mapping<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    links: &[MappingLink],
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "apply the user mapping", "M3")?;
    link_all(ctx, &who, links)?;
    Ok(())
}

/// S3: the manual sync re-applies the mapping links, then every pending membership
/// whose user has arrived; pending memberships of teams the IdP no longer manages go.
pub(crate) fn sync<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    links: &[MappingLink],
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "sync the connection", "S3")?;
    let linked = link_all(ctx, &who, links)?;
    let mut resolved: HashMap<String, Option<UserRecord>> = HashMap::new();
    let mut added: HashSet<(TeamId, UserId)> = HashSet::new();
    let mut applied = 0_usize;
    for pending in ctx.all_pending()? {
        let team = ctx.team(pending.team)?;
        if !team.idp_managed {
            clear_pending(ctx, team.id, &pending.member_ref);
            continue;
        }
        let user = match resolved.get(&pending.member_ref) {
            Some(user) => user.clone(),
            None => {
                let user = lookup::member(ctx, &pending.member_ref)?;
                resolved.insert(pending.member_ref.clone(), user.clone());
                user
            }
        };
        let Some(user) = user else { continue };
        clear_pending(ctx, team.id, &pending.member_ref);
        if !ctx.is_member(team.id, user.id)? && added.insert((team.id, user.id)) {
            ctx.add_membership(team.id, user.id, tessera_core::Source::Scim);
            ctx.audit_membership(&who, "team.member_added", &team, &user);
            applied += 1;
        }
    }
    let org = ctx.org()?;
    ctx.audit_org(
        &who,
        "org.synced",
        &org,
        json!({ "links_changed": linked, "pending_applied": applied }),
    );
    Ok(())
}

/// Sets every link that differs, clearing old links before setting new ones so that
/// links may move between users. Refuses (M3) an IdP email given twice, or held by a
/// user the sheet does not cover. Returns how many users changed.
fn link_all<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    links: &[MappingLink],
) -> PolicyResult<usize, V::Error> {
    let wanted: BTreeMap<UserId, Option<Email>> = links
        .iter()
        .map(|link| (link.user, link.idp_email.clone()))
        .collect();
    let mut holders: HashMap<Email, UserRecord> = HashMap::new();
    let mut changing: Vec<(UserRecord, Option<Email>)> = Vec::new();
    for (user_id, idp_email) in &wanted {
        let user = ctx.user(*user_id)?;
        if let Some(email) = idp_email {
            if let Some(other) = holders.get(email) {
                return Err(PolicyError::IdpEmailTaken {
                    email: email.to_string(),
                    holder: other.email.to_string(),
                });
            }
            if let Some(holder) = ctx.user_by_idp_email(email)?
                && holder.id != user.id
                && !wanted.contains_key(&holder.id)
            {
                return Err(PolicyError::IdpEmailTaken {
                    email: email.to_string(),
                    holder: holder.email.to_string(),
                });
            }
            holders.insert(email.clone(), user.clone());
        }
        if user.idp_email != *idp_email {
            changing.push((user, idp_email.clone()));
        }
    }
    for (user, _) in changing.iter().filter(|(user, _)| user.idp_email.is_some()) {
        ctx.change(Change::LinkIdpEmail {
            user: user.id,
            idp_email: None,
            at: ctx.now,
        });
    }
    for (user, idp_email) in &changing {
        if idp_email.is_some() {
            ctx.change(Change::LinkIdpEmail {
                user: user.id,
                idp_email: idp_email.clone(),
                at: ctx.now,
            });
        }
        let action = if idp_email.is_some() {
            "user.linked"
        } else {
            "user.unlinked"
        };
        ctx.audit_user(
            who,
            action,
            user,
            json!({ "via": "mapping", "from": user.idp_email, "to": idp_email }),
        );
    }
    Ok(changing.len())
}
