//! Request and response bodies, and path-segment parsing.

use crate::ApiError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tessera_core::{Role, TeamId, UserId, UserStatus};
use tessera_store::{Team, TeamKind, User};

/// A user id from the path; an unparsable one is simply not found.
pub(crate) fn user_id(text: &str) -> Result<UserId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("no user {text}")))
}

/// A team id from the path; an unparsable one is simply not found.
pub(crate) fn team_id(text: &str) -> Result<TeamId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("no team {text}")))
}

/// A user as the API shows it.
#[derive(Serialize)]
pub(crate) struct UserView {
    #[serde(flatten)]
    user: User,
    /// `Pending`, `Accepted` or `Deactivated` (U1).
    status_label: &'static str,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        let status_label = user.status.label();
        Self { user, status_label }
    }
}

/// A team as the API shows it, with the flags the pages need (T2, T4, T5).
#[derive(Serialize)]
pub(crate) struct TeamView {
    #[serde(flatten)]
    team: Team,
    idp_managed: bool,
    built_in: bool,
    /// Whether its name, deletion and members can be changed in the app (T1, T4, T5).
    editable: bool,
}

impl From<Team> for TeamView {
    fn from(team: Team) -> Self {
        let idp_managed = team.kind == TeamKind::IdpManaged;
        let built_in = matches!(team.kind, TeamKind::AllUsers | TeamKind::AccountAdmins);
        Self {
            team,
            idp_managed,
            built_in,
            editable: !idp_managed && !built_in,
        }
    }
}

/// `GET …/users` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserQuery {
    pub status: Option<UserStatus>,
    pub idp_connected: Option<bool>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// `POST …/users`: invite by email (U7).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InviteBody {
    pub email: String,
    pub role: Option<Role>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// `email` (default) or `salesforce` (refused once an IdP is connected, C5).
    pub channel: Option<tessera_policy::InviteChannel>,
}

/// `PUT …/users/{id}/role`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleBody {
    pub role: Role,
}

/// `POST …/teams`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateTeamBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `PATCH …/teams/{id}`: any of the three.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EditTeamBody {
    pub name: Option<String>,
    pub description: Option<String>,
    pub access_settings: Option<serde_json::Value>,
}

/// `POST …/teams/{id}/members`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberBody {
    pub user_id: String,
}

/// `POST …/users/{id}/reactivate`: the team to add them to (All Users when absent).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReactivateBody {
    pub team_id: Option<String>,
}

/// `POST …/teams/merge-duplicates` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MergeQuery {
    #[serde(default)]
    pub dry_run: bool,
}

/// `GET …/audit` query (S4).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub source: Option<tessera_core::Source>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
}

/// The largest page any list returns.
pub(crate) const MAX_PAGE: i64 = 1000;

/// A requested page size, bounded.
pub(crate) fn page_size(limit: Option<i64>, default: i64) -> Result<i64, ApiError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_PAGE}, not {n}"
        ))),
    }
}
