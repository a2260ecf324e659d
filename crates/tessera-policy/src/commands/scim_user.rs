//! SCIM Users: create (U2, U6, M3, L3), replace and patch (U5, U6), delete (U5).

use super::lifecycle::{deactivate, reactivate};
use super::lookup::{self, IdpMatch};
use super::members::claim_pending;
use crate::change::Change;
use crate::context::{Ctx, Who};
use crate::decision::{InvitationReason, Subject};
use crate::error::{PolicyError, PolicyResult};
use crate::inputs::{ProvisionedUser, UserPatch};
use crate::records::{BuiltInTeam, UserRecord};
use crate::view::{IdentityMatches, OrgView};
use serde_json::json;
use tessera_core::{Email, LoginMethod, Role, Source, UserStatus};

/// SCIM POST /Users. Attaches to the account the IdP email belongs to (M3: linked by
/// the mapping sheet, else an un-linked account with that email), which keeps its role
/// and login method (U6, L3); otherwise creates a pending SSO-only viewer in All Users
/// and queues an invitation (U2).
pub(crate) fn create<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    provisioned: &ProvisionedUser,
) -> PolicyResult<(), V::Error> {
    let who = Who::scim();
    let email = provisioned.idp_email();
    // userName, IdP email link and current email in one lookup when there is an email.
    let found = match &email {
        Some(email) => ctx.users_by_identity(&provisioned.user_name, email)?,
        None => IdentityMatches {
            by_user_name: ctx.user_by_scim_user_name(&provisioned.user_name)?,
            ..IdentityMatches::default()
        },
    };
    if found.by_user_name.is_some() {
        return Err(PolicyError::UserNameTaken {
            user_name: provisioned.user_name.to_string(),
        });
    }
    let email = email.ok_or_else(|| PolicyError::MissingEmail {
        user_name: provisioned.user_name.to_string(),
    })?;
    let mut candidates = vec![email.clone()];
    if let Ok(name_email) = Email::parse(provisioned.user_name.as_str())
        && name_email != email
    {
        candidates.push(name_email);
    }
    let mut first = Some(lookup::idp_match(found.by_idp_email, found.by_email));
    for candidate in &candidates {
        let matched = match first.take() {
            Some(matched) => matched,
            None => lookup::by_idp_email(ctx, candidate)?,
        };
        match matched {
            IdpMatch::Linked(user) => return attach(ctx, &who, user, provisioned, "mapping"),
            IdpMatch::Unlinked(user) => {
                let linked = UserRecord {
                    idp_email: Some(candidate.clone()),
                    ..user
                };
                return attach(ctx, &who, linked, provisioned, "email");
            }
            IdpMatch::Conflict => {
                return Err(PolicyError::EmailTaken {
                    email: candidate.to_string(),
                });
            }
            IdpMatch::Nobody => {}
        }
    }
    insert(ctx, &who, provisioned, email)
}

/// Makes an existing account SCIM-managed. `user` already carries its IdP email link.
fn attach<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    user: UserRecord,
    provisioned: &ProvisionedUser,
    via: &'static str,
) -> PolicyResult<(), V::Error> {
    if user.is_scim_managed() {
        // Already managed under another userName (a same-name create was refused above).
        return Err(PolicyError::EmailTaken {
            email: user.email.to_string(),
        });
    }
    let mut next = user.clone();
    next.scim_id = Some(ctx.new_scim_id());
    next.scim_user_name = Some(provisioned.user_name.clone());
    next.external_id = provisioned.external_id.clone();
    next.scim_attributes = provisioned.attributes_json.clone();
    next.given_name = provisioned.given_name.clone().or(next.given_name);
    next.family_name = provisioned.family_name.clone().or(next.family_name);
    next.display_name = provisioned.display_name.clone().or(next.display_name);
    next.updated_at = ctx.now;
    let (deactivated, reactivated) = set_active(ctx, &mut next, provisioned.active);
    ctx.change(Change::UpdateUser(next.clone()));
    if deactivated {
        ctx.revoke_sessions(next.id);
    }
    ctx.audit_user(
        who,
        "user.linked",
        &next,
        json!({ "via": via, "scim_id": next.scim_id, "user_name": provisioned.user_name }),
    );
    audit_activity(ctx, who, &next, deactivated, reactivated);
    ctx.subject(Subject::User(next.id));
    claim_pending(ctx, who, &next)
}

