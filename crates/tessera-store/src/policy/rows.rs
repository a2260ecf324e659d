//! Full `users` and `teams` rows, mapped onto the policy engine's records.

use crate::orgs::corrupt;
use crate::schema::{teams, users};
use crate::time::from_db;
use crate::{Result, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tessera_core::{Email, UserName};
use tessera_policy::{BuiltInTeam, TeamRecord, UserRecord};

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct FullUserRow {
    id: String,
    email: String,
    given_name: Option<String>,
    family_name: Option<String>,
    display_name: Option<String>,
    status: String,
    role: String,
    login_method: String,
    idp_email_normalized: Option<String>,
    scim_id: Option<String>,
    scim_user_name: Option<String>,
    external_id: Option<String>,
    scim_attributes: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    first_login_at: Option<NaiveDateTime>,
    deactivated_at: Option<NaiveDateTime>,
    version: i64,
}

impl TryFrom<FullUserRow> for UserRecord {
    type Error = StoreError;
    fn try_from(row: FullUserRow) -> Result<Self> {
        Ok(UserRecord {
            id: row.id.parse().map_err(corrupt("users.id"))?,
            email: Email::parse(&row.email).map_err(corrupt("users.email"))?,
            given_name: row.given_name,
            family_name: row.family_name,
            display_name: row.display_name,
            status: row.status.parse().map_err(corrupt("users.status"))?,
            role: row.role.parse().map_err(corrupt("users.role"))?,
            login_method: row
                .login_method
                .parse()
                .map_err(corrupt("users.login_method"))?,
            idp_email: row
                .idp_email_normalized
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(corrupt("users.idp_email_normalized"))?,
            scim_id: row.scim_id,
            scim_user_name: row
                .scim_user_name
                .as_deref()
                .map(UserName::parse)
                .transpose()
                .map_err(corrupt("users.scim_user_name"))?,
            external_id: row.external_id,
            scim_attributes: row.scim_attributes,
            created_by: row
                .created_by
                .parse()
                .map_err(corrupt("users.created_by"))?,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
            first_login_at: row.first_login_at.map(from_db),
            deactivated_at: row.deactivated_at.map(from_db),
            version: row.version,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = teams)]
pub(crate) struct FullTeamRow {
    id: String,
    name: String,
    description: String,
    access_settings: String,
    built_in: Option<String>,
    idp_managed: bool,
    scim_id: Option<String>,
    external_id: Option<String>,
    duplicate: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// The stored `built_in` value of a built-in team.
pub(crate) fn built_in_from_db(value: &str) -> Option<BuiltInTeam> {
    BuiltInTeam::ALL
        .into_iter()
        .find(|team| team.as_str() == value)
}

impl TryFrom<FullTeamRow> for TeamRecord {
    type Error = StoreError;
    fn try_from(row: FullTeamRow) -> Result<Self> {
        Ok(TeamRecord {
            id: row.id.parse().map_err(corrupt("teams.id"))?,
            name: row.name,
            description: row.description,
            access_settings: serde_json::from_str(&row.access_settings)
                .unwrap_or_else(|_| serde_json::json!({})),
            built_in: row.built_in.as_deref().and_then(built_in_from_db),
            idp_managed: row.idp_managed,
            scim_id: row.scim_id,
            external_id: row.external_id,
            duplicate: row.duplicate,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
            version: row.version,
        })
    }
}
