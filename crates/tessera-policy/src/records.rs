//! Plain records, one per stored row: what the engine reads through the port and
//! writes through [`Change`](crate::Change)s. Every row belongs to the org the port was
//! opened for, so none of them repeats the org id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, OrgKind, Role, Source, TeamId, UserId, UserName,
    UserStatus,
};

/// The columns of an `orgs` row the engine reads, and (through
/// [`Change::UpdateOrg`](crate::Change::UpdateOrg)) the four it may write:
/// `connection_mode`, `connected_at` and the two Salesforce switches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRecord {
    /// Its id.
    pub id: OrgId,
    /// Production or sandbox (W2).
    pub kind: OrgKind,
    /// JIT or SCIM, once connected (C1).
    pub connection_mode: Option<ConnectionMode>,
    /// When the IdP connection went live; `None` while not connected.
    pub connected_at: Option<DateTime<Utc>>,
    /// Whether the Salesforce sync imports user profiles (switched off by C5).
    pub salesforce_profile_import: bool,
    /// Whether invitations through Salesforce are allowed (switched off by C5).
    pub salesforce_invitations: bool,
}

impl OrgRecord {
    /// Whether an IdP connection is live.
    pub fn is_connected(&self) -> bool {
        self.connected_at.is_some()
    }
}

/// A `users` row.
///
/// `scim_id`, `scim_user_name`, `external_id` and `scim_attributes` are set together
/// while the IdP manages the account through SCIM and cleared together when it is
/// detached (U5). `idp_email` is the M3 link: the email the user has in the IdP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// Its id.
    pub id: UserId,
    /// Its current email (`email`, `email_normalized`).
    pub email: Email,
    /// Given name, if known.
    pub given_name: Option<String>,
    /// Family name, if known.
    pub family_name: Option<String>,
    /// Display name, if known.
    pub display_name: Option<String>,
    /// Pending, active or deactivated (U1).
    pub status: UserStatus,
    /// Its role, owned by the app (U6).
    pub role: Role,
    /// How it logs in (L3).
    pub login_method: LoginMethod,
    /// The email the user has in the IdP (M3 link; `idp_email_normalized`).
    pub idp_email: Option<Email>,
    /// Our SCIM id for it, while SCIM-managed.
    pub scim_id: Option<String>,
    /// The IdP's `userName`, while SCIM-managed (`scim_user_name_normalized`).
    pub scim_user_name: Option<UserName>,
    /// The IdP's `externalId`, while SCIM-managed.
    pub external_id: Option<String>,
    /// The full SCIM resource as the IdP last sent it, opaque to the engine.
    pub scim_attributes: Option<String>,
    /// What created it.
    pub created_by: Source,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it first logged in (U1: pending until then).
    pub first_login_at: Option<DateTime<Utc>>,
    /// When it was deactivated, while deactivated.
    pub deactivated_at: Option<DateTime<Utc>>,
    /// Optimistic-locking counter: an update carries the version it was decided on.
    pub version: i64,
}

impl UserRecord {
    /// Whether the IdP manages this account through SCIM (U5).
    pub fn is_scim_managed(&self) -> bool {
        self.scim_id.is_some()
    }

    /// Whether the user lists show this account as IdP-connected (U8): SCIM-managed or
    /// linked to an IdP email (by the mapping sheet, a JIT login or SCIM).
    pub fn idp_connected(&self) -> bool {
        self.is_scim_managed() || self.idp_email.is_some()
    }

    /// The status a reactivated account goes back to (U4, U5): `active` once it has
    /// logged in, `pending` otherwise.
    pub fn reactivated_status(&self) -> UserStatus {
        if self.first_login_at.is_some() {
            UserStatus::Active
        } else {
            UserStatus::Pending
        }
    }
}

/// Which built-in team a team is (T1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltInTeam {
    /// Every user.
    AllUsers,
    /// Every account admin.
    AccountAdmins,
}