fn insert<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    provisioned: &ProvisionedUser,
    email: Email,
) -> PolicyResult<(), V::Error> {
    let all_users = ctx.built_in_team(BuiltInTeam::AllUsers)?;
    let user = UserRecord {
        id: ctx.new_user_id(),
        email: email.clone(),
        given_name: provisioned.given_name.clone(),
        family_name: provisioned.family_name.clone(),
        display_name: provisioned.display_name.clone(),
        status: if provisioned.active {
            UserStatus::Pending
        } else {
            UserStatus::Deactivated
        },
        role: Role::Viewer,
        login_method: LoginMethod::Sso,
        idp_email: Some(email),
        scim_id: Some(ctx.new_scim_id()),
        scim_user_name: Some(provisioned.user_name.clone()),
        external_id: provisioned.external_id.clone(),
        scim_attributes: provisioned.attributes_json.clone(),
        created_by: Source::Scim,
        created_at: ctx.now,
        updated_at: ctx.now,
        first_login_at: None,
        deactivated_at: (!provisioned.active).then_some(ctx.now),
        version: 1,
    };
    ctx.change(Change::InsertUser(user.clone()));
    ctx.add_membership(all_users.id, user.id, Source::Scim);
    if provisioned.active {
        ctx.invite(&user, InvitationReason::Provisioned);
    }
    ctx.audit_user(
        who,
        "user.created",
        &user,
        json!({ "scim_id": user.scim_id, "user_name": provisioned.user_name, "status": user.status }),
    );
    ctx.subject(Subject::User(user.id));
    claim_pending(ctx, who, &user)
}

/// SCIM PUT /Users/{id}: the IdP's values replace the SCIM attributes; the role never
/// changes (U6); `active` deactivates or reactivates (U5).
pub(crate) fn replace<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
    provisioned: &ProvisionedUser,
) -> PolicyResult<(), V::Error> {
    let user = ctx.scim_user(scim_id)?;
    update(ctx, user, provisioned)
}

/// SCIM PATCH /Users/{id}: the patch applied to the current attributes, then as PUT.
pub(crate) fn patch<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
    patch: &UserPatch,
) -> PolicyResult<(), V::Error> {
    let user = ctx.scim_user(scim_id)?;
    let user_name = patch
        .user_name
        .clone()
        .or_else(|| user.scim_user_name.clone())
        .ok_or_else(|| PolicyError::UserNotFound {
            reference: scim_id.to_owned(),
        })?;
    let pick = |change: &Option<Option<String>>, current: &Option<String>| match change {
        Some(value) => value.clone(),
        None => current.clone(),
    };
    let provisioned = ProvisionedUser {
        user_name,
        email: patch.email.clone().or_else(|| user.idp_email.clone()),
        given_name: pick(&patch.given_name, &user.given_name),
        family_name: pick(&patch.family_name, &user.family_name),
        display_name: pick(&patch.display_name, &user.display_name),
        external_id: pick(&patch.external_id, &user.external_id),
        active: patch
            .active
            .unwrap_or(user.status != UserStatus::Deactivated),
        attributes_json: patch
            .attributes_json
            .clone()
            .or_else(|| user.scim_attributes.clone()),
    };
    update(ctx, user, &provisioned)
}

