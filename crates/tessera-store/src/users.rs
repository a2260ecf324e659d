//! User accounts created directly (the demo admin) and user listings.

use crate::orgs::{AuditWrite, append_audit, corrupt};
use crate::records::{NewUser, User};
use crate::schema::{memberships, teams, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, Result, Store, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tessera_core::{Email, OrgId, Role, TeamId, UserId, UserStatus};
use tessera_policy::Actor;

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    org_id: String,
    email: String,
    given_name: Option<String>,
    family_name: Option<String>,
    status: String,
    role: String,
    login_method: String,
    idp_email_normalized: Option<String>,
    scim_id: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
    first_login_at: Option<NaiveDateTime>,
    deactivated_at: Option<NaiveDateTime>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self> {
        Ok(User {
            id: row.id.parse().map_err(corrupt("users.id"))?,
            org_id: row.org_id.parse().map_err(corrupt("users.org_id"))?,
            email: Email::parse(&row.email).map_err(corrupt("users.email"))?,
            given_name: row.given_name,
            family_name: row.family_name,
            status: row.status.parse().map_err(corrupt("users.status"))?,
            role: row.role.parse().map_err(corrupt("users.role"))?,
            login_method: row
                .login_method
                .parse()
                .map_err(corrupt("users.login_method"))?,
            idp_connected: row.idp_email_normalized.is_some() || row.scim_id.is_some(),
            scim_managed: row.scim_id.is_some(),
            created_by: row
                .created_by
                .parse()
                .map_err(corrupt("users.created_by"))?,
            created_at: from_db(row.created_at),
            first_login_at: row.first_login_at.map(from_db),
            deactivated_at: row.deactivated_at.map(from_db),
        })
    }
}

fn built_in_team_id(conn: &mut DbConnection, org_id: OrgId, built_in: &str) -> Result<String> {
    Ok(teams::table
        .filter(teams::org_id.eq(org_id.to_string()))
        .filter(teams::built_in.eq(built_in))
        .select(teams::id)
        .first(conn)?)
}

