//! How an email may log in, for the login page (L2, L3).

use crate::error::{PolicyError, PolicyResult};
use crate::view::OrgView;
use serde::Serialize;
use tessera_core::{Email, LoginMethod, UserStatus};

/// What the login page offers for an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "route", content = "method", rename_all = "snake_case")]
pub enum LoginRoute {
    /// Send the browser to the org's IdP: SSO-created accounts (L3), and unknown
    /// emails once an IdP is connected (the IdP decides; JIT may create the account).
    Sso,
    /// The account's own method only: no IdP is connected, or the account was invited
    /// after the connection and is not linked to the IdP (U7).
    OwnMethod(LoginMethod),
    /// The account existed before the connection (or is linked to the IdP): its own
    /// method, or SSO (L3).
    OwnMethodOrSso(LoginMethod),
    /// The account is deactivated: no login.
    Deactivated,
    /// No account, and no IdP to ask.
    Unknown,
}

/// L3: how `email` may log in. The M3 link is looked up before the current email.
pub fn login_route<V: OrgView + ?Sized>(
    view: &V,
    email: &Email,
) -> PolicyResult<LoginRoute, V::Error> {
    let org = view.org().map_err(PolicyError::Port)?;
    let user = match view.user_by_idp_email(email).map_err(PolicyError::Port)? {
        Some(user) => Some(user),
        None => view.user_by_email(email).map_err(PolicyError::Port)?,
    };
    let Some(user) = user else {
        return Ok(if org.is_connected() {
            LoginRoute::Sso
        } else {
            LoginRoute::Unknown
        });
    };
    if user.status == UserStatus::Deactivated {
        return Ok(LoginRoute::Deactivated);
    }
    if user.login_method == LoginMethod::Sso {
        return Ok(LoginRoute::Sso);
    }
    let existed_before = org
        .connected_at
        .is_some_and(|connected_at| user.created_at <= connected_at);
    Ok(
        if org.is_connected() && (existed_before || user.idp_connected()) {
            LoginRoute::OwnMethodOrSso(user.login_method)
        } else {
            LoginRoute::OwnMethod(user.login_method)
        },
    )
}