fn update<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    user: UserRecord,
    provisioned: &ProvisionedUser,
) -> PolicyResult<(), V::Error> {
    let who = Who::scim();
    if let Some(other) = ctx.user_by_scim_user_name(&provisioned.user_name)?
        && other.id != user.id
    {
        return Err(PolicyError::UserNameTaken {
            user_name: provisioned.user_name.to_string(),
        });
    }
    let mut next = user.clone();
    if let Some(email) = provisioned.idp_email()
        && next.idp_email.as_ref() != Some(&email)
    {
        if let Some(other) = ctx.user_by_idp_email(&email)?
            && other.id != user.id
        {
            return Err(PolicyError::EmailTaken {
                email: email.to_string(),
            });
        }
        // SSO-only accounts have no other login name, so their email follows the IdP;
        // accounts that existed before keep theirs (L3).
        if user.login_method == LoginMethod::Sso {
            if let Some(other) = ctx.user_by_email(&email)?
                && other.id != user.id
            {
                return Err(PolicyError::EmailTaken {
                    email: email.to_string(),
                });
            }
            next.email = email.clone();
        }
        next.idp_email = Some(email);
    }
    next.scim_user_name = Some(provisioned.user_name.clone());
    next.given_name = provisioned.given_name.clone();
    next.family_name = provisioned.family_name.clone();
    next.display_name = provisioned.display_name.clone();
    next.external_id = provisioned.external_id.clone();
    next.scim_attributes = provisioned.attributes_json.clone();
    let (deactivated, reactivated) = set_active(ctx, &mut next, provisioned.active);
    if next == user && user_name_spelling_same(&user, provisioned) {
        return Ok(());
    }
    next.updated_at = ctx.now;
    ctx.change(Change::UpdateUser(next.clone()));
    if deactivated {
        ctx.revoke_sessions(next.id);
    }
    ctx.audit_user(
        &who,
        "user.updated",
        &next,
        json!({ "changed": changed_fields(&user, &next) }),
    );
    audit_activity(ctx, &who, &next, deactivated, reactivated);
    ctx.subject(Subject::User(next.id));
    claim_pending(ctx, &who, &next)
}

/// SCIM DELETE /Users/{id}: deactivates the account and detaches it from the IdP; its
/// data, memberships and M3 link stay, and SCIM reads answer 404 (U5).
pub(crate) fn delete<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    scim_id: &str,
) -> PolicyResult<(), V::Error> {
    let who = Who::scim();
    let user = ctx.scim_user(scim_id)?;
    let mut next = user.clone();
    next.scim_id = None;
    next.scim_user_name = None;
    next.external_id = None;
    next.scim_attributes = None;
    next.updated_at = ctx.now;
    let deactivated = deactivate(&mut next, ctx.now);
    ctx.change(Change::UpdateUser(next.clone()));
    if deactivated {
        ctx.revoke_sessions(next.id);
    }
    ctx.audit_user(
        &who,
        "user.detached",
        &next,
        json!({ "scim_id": scim_id, "deactivated": deactivated }),
    );
    ctx.subject(Subject::User(next.id));
    Ok(())
}

/// Applies SCIM `active` (U5); returns (deactivated, reactivated).
fn set_active<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    user: &mut UserRecord,
    active: bool,
) -> (bool, bool) {
    if active {
        (false, reactivate(user))
    } else {
        (deactivate(user, ctx.now), false)
    }
}

fn audit_activity<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    user: &UserRecord,
    deactivated: bool,
    reactivated: bool,
) {
    if deactivated {
        ctx.audit_user(who, "user.deactivated", user, json!({}));
    }
    if reactivated {
        ctx.audit_user(
            who,
            "user.reactivated",
            user,
            json!({ "status": user.status }),
        );
    }
}

/// Whether the stored `userName` is spelled exactly as the IdP now sends it (a change
/// of case alone is still written, so SCIM reads echo the IdP's spelling).
fn user_name_spelling_same(user: &UserRecord, provisioned: &ProvisionedUser) -> bool {
    user.scim_user_name
        .as_ref()
        .is_some_and(|name| name.as_str() == provisioned.user_name.as_str())
}

fn changed_fields(before: &UserRecord, after: &UserRecord) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let spelled =
        |name: &Option<tessera_core::UserName>| name.as_ref().map(|n| n.as_str().to_owned());
    if before.email.as_str() != after.email.as_str() {
        fields.push("email");
    }
    if before.idp_email != after.idp_email {
        fields.push("idp_email");
    }
    if spelled(&before.scim_user_name) != spelled(&after.scim_user_name) {
        fields.push("user_name");
    }
    if before.given_name != after.given_name {
        fields.push("given_name");
    }
    if before.family_name != after.family_name {
        fields.push("family_name");
    }
    if before.display_name != after.display_name {
        fields.push("display_name");
    }
    if before.external_id != after.external_id {
        fields.push("external_id");
    }
    if before.scim_attributes != after.scim_attributes {
        fields.push("attributes");
    }
    if before.status != after.status {
        fields.push("status");
    }
    fields
}
