//! Users managed in the app by account admins: invite (U7, C5), roles (U6),
//! deactivation and deletion (U3, U5).

use super::lifecycle::deactivate as deactivate_record;
use crate::change::Change;
use crate::command::Actor;
use crate::context::Ctx;
use crate::decision::{InvitationReason, Subject};
use crate::error::{PolicyError, PolicyResult};
use crate::inputs::InviteChannel;
use crate::records::{BuiltInTeam, UserRecord};
use crate::view::OrgView;
use serde_json::json;
use tessera_core::{Email, LoginMethod, Role, Source, UserId, UserStatus};

/// What an invitation carries.
pub(crate) struct Invite<'a> {
    pub email: &'a Email,
    pub role: Role,
    pub given_name: &'a Option<String>,
    pub family_name: &'a Option<String>,
    pub channel: InviteChannel,
}

/// U7: an account admin invites someone by email; the account is not connected to the
/// IdP. Salesforce invitations stop once an IdP is connected (C5).
pub(crate) fn invite<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    invite: Invite<'_>,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "invite users", "U7")?;
    let org = ctx.org()?;
    if invite.channel == InviteChannel::Salesforce
        && (org.is_connected() || !org.salesforce_invitations)
    {
        return Err(PolicyError::SalesforceInvitesDisabled);
    }
    if ctx.user_by_email(invite.email)?.is_some() || ctx.user_by_idp_email(invite.email)?.is_some()
    {
        return Err(PolicyError::EmailTaken {
            email: invite.email.to_string(),
        });
    }
    let (login_method, created_by) = match invite.channel {
        InviteChannel::Email => (LoginMethod::Password, who.source),
        InviteChannel::Salesforce => (LoginMethod::Salesforce, Source::Salesforce),
    };
    let user = UserRecord {
        id: ctx.new_user_id(),
        email: invite.email.clone(),
        given_name: invite.given_name.clone(),
        family_name: invite.family_name.clone(),
        display_name: None,
        status: UserStatus::Pending,
        role: invite.role,
        login_method,
        idp_email: None,
        scim_id: None,
        scim_user_name: None,
        external_id: None,
        scim_attributes: None,
        created_by,
        created_at: ctx.now,
        updated_at: ctx.now,
        first_login_at: None,
        deactivated_at: None,
        version: 1,
    };
    ctx.change(Change::InsertUser(user.clone()));
    let all_users = ctx.built_in_team(BuiltInTeam::AllUsers)?;
    ctx.add_membership(all_users.id, user.id, who.source);
    if user.role == Role::AccountAdmin {
        let admins = ctx.built_in_team(BuiltInTeam::AccountAdmins)?;
        ctx.add_membership(admins.id, user.id, who.source);
    }
    ctx.invite(&user, InvitationReason::Invited);
    ctx.audit_user(
        &who,
        "user.invited",
        &user,
        json!({ "role": user.role, "channel": invite.channel }),
    );
    ctx.subject(Subject::User(user.id));
    Ok(())
}

/// U6: roles are owned by the app; an account admin changes them (not their own), and
/// Account Admins follows the role (T1).
pub(crate) fn set_role<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    user_id: UserId,
    role: Role,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "change roles", "U6")?;
    let user = ctx.user(user_id)?;
    if by == Actor::User(user_id) {
        return Err(PolicyError::SelfChange {
            action: "change the role of",
            rule: "U6",
        });
    }
    ctx.subject(Subject::User(user.id));
    if user.role == role {
        return Ok(());
    }
    let next = UserRecord {
        role,
        updated_at: ctx.now,
        ..user.clone()
    };
    ctx.change(Change::UpdateUser(next.clone()));
    let admins = ctx.built_in_team(BuiltInTeam::AccountAdmins)?;
    let in_admins = ctx.is_member(admins.id, user.id)?;
    if role == Role::AccountAdmin && !in_admins {
        ctx.add_membership(admins.id, user.id, who.source);
    } else if role != Role::AccountAdmin && in_admins {
        ctx.change(Change::RemoveMembership {
            team: admins.id,
            user: user.id,
        });
    }
    ctx.audit_user(
        &who,
        "user.role_changed",
        &next,
        json!({ "from": user.role, "to": role }),
    );
    Ok(())
}

/// U3: account admins deactivate JIT (and invited) users; U5: never SCIM-managed ones.
pub(crate) fn deactivate<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    user_id: UserId,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "deactivate users", "U3")?;
    let user = managed_in_app(ctx, by, user_id, "deactivated", "deactivate")?;
    ctx.subject(Subject::User(user.id));
    let mut next = user.clone();
    if !deactivate_record(&mut next, ctx.now) {
        return Ok(());
    }
    next.updated_at = ctx.now;
    ctx.change(Change::UpdateUser(next.clone()));
    ctx.revoke_sessions(next.id);
    ctx.audit_user(&who, "user.deactivated", &next, json!({}));
    Ok(())
}

/// U5: a SCIM-managed user cannot be deleted in the app; others can.
pub(crate) fn delete<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    user_id: UserId,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "delete users", "U5")?;
    let user = managed_in_app(ctx, by, user_id, "deleted", "delete")?;
    ctx.change(Change::DeleteUser(user.id));
    ctx.audit_user(&who, "user.deleted", &user, json!({ "role": user.role }));
    Ok(())
}

/// The user, if the app may deactivate or delete it: not SCIM-managed (U5) and not the
/// acting admin.
fn managed_in_app<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    by: Actor,
    user_id: UserId,
    done: &'static str,
    verb: &'static str,
) -> PolicyResult<UserRecord, V::Error> {
    let user = ctx.user(user_id)?;
    if user.is_scim_managed() {
        return Err(PolicyError::ScimManagedUser {
            email: user.email.to_string(),
            action: done,
        });
    }
    if by == Actor::User(user_id) {
        return Err(PolicyError::SelfChange {
            action: verb,
            rule: "U3",
        });
    }
    Ok(user)
}
