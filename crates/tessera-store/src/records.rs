//! Plain values the store returns; typed with tessera-core's vocabulary.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, OrgKind, Role, Source, TeamId, UserId, UserStatus,
    WalkthroughStep, WorkspaceName,
};
use tessera_policy::TeamKind;

/// An org (customer workspace) and its connection settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Org {
    /// Its id.
    pub id: OrgId,
    /// Its workspace name (W1).
    pub name: WorkspaceName,
    /// Production or sandbox (W2).
    pub kind: OrgKind,
    /// The operator's feature gate (W3).
    pub sso_enabled: bool,
    /// JIT or SCIM, once chosen (C1).
    pub connection_mode: Option<ConnectionMode>,
    /// Where the Connect walkthrough stands (C2).
    pub walkthrough_step: WalkthroughStep,
    /// Whether unsolicited SAML responses are accepted (L1).
    pub allow_idp_initiated: bool,
    /// Whether SHA-1 signatures are accepted (off by default).
    pub allow_sha1: bool,
    /// Whether the Salesforce sync imports user profiles (switched off by C5).
    pub salesforce_profile_import: bool,
    /// Whether invitations through Salesforce are allowed (switched off by C5).
    pub salesforce_invitations: bool,
    /// When the IdP connection went live.
    pub connected_at: Option<DateTime<Utc>>,
    /// When the org was created.
    pub created_at: DateTime<Utc>,
}

/// An org with its head counts, for listings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgSummary {
    /// The org.
    #[serde(flatten)]
    pub org: Org,
    /// How many user accounts it has, in any status.
    pub users: i64,
    /// How many teams it has, built-in ones included.
    pub teams: i64,
}

/// A team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Team {
    /// Its id.
    pub id: TeamId,
    /// Its display name.
    pub name: String,
    /// Free text shown in the app.
    pub description: String,
    /// Access settings (JSON object), editable even for IdP teams (T4).
    pub access_settings: serde_json::Value,
    /// Built-in, local or IdP-managed.
    pub kind: TeamKind,
    /// Flagged as sharing its name with a team of the other kind (T2).
    pub duplicate: bool,
    /// How many members it has.
    pub members: i64,
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Its org.
    pub org_id: OrgId,
    /// Its current email.
    pub email: Email,
    /// Given name, if known.
    pub given_name: Option<String>,
    /// Family name, if known.
    pub family_name: Option<String>,
    /// Pending, active or deactivated (U1).
    pub status: UserStatus,
    /// Its role (U6).
    pub role: Role,
    /// How it logs in (L3).
    pub login_method: LoginMethod,
    /// Whether it is linked to the org's IdP (U8).
    pub idp_connected: bool,
    /// Whether the IdP manages it through SCIM (U5).
    pub scim_managed: bool,
    /// What created it.
    pub created_by: Source,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it first logged in.
    pub first_login_at: Option<DateTime<Utc>>,
    /// When it was deactivated.
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// A user to create directly (the demo admin, operator tooling).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The email.
    pub email: Email,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Initial status.
    pub status: UserStatus,
    /// Initial role.
    pub role: Role,
    /// How the account logs in.
    pub login_method: LoginMethod,
    /// What is creating it.
    pub created_by: Source,
}

/// One line of an org's audit log (S4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it (an email, `operator`, `scim`, `system`).
    pub actor: String,
    /// Through which channel.
    pub source: Source,
    /// What happened, dotted (e.g. `org.created`, `user.deactivated`).
    pub action: String,
    /// What kind of thing it happened to (`org`, `user`, `team`).
    pub target_kind: String,
    /// The target's id.
    pub target_id: Option<String>,
    /// The target's human name.
    pub target_label: Option<String>,
    /// Structured details.
    pub details: serde_json::Value,
}
