//! Finding the account an IdP identity belongs to (M3) and the user a group's member
//! reference names (S3).

use crate::context::Ctx;
use crate::error::PolicyResult;
use crate::records::UserRecord;
use crate::view::OrgView;
use tessera_core::{Email, UserName};

/// The account an email from the IdP belongs to.
pub(crate) enum IdpMatch {
    /// Linked to this email by the mapping sheet, a JIT login or SCIM (M3).
    Linked(UserRecord),
    /// Not linked to any IdP email, and this is its current email.
    Unlinked(UserRecord),
    /// This is its current email, but it is linked to another IdP email: the person
    /// arriving is someone else, and cannot take the email.
    Conflict,
    /// No account.
    Nobody,
}

/// The M3 link wins over an account's current email.
pub(crate) fn by_idp_email<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    email: &Email,
) -> PolicyResult<IdpMatch, V::Error> {
    if let Some(user) = ctx.user_by_idp_email(email)? {
        return Ok(IdpMatch::Linked(user));
    }
    Ok(idp_match(None, ctx.user_by_email(email)?))
}

/// [`by_idp_email`] over the user linked to the email and the one whose email it is.
pub(crate) fn idp_match(linked: Option<UserRecord>, current: Option<UserRecord>) -> IdpMatch {
    match (linked, current) {
        (Some(user), _) => IdpMatch::Linked(user),
        (None, Some(user)) if user.idp_email.is_none() => IdpMatch::Unlinked(user),
        (None, Some(_)) => IdpMatch::Conflict,
        (None, None) => IdpMatch::Nobody,
    }
}

/// The SCIM-managed user a member reference names: by our SCIM id, else by the IdP's
/// `externalId`, else by `userName` (IdPs that push groups before users name members
/// by what they know).
pub(crate) fn member<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    member_ref: &str,
) -> PolicyResult<Option<UserRecord>, V::Error> {
    if let Some(user) = ctx.user_by_scim_id(member_ref)? {
        return Ok(Some(user));
    }
    if let Some(user) = ctx.user_by_external_id(member_ref)? {
        return Ok(Some(user));
    }
    match UserName::parse(member_ref) {
        Ok(user_name) => ctx.user_by_scim_user_name(&user_name),
        Err(_) => Ok(None),
    }
}

/// The references under which a group may have named `user` before it arrived (a
/// `userName` as spelled and lower-cased: user names compare case-insensitively).
pub(crate) fn member_refs(user: &UserRecord) -> Vec<String> {
    let mut refs: Vec<String> = Vec::new();
    let candidates = [
        user.scim_id.clone(),
        user.external_id.clone(),
        user.scim_user_name
            .as_ref()
            .map(|name| name.as_str().to_owned()),
        user.scim_user_name
            .as_ref()
            .map(|name| name.normalized().to_owned()),
    ];
    for candidate in candidates.into_iter().flatten() {
        if !refs.contains(&candidate) {
            refs.push(candidate);
        }
    }
    refs
}
