//! SAML logins: the known account logs in (M3, U1), an unknown email gets a JIT
//! account (U3, L3).

use super::lifecycle::first_login;
use super::lookup::{self, IdpMatch};
use crate::change::Change;
use crate::context::{Ctx, Who};
use crate::decision::Subject;
use crate::error::{PolicyError, PolicyResult};
use crate::inputs::SamlLogin;
use crate::records::{BuiltInTeam, UserRecord};
use crate::view::OrgView;
use serde_json::json;
use tessera_core::{ConnectionMode, LoginMethod, Role, Source, UserStatus};

/// A verified SAML login. The account the IdP email belongs to logs in (linked by the
/// mapping sheet, or un-linked with that email, which links it: M3), keeping its login
/// method (L3); its first login makes it active (U1). A deactivated account is refused
/// (U3, U5). An unknown email gets an active SSO-only viewer in All Users in jit mode
/// (U3) and is refused in scim mode, where accounts come from SCIM (C1).
pub(crate) fn login<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    login: &SamlLogin,
) -> PolicyResult<(), V::Error> {
    let org = ctx.org()?;
    let mode = match (org.is_connected(), org.connection_mode) {
        (true, Some(mode)) => mode,
        _ => return Err(PolicyError::SsoNotConnected),
    };
    let who = Who::saml(&login.email);
    let (user, linked) = match lookup::by_idp_email(ctx, &login.email)? {
        IdpMatch::Linked(user) => (user, false),
        IdpMatch::Unlinked(user) => (user, true),
        IdpMatch::Conflict => {
            return Err(PolicyError::EmailTaken {
                email: login.email.to_string(),
            });
        }
        IdpMatch::Nobody if mode == ConnectionMode::Jit => return create(ctx, &who, login),
        IdpMatch::Nobody => {
            return Err(PolicyError::NotProvisioned {
                email: login.email.to_string(),
            });
        }
    };
    if user.status == UserStatus::Deactivated {
        return Err(PolicyError::UserDeactivated {
            email: user.email.to_string(),
            scim_managed: user.is_scim_managed(),
        });
    }
    let mut next = user.clone();
    if linked {
        next.idp_email = Some(login.email.clone());
    }
    let first = first_login(&mut next, ctx.now);
    if next != user {
        next.updated_at = ctx.now;
        ctx.change(Change::UpdateUser(next.clone()));
    }
    if linked {
        ctx.audit_user(&who, "user.linked", &next, json!({ "via": "saml" }));
    }
    if first {
        ctx.audit_user(
            &who,
            "user.first_login",
            &next,
            json!({ "status": next.status }),
        );
    }
    ctx.subject(Subject::User(next.id));
    Ok(())
}

fn create<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    who: &Who,
    login: &SamlLogin,
) -> PolicyResult<(), V::Error> {
    let all_users = ctx.built_in_team(BuiltInTeam::AllUsers)?;
    let user = UserRecord {
        id: ctx.new_user_id(),
        email: login.email.clone(),
        given_name: login.given_name.clone(),
        family_name: login.family_name.clone(),
        display_name: None,
        status: UserStatus::Active,
        role: Role::Viewer,
        login_method: LoginMethod::Sso,
        idp_email: Some(login.email.clone()),
        scim_id: None,
        scim_user_name: None,
        external_id: None,
        scim_attributes: None,
        created_by: Source::Saml,
        created_at: ctx.now,
        updated_at: ctx.now,
        first_login_at: Some(ctx.now),
        deactivated_at: None,
        version: 1,
    };
    ctx.change(Change::InsertUser(user.clone()));
    ctx.add_membership(all_users.id, user.id, Source::Saml);
    ctx.audit_user(who, "user.created", &user, json!({ "via": "jit" }));
    ctx.subject(Subject::User(user.id));
    Ok(())
}
