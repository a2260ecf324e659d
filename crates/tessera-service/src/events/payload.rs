//! The shapes events carry: a user as the admin API shows it, a team, and the short
//! references of membership events.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use tessera_core::{Email, LoginMethod, OrgId, Role, Source, TeamId, UserId, UserStatus};
use tessera_policy::{TeamKind, TeamRecord, UserRecord};

/// A user as the admin API's `GET …/users/{id}` shows it (the same fields, names and
/// values; `tessera-http` checks the two agree).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventUser {
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
    /// The IdP mark: linked to the org's IdP (U8).
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
    /// `Pending`, `Accepted` or `Deactivated` (U1).
    pub status_label: &'static str,
}

impl EventUser {
    /// The user of `org` as events show it.
    pub fn of(org: OrgId, user: &UserRecord) -> Self {
        Self {
            id: user.id,
            org_id: org,
            email: user.email.clone(),
            given_name: user.given_name.clone(),
            family_name: user.family_name.clone(),
            status: user.status,
            role: user.role,
            login_method: user.login_method,
            idp_connected: user.idp_connected(),
            scim_managed: user.is_scim_managed(),
            created_by: user.created_by,
            created_at: user.created_at,
            first_login_at: user.first_login_at,
            deactivated_at: user.deactivated_at,
            status_label: user.status.label(),
        }
    }
}

/// A team as events show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventTeam {
    /// Its id.
    pub id: TeamId,
    /// Its display name.
    pub name: String,
    /// Free text shown in the app.
    pub description: String,
    /// Access settings (a JSON object).
    pub access_settings: Value,
    /// Built-in, local or IdP-managed.
    pub kind: TeamKind,
}

impl EventTeam {
    /// The team as events show it.
    pub fn of(team: &TeamRecord) -> Self {
        Self {
            id: team.id,
            name: team.name.clone(),
            description: team.description.clone(),
            access_settings: team.access_settings.clone(),
            kind: team.kind(),
        }
    }
}

/// `{id, email}` of a user.
pub(crate) fn user_ref(user: &UserRecord) -> Value {
    json!({ "id": user.id, "email": user.email })
}

/// `{id, name}` of a team.
pub(crate) fn team_ref(team: &TeamRecord) -> Value {
    json!({ "id": team.id, "name": team.name })
}

/// Serializes a payload shape (they all serialize).
pub(crate) fn to_value(shape: impl Serialize) -> Value {
    serde_json::to_value(shape).unwrap_or(Value::Null)
}

/// The fields of `before` whose values differ in `after`, with their `before` values.
pub(crate) fn previous(before: &Value, after: &Value) -> Map<String, Value> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return Map::new();
    };
    before
        .iter()
        .filter(|(field, value)| after.get(field.as_str()) != Some(value))
        .map(|(field, value)| (field.clone(), value.clone()))
        .collect()
}