impl BuiltInTeam {
    /// Both built-in teams.
    pub const ALL: [BuiltInTeam; 2] = [BuiltInTeam::AllUsers, BuiltInTeam::AccountAdmins];

    /// The stored value of the `built_in` column.
    pub fn as_str(self) -> &'static str {
        match self {
            BuiltInTeam::AllUsers => "all_users",
            BuiltInTeam::AccountAdmins => "account_admins",
        }
    }

    /// The team's name.
    pub fn name(self) -> &'static str {
        match self {
            BuiltInTeam::AllUsers => "All Users",
            BuiltInTeam::AccountAdmins => "Account Admins",
        }
    }

    /// The built-in team whose name this is, compared case-insensitively (T1).
    pub fn named(name: &str) -> Option<BuiltInTeam> {
        let key = team_name_key(name);
        Self::ALL
            .into_iter()
            .find(|team| team_name_key(team.name()) == key)
    }
}

/// What kind of team a team is (the engine's rules and every surface use this one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    /// The built-in team every user belongs to (T1).
    AllUsers,
    /// The built-in team of account admins (T1).
    AccountAdmins,
    /// Created in the app, or detached from the IdP (T6, T7).
    Local,
    /// Created by an IdP group (T2).
    IdpManaged,
}

impl TeamKind {
    /// The kind of a built-in team.
    pub fn of_built_in(team: BuiltInTeam) -> Self {
        match team {
            BuiltInTeam::AllUsers => TeamKind::AllUsers,
            BuiltInTeam::AccountAdmins => TeamKind::AccountAdmins,
        }
    }

    /// Which built-in team this kind is, if it is one.
    pub fn built_in(self) -> Option<BuiltInTeam> {
        match self {
            TeamKind::AllUsers => Some(BuiltInTeam::AllUsers),
            TeamKind::AccountAdmins => Some(BuiltInTeam::AccountAdmins),
            TeamKind::Local | TeamKind::IdpManaged => None,
        }
    }
}

/// A `teams` row.
///
/// `scim_id` and `external_id` are set only while `idp_managed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRecord {
    /// Its id.
    pub id: TeamId,
    /// Its name (`name`; `name_normalized` is [`team_name_key`] of it).
    pub name: String,
    /// Free text shown in the app.
    pub description: String,
    /// Team access settings, stored as JSON and opaque to the engine.
    pub access_settings: serde_json::Value,
    /// Which built-in team it is, if any.
    pub built_in: Option<BuiltInTeam>,
    /// Whether an IdP group manages it (T2, T4, T5).
    pub idp_managed: bool,
    /// Our SCIM id for the group, while IdP-managed.
    pub scim_id: Option<String>,
    /// The IdP's `externalId` for the group, while IdP-managed.
    pub external_id: Option<String>,
    /// Flagged as sharing its name with a team of the other kind (T2).
    pub duplicate: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-locking counter: an update carries the version it was decided on.
    pub version: i64,
}

impl TeamRecord {
    /// Built-in, local or IdP-managed.
    pub fn kind(&self) -> TeamKind {
        match (self.built_in, self.idp_managed) {
            (Some(built_in), _) => TeamKind::of_built_in(built_in),
            (None, true) => TeamKind::IdpManaged,
            (None, false) => TeamKind::Local,
        }
    }
}

/// The case-insensitive form of a team name (`name_normalized`): trimmed, lower-cased.
pub fn team_name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A `memberships` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipRecord {
    /// The team.
    pub team: TeamId,
    /// The member.
    pub user: UserId,
    /// What added it.
    pub source: Source,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A `pending_memberships` row: a member an IdP group named before the IdP pushed
/// that user (S3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMembership {
    /// The IdP-managed team.
    pub team: TeamId,
    /// The IdP's reference to the member, exactly as sent.
    pub member_ref: String,
    /// When the group named it.
    pub created_at: DateTime<Utc>,
}
