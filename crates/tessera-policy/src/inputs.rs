//! What reaches the engine from outside, as plain values: SCIM resources already
//! converted from JSON by the server, SAML login attributes, mapping-sheet links.

use serde::{Deserialize, Serialize};
use tessera_core::{Email, UserId, UserName};

/// A SCIM User as the IdP sent it (create or replace), converted from JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionedUser {
    /// The IdP's unique name for the person.
    pub user_name: UserName,
    /// The primary email; when absent, `user_name` is used if it is an email.
    pub email: Option<Email>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// The IdP's own id for the person.
    pub external_id: Option<String>,
    /// `active` (U5): false deactivates.
    pub active: bool,
    /// The full resource, kept opaque for SCIM reads.
    pub attributes_json: Option<String>,
}

impl ProvisionedUser {
    /// A minimal active user, for callers that fill the rest field by field.
    pub fn new(user_name: UserName) -> Self {
        Self {
            user_name,
            email: None,
            given_name: None,
            family_name: None,
            display_name: None,
            external_id: None,
            active: true,
            attributes_json: None,
        }
    }

    /// The email the IdP knows the person by: `email`, else `user_name` if it is one.
    pub fn idp_email(&self) -> Option<Email> {
        self.email
            .clone()
            .or_else(|| Email::parse(self.user_name.as_str()).ok())
    }
}

/// A SCIM PATCH of a User, normalised by the SCIM crate from any IdP dialect: each
/// field is `None` when untouched; for optional attributes `Some(None)` removes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPatch {
    /// A new `userName`.
    pub user_name: Option<UserName>,
    /// A new primary email (the account keeps its email when removed).
    pub email: Option<Email>,
    /// A new or removed given name.
    pub given_name: Option<Option<String>>,
    /// A new or removed family name.
    pub family_name: Option<Option<String>>,
    /// A new or removed display name.
    pub display_name: Option<Option<String>>,
    /// A new or removed `externalId`.
    pub external_id: Option<Option<String>>,
    /// `active` (U5): false deactivates, true reactivates.
    pub active: Option<bool>,
    /// The full resource after the patch, kept opaque for SCIM reads.
    pub attributes_json: Option<String>,
}

/// A SCIM Group as the IdP sent it (create or replace), converted from JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionedGroup {
    /// The group's `displayName`, which becomes the team name.
    pub display_name: String,
    /// The IdP's own id for the group.
    pub external_id: Option<String>,
    /// The IdP's references to its members (`members[].value`: our SCIM user ids).
    pub members: Vec<String>,
}

/// One operation of a SCIM PATCH of a Group, normalised by the SCIM crate. A PATCH is
/// a list of them, applied in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupPatchOp {
    /// Sets `displayName` (T3).
    Rename(String),
    /// Sets or removes `externalId`.
    SetExternalId(Option<String>),
    /// Adds members by reference.
    AddMembers(Vec<String>),
    /// Removes members by reference.
    RemoveMembers(Vec<String>),
    /// Replaces the whole member list.
    ReplaceMembers(Vec<String>),
}

/// The attributes of a SAML login, as verified by the SAML crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlLogin {
    /// The email the assertion names (NameID or the email attribute).
    pub email: Email,
    /// Given name, if sent.
    pub given_name: Option<String>,
    /// Family name, if sent.
    pub family_name: Option<String>,
}

/// One row of a validated user-mapping sheet (M3): the user and the email they have in
/// the IdP (`None`: not in the IdP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingLink {
    /// Column A.
    pub user: UserId,
    /// Column C.
    pub idp_email: Option<Email>,
}

/// Through which channel an account admin invites someone (U7, C5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteChannel {
    /// An email invitation; the account logs in with a password.
    Email,
    /// A Salesforce invitation; the account logs in with Salesforce. Disabled once an
    /// IdP is connected (C5).
    Salesforce,
}
