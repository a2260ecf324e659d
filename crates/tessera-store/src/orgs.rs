//! Orgs, their built-in teams and their audit log.

use crate::records::{AuditEntry, Org, OrgSummary, Team};
use crate::schema::{audit_log, memberships, orgs, teams, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, Result, Store, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tessera_core::{CoreError, OrgId, OrgKind, Source, TeamId, WorkspaceName};
use tessera_policy::{Actor, TeamKind};

/// The display names of the two built-in teams (T1).
pub(crate) const ALL_USERS: &str = "All Users";
/// See [`ALL_USERS`].
pub(crate) const ACCOUNT_ADMINS: &str = "Account Admins";

#[derive(Queryable, Selectable)]
#[diesel(table_name = orgs)]
struct OrgRow {
    id: String,
    name: String,
    kind: String,
    sso_enabled: bool,
    connection_mode: Option<String>,
    walkthrough_step: String,
    allow_idp_initiated: bool,
    allow_sha1: bool,
    salesforce_profile_import: bool,
    salesforce_invitations: bool,
    connected_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

pub(crate) fn corrupt(what: &'static str) -> impl FnOnce(CoreError) -> StoreError {
    move |source| StoreError::Corrupt { what, source }
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(row: OrgRow) -> Result<Self> {
        Ok(Org {
            id: row.id.parse().map_err(corrupt("orgs.id"))?,
            name: WorkspaceName::parse(&row.name).map_err(corrupt("orgs.name"))?,
            kind: row.kind.parse().map_err(corrupt("orgs.kind"))?,
            sso_enabled: row.sso_enabled,
            connection_mode: row
                .connection_mode
                .map(|m| m.parse())
                .transpose()
                .map_err(corrupt("orgs.connection_mode"))?,
            walkthrough_step: row
                .walkthrough_step
                .parse()
                .map_err(corrupt("orgs.walkthrough_step"))?,
            allow_idp_initiated: row.allow_idp_initiated,
            allow_sha1: row.allow_sha1,
            salesforce_profile_import: row.salesforce_profile_import,
            salesforce_invitations: row.salesforce_invitations,
            connected_at: row.connected_at.map(from_db),
            created_at: from_db(row.created_at),
        })
    }
}

/// The audit log's name and channel of an actor: an account admin's email (looked up
/// on `conn`), `operator` or `system`.
fn audit_label(conn: &mut DbConnection, actor: &Actor) -> Result<(String, Source)> {
    Ok(match actor {
        Actor::Operator => ("operator".to_owned(), Source::Cli),
        Actor::System => ("system".to_owned(), Source::System),
        Actor::User(id) => {
            let email: Option<String> = users::table
                .filter(users::id.eq(id.to_string()))
                .select(users::email)
                .first(conn)
                .optional()?;
            let email = email.ok_or_else(|| StoreError::UnknownUserId { id: id.to_string() })?;
            (email, Source::App)
        }
    })
}

/// Every org, by name.
fn load_orgs(conn: &mut DbConnection) -> Result<Vec<Org>> {
    let rows: Vec<OrgRow> = orgs::table
        .order(orgs::name.asc())
        .select(OrgRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Org::try_from).collect()
}

pub(crate) fn find_org(conn: &mut DbConnection, name: &WorkspaceName) -> Result<Org> {
    // No `.first()`: names are unique, and SQLite re-prepares a statement with a bound
    // LIMIT on every run (this lookup starts every SCIM request).
    let rows: Vec<OrgRow> = orgs::table
        .filter(orgs::name.eq(name.as_str()))
        .select(OrgRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .next()
        .ok_or_else(|| StoreError::OrgNotFound {
            name: name.to_string(),
        })?
        .try_into()
}

pub(crate) struct AuditWrite<'a> {
    pub org_id: OrgId,
    pub actor: &'a Actor,
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub details: serde_json::Value,
}

pub(crate) fn append_audit(
    conn: &mut DbConnection,
    entry: AuditWrite<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (actor, source) = audit_label(conn, entry.actor)?;
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::org_id.eq(entry.org_id.to_string()),
            audit_log::at.eq(to_db(now)),
            audit_log::actor.eq(actor),
            audit_log::source.eq(source.as_str()),
            audit_log::action.eq(entry.action),
            audit_log::target_kind.eq(entry.target_kind),
            audit_log::target_id.eq(entry.target_id),
            audit_log::target_label.eq(entry.target_label),
            audit_log::details.eq(entry.details.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

impl Store {
    /// Creates an org with its two built-in teams, All Users and Account Admins (T1),
    /// in one transaction.
    pub fn create_org(
        &self,
        name: &WorkspaceName,
        kind: OrgKind,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Org> {
        self.in_write_transaction(|conn| {
            let taken: i64 = orgs::table
                .filter(orgs::name.eq(name.as_str()))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(StoreError::OrgExists {
                    name: name.to_string(),
                });
            }
            let id = OrgId::random();
            let at = to_db(now);
            diesel::insert_into(orgs::table)
                .values((
                    orgs::id.eq(id.to_string()),
                    orgs::name.eq(name.as_str()),
                    orgs::kind.eq(kind.as_str()),
                    orgs::created_at.eq(at),
                    orgs::updated_at.eq(at),
                ))
                .execute(conn)?;
            for (team_name, built_in) in
                [(ALL_USERS, "all_users"), (ACCOUNT_ADMINS, "account_admins")]
            {
                diesel::insert_into(teams::table)
                    .values((
                        teams::id.eq(TeamId::random().to_string()),
                        teams::org_id.eq(id.to_string()),
                        teams::name.eq(team_name),
                        teams::name_normalized.eq(team_name.to_lowercase()),
                        teams::built_in.eq(built_in),
                        teams::created_at.eq(at),
                        teams::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            append_audit(
                conn,
                AuditWrite {
                    org_id: id,
                    actor,
                    action: "org.created",
                    target_kind: "org",
                    target_id: Some(id.to_string()),
                    target_label: Some(name.to_string()),
                    details: serde_json::json!({ "kind": kind }),
                },
                now,
            )?;
            find_org(conn, name)
        })
    }

    /// The org with this id.
    pub fn org_by_id(&self, id: OrgId) -> Result<Org> {
        orgs::table
            .filter(orgs::id.eq(id.to_string()))
            .select(OrgRow::as_select())
            .first(&mut *self.conn()?)
            .optional()?
            .ok_or_else(|| StoreError::OrgNotFound {
                name: id.to_string(),
            })?
            .try_into()
    }

    /// The orgs in which a user has this email (case-insensitive), by name: the login
    /// page asks which one when there are several.
    pub fn orgs_of_email(&self, email: &tessera_core::Email) -> Result<Vec<Org>> {
        let rows: Vec<OrgRow> = orgs::table
            .inner_join(users::table.on(users::org_id.eq(orgs::id)))
            .filter(users::email_normalized.eq(email.normalized()))
            .order(orgs::name.asc())
            .select(OrgRow::as_select())
            .load(&mut *self.conn()?)?;
        rows.into_iter().map(Org::try_from).collect()
    }

    /// The org with this workspace name.
    pub fn org(&self, name: &WorkspaceName) -> Result<Org> {
        find_org(&mut *self.conn()?, name)
    }

    /// Every org, by name, in one query: for sweeps over all orgs.
    pub fn orgs(&self) -> Result<Vec<Org>> {
        load_orgs(&mut *self.conn()?)
    }

    /// Every org, by name, with head counts (two counts per org: for listings).
    pub fn list_orgs(&self) -> Result<Vec<OrgSummary>> {
        let mut conn = self.conn()?;
        load_orgs(&mut conn)?
            .into_iter()
            .map(|org| {
                let id = org.id.to_string();
                let users = users::table
                    .filter(users::org_id.eq(&id))
                    .count()
                    .get_result(&mut *conn)?;
                let teams = teams::table
                    .filter(teams::org_id.eq(&id))
                    .count()
                    .get_result(&mut *conn)?;
                Ok(OrgSummary { org, users, teams })
            })
            .collect()
    }

    /// Whether any org exists (the server creates the demo org on an empty database).
    pub fn has_orgs(&self) -> Result<bool> {
        let count: i64 = orgs::table.count().get_result(&mut *self.conn()?)?;
        Ok(count > 0)
    }

    /// Switches the operator's SSO/SCIM feature gate (W3) and records who did it.
    /// Returns the org as it now stands; setting the current value changes nothing.
    pub fn set_sso_enabled(
        &self,
        name: &WorkspaceName,
        enabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Org> {
        self.in_write_transaction(|conn| {
            let org = find_org(conn, name)?;
            if org.sso_enabled == enabled {
                return Ok(org);
            }
            diesel::update(orgs::table.filter(orgs::id.eq(org.id.to_string())))
                .set((
                    orgs::sso_enabled.eq(enabled),
                    orgs::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            append_audit(
                conn,
                AuditWrite {
                    org_id: org.id,
                    actor,
                    action: if enabled {
                        "org.sso_enabled"
                    } else {
                        "org.sso_disabled"
                    },
                    target_kind: "org",
                    target_id: Some(org.id.to_string()),
                    target_label: Some(name.to_string()),
                    details: serde_json::json!({}),
                },
                now,
            )?;
            find_org(conn, name)
        })
    }

    /// The org's teams: built-in ones first, then by name.
    pub fn teams(&self, org_id: OrgId) -> Result<Vec<Team>> {
        let mut conn = self.conn()?;
        /// id, name, description, access settings, built-in kind, IdP-managed, duplicate.
        type Row = (String, String, String, String, Option<String>, bool, bool);
        let rows: Vec<Row> = teams::table
            .filter(teams::org_id.eq(org_id.to_string()))
            .order((
                teams::built_in.is_null(),
                teams::built_in.desc(),
                teams::name_normalized.asc(),
                teams::id.asc(),
            ))
            .select((
                teams::id,
                teams::name,
                teams::description,
                teams::access_settings,
                teams::built_in,
                teams::idp_managed,
                teams::duplicate,
            ))
            .load(&mut *conn)?;
        rows.into_iter()
            .map(
                |(id, name, description, access, built_in, idp_managed, duplicate)| {
                    let members = memberships::table
                        .filter(memberships::team_id.eq(&id))
                        .count()
                        .get_result(&mut *conn)?;
                    let kind = match (built_in.as_deref(), idp_managed) {
                        (Some("all_users"), _) => TeamKind::AllUsers,
                        (Some(_), _) => TeamKind::AccountAdmins,
                        (None, true) => TeamKind::IdpManaged,
                        (None, false) => TeamKind::Local,
                    };
                    Ok(Team {
                        id: id.parse().map_err(corrupt("teams.id"))?,
                        name,
                        description,
                        access_settings: serde_json::from_str(&access)
                            .unwrap_or_else(|_| serde_json::json!({})),
                        kind,
                        duplicate,
                        members,
                    })
                },
            )
            .collect()
    }

    /// The org's audit log, newest first, filtered (S4).
    pub fn audit(&self, org_id: OrgId, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        type Row = (
            NaiveDateTime,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let mut query = audit_log::table
            .filter(audit_log::org_id.eq(org_id.to_string()))
            .into_boxed();
        if let Some(actor) = &filter.actor {
            query = query.filter(audit_log::actor.eq(actor.clone()));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_log::action.eq(action.clone()));
        }
        if let Some(source) = filter.source {
            query = query.filter(audit_log::source.eq(source.as_str()));
        }
        if let Some(since) = filter.since {
            query = query.filter(audit_log::at.ge(to_db(since)));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::at.lt(to_db(until)));
        }
        let rows: Vec<Row> = query
            .order(audit_log::id.desc())
            .limit(filter.limit)
            .select((
                audit_log::at,
                audit_log::actor,
                audit_log::source,
                audit_log::action,
                audit_log::target_kind,
                audit_log::target_id,
                audit_log::target_label,
                audit_log::details,
            ))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(
                |(at, actor, source, action, target_kind, target_id, target_label, details)| {
                    Ok(AuditEntry {
                        at: from_db(at),
                        actor,
                        source: source.parse().map_err(corrupt("audit_log.source"))?,
                        action,
                        target_kind,
                        target_id,
                        target_label,
                        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                    })
                },
            )
            .collect()
    }
}

/// Which audit entries [`Store::audit`] returns.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    /// Only entries by this actor (an email, `operator`, `scim`, `system`).
    pub actor: Option<String>,
    /// Only entries with this action (e.g. `user.created`).
    pub action: Option<String>,
    /// Only entries through this channel.
    pub source: Option<Source>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
    /// At most this many.
    pub limit: i64,
}

impl Default for AuditFilter {
    fn default() -> Self {
        Self {
            actor: None,
            action: None,
            source: None,
            since: None,
            until: None,
            limit: 100,
        }
    }
}
