//! Writes a decision's changes, audit entries and invitations inside the deciding
//! transaction.

use super::execute::Attempt;
use crate::DbConnection;
use crate::cached::CachedDsl;
use crate::connection::execute;
use crate::schema::{
    admin_tokens, audit_log, invitations, memberships, orgs, pending_memberships, sessions, teams,
    users,
};
use crate::time::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tessera_core::OrgId;
use tessera_policy::{Change, Decision, TeamRecord, UserRecord, team_name_key};

/// Applies `decision` for `org_id`. An update whose row changed since it was read
/// (version mismatch) asks for the whole command to be decided again.
pub(crate) fn apply(
    conn: &mut DbConnection,
    org_id: OrgId,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<(), Attempt> {
    let org = org_id.to_string();
    for change in &decision.changes {
        apply_change(conn, &org, change, now)?;
    }
    for entry in &decision.audit {
        execute!(
            conn,
            diesel::insert_into(audit_log::table).values((
                audit_log::org_id.eq(&org),
                audit_log::at.eq(to_db(entry.at)),
                audit_log::actor.eq(&entry.actor),
                audit_log::source.eq(entry.source.as_str()),
                audit_log::action.eq(entry.action),
                audit_log::target_kind.eq(entry.target_kind),
                audit_log::target_id.eq(&entry.target_id),
                audit_log::target_label.eq(&entry.target_label),
                audit_log::details.eq(entry.details.to_string()),
            ))
        )?;
    }
    for invitation in &decision.invitations {
        execute!(
            conn,
            diesel::insert_into(invitations::table).values((
                invitations::id.eq(uuid::Uuid::new_v4().to_string()),
                invitations::org_id.eq(&org),
                invitations::user_id.eq(invitation.user.to_string()),
                invitations::email.eq(invitation.email.as_str()),
                invitations::reason.eq(invitation.reason.as_str()),
                invitations::created_at.eq(to_db(invitation.at)),
            ))
        )?;
    }
    Ok(())
}

fn apply_change(
    conn: &mut DbConnection,
    org: &str,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<(), Attempt> {
    match change {
        Change::InsertUser(user) => insert_user(conn, org, user)?,
        Change::UpdateUser(user) => update_user(conn, org, user)?,
        Change::DeleteUser(id) => {
            let id = id.to_string();
            execute!(
                conn,
                diesel::delete(memberships::table.filter(memberships::user_id.eq(&id)))
            )?;
            execute!(
                conn,
                diesel::delete(invitations::table.filter(invitations::user_id.eq(&id)))
            )?;
            execute!(
                conn,
                diesel::delete(sessions::table.filter(sessions::user_id.eq(&id)))
            )?;
            execute!(
                conn,
                diesel::delete(admin_tokens::table.filter(admin_tokens::user_id.eq(&id)))
            )?;
            expect_one(execute!(
                conn,
                diesel::delete(
                    users::table
                        .filter(users::id.eq(&id))
                        .filter(users::org_id.eq(org)),
                )
            )?)?;
        }
        Change::LinkIdpEmail {
            user,
            idp_email,
            at,
        } => {
            expect_one(execute!(
                conn,
                diesel::update(
                    users::table
                        .filter(users::id.eq(user.to_string()))
                        .filter(users::org_id.eq(org)),
                )
                .set((
                    users::idp_email_normalized
                        .eq(idp_email.as_ref().map(|e| e.normalized().to_owned())),
                    users::updated_at.eq(to_db(*at)),
                    users::version.eq(users::version + 1),
                ))
                .cached()
            )?)?;
        }
        Change::RevokeSessions { user, at } => {
            execute!(
                conn,
                diesel::update(
                    sessions::table
                        .filter(sessions::user_id.eq(user.to_string()))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(to_db(*at)))
                .cached()
            )?;
            execute!(
                conn,
                diesel::update(
                    admin_tokens::table
                        .filter(admin_tokens::user_id.eq(user.to_string()))
                        .filter(admin_tokens::revoked_at.is_null()),
                )
                .set(admin_tokens::revoked_at.eq(to_db(*at)))
                .cached()
            )?;
        }
        Change::InsertTeam(team) => insert_team(conn, org, team)?,
        Change::UpdateTeam(team) => update_team(conn, org, team)?,
        Change::DeleteTeam(id) => {
            let id = id.to_string();
            execute!(
                conn,
                diesel::delete(memberships::table.filter(memberships::team_id.eq(&id)))
            )?;
            execute!(
                conn,
                diesel::delete(
                    pending_memberships::table.filter(pending_memberships::team_id.eq(&id))
                )
            )?;
            expect_one(execute!(
                conn,
                diesel::delete(
                    teams::table
                        .filter(teams::id.eq(&id))
                        .filter(teams::org_id.eq(org)),
                )
            )?)?;
        }
        Change::AddMembership(membership) => {
            execute!(
                conn,
                diesel::insert_into(memberships::table).values((
                    memberships::team_id.eq(membership.team.to_string()),
                    memberships::user_id.eq(membership.user.to_string()),
                    memberships::org_id.eq(org),
                    memberships::source.eq(membership.source.as_str()),
                    memberships::created_at.eq(to_db(membership.created_at)),
                ))
            )?;
        }
        Change::RemoveMembership { team, user } => {
            execute!(
                conn,
                diesel::delete(
                    memberships::table
                        .filter(memberships::team_id.eq(team.to_string()))
                        .filter(memberships::user_id.eq(user.to_string())),
                )
            )?;
        }
        Change::AddPending(pending) => {
            execute!(
                conn,
                diesel::insert_into(pending_memberships::table).values((
                    pending_memberships::team_id.eq(pending.team.to_string()),
                    pending_memberships::member_ref.eq(&pending.member_ref),
                    pending_memberships::org_id.eq(org),
                    pending_memberships::created_at.eq(to_db(pending.created_at)),
                ))
            )?;
        }
        Change::ClearPending { team, member_ref } => {
            execute!(
                conn,
                diesel::delete(
                    pending_memberships::table
                        .filter(pending_memberships::team_id.eq(team.to_string()))
                        .filter(pending_memberships::member_ref.eq(member_ref)),
                )
            )?;
        }
        Change::UpdateOrg(record) => {
            expect_one(execute!(
                conn,
                diesel::update(orgs::table.filter(orgs::id.eq(org)))
                    .set((
                        orgs::connection_mode.eq(record.connection_mode.map(|m| m.as_str())),
                        orgs::connected_at.eq(record.connected_at.map(to_db)),
                        orgs::salesforce_profile_import.eq(record.salesforce_profile_import),
                        orgs::salesforce_invitations.eq(record.salesforce_invitations),
                        orgs::updated_at.eq(to_db(now)),
                    ))
                    .cached()
            )?)?;
        }
    }
    Ok(())
}

/// An update or delete that touched no row lost a race: decide again.
fn expect_one(rows: usize) -> Result<(), Attempt> {
    if rows == 1 {
        Ok(())
    } else {
        Err(Attempt::Retry)
    }
}

fn insert_user(conn: &mut DbConnection, org: &str, user: &UserRecord) -> Result<(), Attempt> {
    execute!(
        conn,
        diesel::insert_into(users::table).values((
            (
                users::id.eq(user.id.to_string()),
                users::org_id.eq(org),
                users::created_by.eq(user.created_by.as_str()),
                users::created_at.eq(to_db(user.created_at)),
                users::version.eq(user.version),
            ),
            user_columns(user),
        ))
    )?;
    Ok(())
}

/// Every column of `user` a decision may change.
#[allow(clippy::type_complexity)] // the tuple is diesel's own insert/update shape
fn user_columns(
    user: &UserRecord,
) -> (
    (
        diesel::dsl::Eq<users::email, &str>,
        diesel::dsl::Eq<users::email_normalized, &str>,
        diesel::dsl::Eq<users::given_name, Option<&str>>,
        diesel::dsl::Eq<users::family_name, Option<&str>>,
        diesel::dsl::Eq<users::display_name, Option<&str>>,
        diesel::dsl::Eq<users::status, &'static str>,
        diesel::dsl::Eq<users::role, &'static str>,
        diesel::dsl::Eq<users::login_method, &'static str>,
    ),
    (
        diesel::dsl::Eq<users::idp_email_normalized, Option<&str>>,
        diesel::dsl::Eq<users::scim_id, Option<&str>>,
        diesel::dsl::Eq<users::scim_user_name, Option<&str>>,
        diesel::dsl::Eq<users::scim_user_name_normalized, Option<&str>>,
        diesel::dsl::Eq<users::external_id, Option<&str>>,
        diesel::dsl::Eq<users::scim_attributes, Option<&str>>,
        diesel::dsl::Eq<users::updated_at, chrono::NaiveDateTime>,
        diesel::dsl::Eq<users::first_login_at, Option<chrono::NaiveDateTime>>,
        diesel::dsl::Eq<users::deactivated_at, Option<chrono::NaiveDateTime>>,
    ),
) {
    (
        (
            users::email.eq(user.email.as_str()),
            users::email_normalized.eq(user.email.normalized()),
            users::given_name.eq(user.given_name.as_deref()),
            users::family_name.eq(user.family_name.as_deref()),
            users::display_name.eq(user.display_name.as_deref()),
            users::status.eq(user.status.as_str()),
            users::role.eq(user.role.as_str()),
            users::login_method.eq(user.login_method.as_str()),
        ),
        (
            users::idp_email_normalized.eq(user.idp_email.as_ref().map(|e| e.normalized())),
            users::scim_id.eq(user.scim_id.as_deref()),
            users::scim_user_name.eq(user.scim_user_name.as_ref().map(|n| n.as_str())),
            users::scim_user_name_normalized
                .eq(user.scim_user_name.as_ref().map(|n| n.normalized())),
            users::external_id.eq(user.external_id.as_deref()),
            users::scim_attributes.eq(user.scim_attributes.as_deref()),
            users::updated_at.eq(to_db(user.updated_at)),
            users::first_login_at.eq(user.first_login_at.map(to_db)),
            users::deactivated_at.eq(user.deactivated_at.map(to_db)),
        ),
    )
}

/// Writes every column of `user` a decision may change where the stored version is
/// `user.version` (the one the decision read), and moves the version on by one.
fn update_user(conn: &mut DbConnection, org: &str, user: &UserRecord) -> Result<(), Attempt> {
    let rows = execute!(
        conn,
        diesel::update(
            users::table
                .filter(users::id.eq(user.id.to_string()))
                .filter(users::org_id.eq(org))
                .filter(users::version.eq(user.version)),
        )
        .set((user_columns(user), users::version.eq(user.version + 1)))
        .cached()
    )?;
    expect_one(rows)
}

fn insert_team(conn: &mut DbConnection, org: &str, team: &TeamRecord) -> Result<(), Attempt> {
    execute!(
        conn,
        diesel::insert_into(teams::table).values((
            teams::id.eq(team.id.to_string()),
            teams::org_id.eq(org),
            teams::built_in.eq(team.built_in.map(|b| b.as_str())),
            teams::created_at.eq(to_db(team.created_at)),
            teams::version.eq(team.version),
            team_columns(team),
        ))
    )?;
    Ok(())
}

/// Every column of `team` a decision may change.
#[allow(clippy::type_complexity)] // the tuple is diesel's own insert/update shape
fn team_columns(
    team: &TeamRecord,
) -> (
    diesel::dsl::Eq<teams::name, &str>,
    diesel::dsl::Eq<teams::name_normalized, String>,
    diesel::dsl::Eq<teams::description, &str>,
    diesel::dsl::Eq<teams::access_settings, String>,
    diesel::dsl::Eq<teams::idp_managed, bool>,
    diesel::dsl::Eq<teams::scim_id, Option<&str>>,
    diesel::dsl::Eq<teams::external_id, Option<&str>>,
    diesel::dsl::Eq<teams::duplicate, bool>,
    diesel::dsl::Eq<teams::updated_at, chrono::NaiveDateTime>,
) {
    (
        teams::name.eq(team.name.as_str()),
        teams::name_normalized.eq(team_name_key(&team.name)),
        teams::description.eq(team.description.as_str()),
        teams::access_settings.eq(team.access_settings.to_string()),
        teams::idp_managed.eq(team.idp_managed),
        teams::scim_id.eq(team.scim_id.as_deref()),
        teams::external_id.eq(team.external_id.as_deref()),
        teams::duplicate.eq(team.duplicate),
        teams::updated_at.eq(to_db(team.updated_at)),
    )
}

/// Writes every column of `team` a decision may change where the stored version is
/// `team.version`, and moves the version on by one.
fn update_team(conn: &mut DbConnection, org: &str, team: &TeamRecord) -> Result<(), Attempt> {
    let rows = execute!(
        conn,
        diesel::update(
            teams::table
                .filter(teams::id.eq(team.id.to_string()))
                .filter(teams::org_id.eq(org))
                .filter(teams::version.eq(team.version)),
        )
        .set((team_columns(team), teams::version.eq(team.version + 1)))
        .cached()
    )?;
    expect_one(rows)
}