impl Store {
    /// Creates a user in All Users (and in Account Admins when that is its role), in one
    /// transaction, and records it in the audit log.
    pub fn create_user(
        &self,
        org_id: OrgId,
        user: &NewUser,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<User> {
        self.in_write_transaction(|conn| {
            let taken: i64 = users::table
                .filter(users::org_id.eq(org_id.to_string()))
                .filter(users::email_normalized.eq(user.email.normalized()))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(StoreError::UserExists {
                    email: user.email.to_string(),
                });
            }
            let id = UserId::random();
            let at = to_db(now);
            diesel::insert_into(users::table)
                .values((
                    users::id.eq(id.to_string()),
                    users::org_id.eq(org_id.to_string()),
                    users::email.eq(user.email.as_str()),
                    users::email_normalized.eq(user.email.normalized()),
                    users::given_name.eq(&user.given_name),
                    users::family_name.eq(&user.family_name),
                    users::status.eq(user.status.as_str()),
                    users::role.eq(user.role.as_str()),
                    users::login_method.eq(user.login_method.as_str()),
                    users::created_by.eq(user.created_by.as_str()),
                    users::created_at.eq(at),
                    users::updated_at.eq(at),
                    users::first_login_at.eq((user.status == UserStatus::Active).then_some(at)),
                ))
                .execute(conn)?;
            let mut teams = vec![built_in_team_id(conn, org_id, "all_users")?];
            if user.role == Role::AccountAdmin {
                teams.push(built_in_team_id(conn, org_id, "account_admins")?);
            }
            for team_id in teams {
                diesel::insert_into(memberships::table)
                    .values((
                        memberships::team_id.eq(team_id),
                        memberships::user_id.eq(id.to_string()),
                        memberships::org_id.eq(org_id.to_string()),
                        memberships::source.eq(user.created_by.as_str()),
                        memberships::created_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            append_audit(
                conn,
                AuditWrite {
                    org_id,
                    actor,
                    action: "user.created",
                    target_kind: "user",
                    target_id: Some(id.to_string()),
                    target_label: Some(user.email.to_string()),
                    details: serde_json::json!({ "role": user.role, "status": user.status }),
                },
                now,
            )?;
            find_user(conn, id)
        })
    }

    /// A page of the org's users ordered by email, filtered by status and by whether
    /// they are IdP-connected (U8).
    pub fn users(&self, org_id: OrgId, filter: &UserFilter) -> Result<Vec<User>> {
        let mut query = users::table
            .filter(users::org_id.eq(org_id.to_string()))
            .order((users::email_normalized.asc(), users::id.asc()))
            .select(UserRow::as_select())
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(users::status.eq(status.as_str()));
        }
        match filter.idp_connected {
            Some(true) => {
                query = query.filter(
                    users::scim_id
                        .is_not_null()
                        .or(users::idp_email_normalized.is_not_null()),
                )
            }
            Some(false) => {
                query = query
                    .filter(users::scim_id.is_null())
                    .filter(users::idp_email_normalized.is_null())
            }
            None => {}
        }
        query
            .offset(filter.offset)
            .limit(filter.limit)
            .load(&mut *self.conn()?)?
            .into_iter()
            .map(User::try_from)
            .collect()
    }

    /// The org's user with this id.
    pub fn user(&self, org_id: OrgId, id: UserId) -> Result<Option<User>> {
        users::table
            .filter(users::org_id.eq(org_id.to_string()))
            .filter(users::id.eq(id.to_string()))
            .select(UserRow::as_select())
            // A unique key: no `.first()`, whose bound LIMIT SQLite re-prepares each run.
            .get_result(&mut *self.conn()?)
            .optional()?
            .map(User::try_from)
            .transpose()
    }

    /// The members of one of the org's teams, ordered by email.
    pub fn team_members(&self, org_id: OrgId, team_id: TeamId) -> Result<Vec<User>> {
        users::table
            .inner_join(memberships::table.on(memberships::user_id.eq(users::id)))
            .filter(memberships::org_id.eq(org_id.to_string()))
            .filter(memberships::team_id.eq(team_id.to_string()))
            .order((users::email_normalized.asc(), users::id.asc()))
            .select(UserRow::as_select())
            .load(&mut *self.conn()?)?
            .into_iter()
            .map(User::try_from)
            .collect()
    }

    /// The names of the teams a user belongs to, by name.
    pub fn teams_of_user(&self, org_id: OrgId, user_id: UserId) -> Result<Vec<String>> {
        Ok(teams::table
            .inner_join(memberships::table.on(memberships::team_id.eq(teams::id)))
            .filter(memberships::org_id.eq(org_id.to_string()))
            .filter(memberships::user_id.eq(user_id.to_string()))
            .order(teams::name_normalized.asc())
            .select(teams::name)
            .load(&mut *self.conn()?)?)
    }

    /// The ids of the teams a user belongs to (their profile's team list).
    pub fn team_ids_of_user(&self, org_id: OrgId, user_id: UserId) -> Result<Vec<TeamId>> {
        let ids: Vec<String> = memberships::table
            .filter(memberships::org_id.eq(org_id.to_string()))
            .filter(memberships::user_id.eq(user_id.to_string()))
            .select(memberships::team_id)
            .load(&mut *self.conn()?)?;
        ids.iter()
            .map(|id| id.parse().map_err(corrupt("memberships.team_id")))
            .collect()
    }

    /// The org's user with this email (case-insensitive).
    pub fn user_by_email(&self, org_id: OrgId, email: &Email) -> Result<Option<User>> {
        users::table
            .filter(users::org_id.eq(org_id.to_string()))
            .filter(users::email_normalized.eq(email.normalized()))
            .select(UserRow::as_select())
            // A unique key: no `.first()`, whose bound LIMIT SQLite re-prepares each run.
            .get_result(&mut *self.conn()?)
            .optional()?
            .map(User::try_from)
            .transpose()
    }
}

/// Which users [`Store::users`] lists.
#[derive(Debug, Clone)]
pub struct UserFilter {
    /// Only users in this status.
    pub status: Option<UserStatus>,
    /// Only users that are (or are not) IdP-connected.
    pub idp_connected: Option<bool>,
    /// How many to skip.
    pub offset: i64,
    /// How many at most.
    pub limit: i64,
}

impl Default for UserFilter {
    fn default() -> Self {
        Self {
            status: None,
            idp_connected: None,
            offset: 0,
            limit: 1000,
        }
    }
}

fn find_user(conn: &mut DbConnection, id: UserId) -> Result<User> {
    users::table
        .filter(users::id.eq(id.to_string()))
        .select(UserRow::as_select())
        // A unique key: no `.first()`, whose bound LIMIT SQLite re-prepares each run.
        .get_result(conn)?
        .try_into()
}
