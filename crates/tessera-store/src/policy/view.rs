//! `OrgView` over a connection inside the deciding transaction: targeted lookups only.

use super::rows::{FullTeamRow, FullUserRow};
use crate::connection::on_backend;
use crate::orgs::corrupt;
use crate::schema::{memberships, orgs, pending_memberships, teams, users};
use crate::time::from_db;
use crate::{DbConnection, Result, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::cell::RefCell;
use std::collections::HashSet;
use tessera_core::{Email, OrgId, TeamId, UserId, UserName};
use tessera_policy::{
    BuiltInTeam, IdentityMatches, OrgRecord, OrgView, PendingMembership, TeamRecord, UserRecord,
    team_name_key,
};

/// One org's state as the policy engine sees it, read through `conn`.
pub(crate) struct TransactionView<'c> {
    conn: RefCell<&'c mut DbConnection>,
    org_id: String,
    /// Teams read in this transaction without a SCIM id and not changed since (see
    /// [`Self::forget_teams`]): not SCIM groups, so their version is no ETag to move.
    without_scim_id: RefCell<HashSet<TeamId>>,
}

impl<'c> TransactionView<'c> {
    pub(crate) fn new(conn: &'c mut DbConnection, org_id: OrgId) -> Self {
        Self {
            conn: RefCell::new(conn),
            org_id: org_id.to_string(),
            without_scim_id: RefCell::new(HashSet::new()),
        }
    }

    /// Whether `team` was read in this transaction without a SCIM id (and no team
    /// change has been applied since).
    pub(crate) fn known_without_scim_id(&self, team: TeamId) -> bool {
        self.without_scim_id.borrow().contains(&team)
    }

    /// Forgets what was read of teams: called before a decision that changes teams.
    pub(crate) fn forget_teams(&self) {
        self.without_scim_id.borrow_mut().clear();
    }

    /// The transaction's connection, for the writes of the same transaction.
    pub(crate) fn connection(&self) -> std::cell::RefMut<'_, &'c mut DbConnection> {
        self.conn.borrow_mut()
    }

    fn user_where(&self, by: UserKey) -> Result<Option<UserRecord>> {
        let org = users::org_id.eq(self.org_id.as_str());
        // One static statement per key, straight on the backend: diesel finds it in
        // its cache by type, without rendering its SQL. Every key but `ExternalId` is
        // unique; `load` rather than `first`, whose bound `LIMIT ?` makes SQLite
        // (3.47+) prepare the statement again on every run.
        let rows: Vec<FullUserRow> = on_backend!(&mut **self.conn.borrow_mut(), |c| {
            let all = users::table.filter(org).select(FullUserRow::as_select());
            match &by {
                UserKey::Id(id) => all.filter(users::id.eq(id)).load(c),
                UserKey::Email(key) => all.filter(users::email_normalized.eq(key)).load(c),
                UserKey::IdpEmail(key) => all.filter(users::idp_email_normalized.eq(key)).load(c),
                UserKey::ScimId(key) => all.filter(users::scim_id.eq(key)).load(c),
                UserKey::ScimUserName(key) => {
                    all.filter(users::scim_user_name_normalized.eq(key)).load(c)
                }
                UserKey::ExternalId(key) => all
                    .filter(users::external_id.eq(key))
                    .filter(users::scim_id.is_not_null())
                    .order(users::id.asc())
                    .load(c),
            }
        })?;
        rows.into_iter()
            .next()
            .map(UserRecord::try_from)
            .transpose()
    }

    fn teams_where(&self, by: TeamKey) -> Result<Vec<TeamRecord>> {
        let org = teams::org_id.eq(self.org_id.as_str());
        let rows: Vec<FullTeamRow> = on_backend!(&mut **self.conn.borrow_mut(), |c| {
            let all = teams::table
                .filter(org)
                .select(FullTeamRow::as_select())
                .order(teams::id.asc());
            match &by {
                TeamKey::Id(id) => all.filter(teams::id.eq(id)).load(c),
                TeamKey::ScimId(key) => all.filter(teams::scim_id.eq(key)).load(c),
                TeamKey::Name(key) => all.filter(teams::name_normalized.eq(key)).load(c),
                TeamKey::BuiltIn(key) => all.filter(teams::built_in.eq(*key)).load(c),
                TeamKey::Duplicates => all.filter(teams::duplicate.eq(true)).load(c),
            }
        })?;
        let teams = rows
            .into_iter()
            .map(TeamRecord::try_from)
            .collect::<Result<Vec<_>>>()?;
        self.without_scim_id
            .borrow_mut()
            .extend(teams.iter().filter(|t| t.scim_id.is_none()).map(|t| t.id));
        Ok(teams)
    }

    fn pending_where(&self, by: PendingKey) -> Result<Vec<PendingMembership>> {
        use pending_memberships as p;
        let org = p::org_id.eq(self.org_id.as_str());
        let rows: Vec<(String, String, NaiveDateTime)> =
            on_backend!(&mut **self.conn.borrow_mut(), |c| {
                let all = pending_memberships::table
                    .filter(org)
                    .order((p::team_id.asc(), p::member_ref.asc()))
                    .select((p::team_id, p::member_ref, p::created_at));
                match &by {
                    PendingKey::All => all.load(c),
                    PendingKey::Team(team) => all.filter(p::team_id.eq(team)).load(c),
                    PendingKey::MemberRef(key) => all.filter(p::member_ref.eq(key)).load(c),
                    PendingKey::AnyOf([a, b, c2, d]) => all
                        .filter(
                            p::member_ref
                                .eq(a)
                                .or(p::member_ref.eq(b))
                                .or(p::member_ref.eq(c2))
                                .or(p::member_ref.eq(d)),
                        )
                        .load(c),
                }
            })?;
        rows.into_iter()
            .map(|(team, member_ref, created_at)| {
                Ok(PendingMembership {
                    team: team
                        .parse()
                        .map_err(corrupt("pending_memberships.team_id"))?,
                    member_ref,
                    created_at: from_db(created_at),
                })
            })
            .collect()
    }
}

/// How a user is looked up; keys are already normalised where matching is
/// case-insensitive.
enum UserKey {
    Id(String),
    Email(String),
    IdpEmail(String),
    ScimId(String),
    ScimUserName(String),
    ExternalId(String),
}

/// How teams are looked up.
enum TeamKey {
    Id(String),
    ScimId(String),
    Name(String),
    BuiltIn(&'static str),
    Duplicates,
}

/// Which pending memberships are read.
enum PendingKey {
    All,
    Team(String),
    MemberRef(String),
    /// Any of four references (repeated to fill), so the statement keeps one shape.
    AnyOf([String; 4]),
}

impl OrgView for TransactionView<'_> {
    type Error = StoreError;

    fn org(&self) -> Result<OrgRecord> {
        type OrgRow = (
            String,
            String,
            Option<String>,
            Option<NaiveDateTime>,
            bool,
            bool,
        );
        let query = orgs::table.filter(orgs::id.eq(&self.org_id)).select((
            orgs::id,
            orgs::kind,
            orgs::connection_mode,
            orgs::connected_at,
            orgs::salesforce_profile_import,
            orgs::salesforce_invitations,
        ));
        let rows: Vec<OrgRow> = on_backend!(&mut **self.conn.borrow_mut(), |c| query.load(c))?;
        let (id, kind, mode, connected_at, profile_import, invitations) =
            rows.into_iter()
                .next()
                .ok_or(diesel::result::Error::NotFound)?;
        Ok(OrgRecord {
            id: id.parse().map_err(corrupt("orgs.id"))?,
            kind: kind.parse().map_err(corrupt("orgs.kind"))?,
            connection_mode: mode
                .map(|m| m.parse())
                .transpose()
                .map_err(corrupt("orgs.connection_mode"))?,
            connected_at: connected_at.map(from_db),
            salesforce_profile_import: profile_import,
            salesforce_invitations: invitations,
        })
    }

    fn user(&self, id: UserId) -> Result<Option<UserRecord>> {
        self.user_where(UserKey::Id(id.to_string()))
    }

    fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>> {
        self.user_where(UserKey::Email(email.normalized().to_owned()))
    }

    fn user_by_idp_email(&self, email: &Email) -> Result<Option<UserRecord>> {
        self.user_where(UserKey::IdpEmail(email.normalized().to_owned()))
    }

    fn user_by_scim_id(&self, scim_id: &str) -> Result<Option<UserRecord>> {
        self.user_where(UserKey::ScimId(scim_id.to_owned()))
    }

    fn user_by_scim_user_name(&self, user_name: &UserName) -> Result<Option<UserRecord>> {
        self.user_where(UserKey::ScimUserName(user_name.normalized().to_owned()))
    }

    fn user_by_external_id(&self, external_id: &str) -> Result<Option<UserRecord>> {
        self.user_where(UserKey::ExternalId(external_id.to_owned()))
    }

    fn team(&self, id: TeamId) -> Result<Option<TeamRecord>> {
        Ok(self.teams_where(TeamKey::Id(id.to_string()))?.pop())
    }

    fn team_by_scim_id(&self, scim_id: &str) -> Result<Option<TeamRecord>> {
        Ok(self.teams_where(TeamKey::ScimId(scim_id.to_owned()))?.pop())
    }

    fn teams_by_name(&self, name: &str) -> Result<Vec<TeamRecord>> {
        self.teams_where(TeamKey::Name(team_name_key(name)))
    }

    fn built_in_team(&self, team: BuiltInTeam) -> Result<Option<TeamRecord>> {
        Ok(self.teams_where(TeamKey::BuiltIn(team.as_str()))?.pop())
    }

    fn duplicate_teams(&self) -> Result<Vec<TeamRecord>> {
        self.teams_where(TeamKey::Duplicates)
    }

    fn is_member(&self, team: TeamId, user: UserId) -> Result<bool> {
        let query = memberships::table
            .filter(memberships::team_id.eq(team.to_string()))
            .filter(memberships::user_id.eq(user.to_string()))
            .count();
        let count: i64 = on_backend!(&mut **self.conn.borrow_mut(), |c| query.get_result(c))?;
        Ok(count > 0)
    }

    fn members(&self, team: TeamId) -> Result<Vec<UserId>> {
        let query = memberships::table
            .filter(memberships::team_id.eq(team.to_string()))
            .order(memberships::user_id.asc())
            .select(memberships::user_id);
        let ids: Vec<String> = on_backend!(&mut **self.conn.borrow_mut(), |c| query.load(c))?;
        ids.iter()
            .map(|id| id.parse().map_err(corrupt("memberships.user_id")))
            .collect()
    }

    fn pending_of_team(&self, team: TeamId) -> Result<Vec<String>> {
        Ok(self
            .pending_where(PendingKey::Team(team.to_string()))?
            .into_iter()
            .map(|p| p.member_ref)
            .collect())
    }

    fn pending_for_member_ref(&self, member_ref: &str) -> Result<Vec<PendingMembership>> {
        self.pending_where(PendingKey::MemberRef(member_ref.to_owned()))
    }

    fn all_pending(&self) -> Result<Vec<PendingMembership>> {
        self.pending_where(PendingKey::All)
    }

    fn users_by_identity(&self, user_name: &UserName, email: &Email) -> Result<IdentityMatches> {
        let (name_key, email_key) = (user_name.normalized(), email.normalized());
        // `org_id` in every branch, so SQLite searches the three unique indexes (a
        // multi-index OR) instead of scanning the org.
        let org = || users::org_id.eq(&self.org_id);
        let rows: Vec<(FullUserRow, Option<String>, Option<String>, String)> =
            on_backend!(&mut **self.conn.borrow_mut(), |c| users::table
                .filter(
                    org()
                        .and(users::scim_user_name_normalized.eq(name_key))
                        .or(org().and(users::idp_email_normalized.eq(email_key)))
                        .or(org().and(users::email_normalized.eq(email_key))),
                )
                .select((
                    FullUserRow::as_select(),
                    users::scim_user_name_normalized,
                    users::idp_email_normalized,
                    users::email_normalized,
                ))
                .load(c))?;
        let mut found = IdentityMatches::default();
        for (row, name, idp_email, current) in rows {
            let user = UserRecord::try_from(row)?;
            if name.as_deref() == Some(name_key) {
                found.by_user_name = Some(user.clone());
            }
            if idp_email.as_deref() == Some(email_key) {
                found.by_idp_email = Some(user.clone());
            }
            if current == email_key {
                found.by_email = Some(user);
            }
        }
        Ok(found)
    }

    fn pending_for_member_refs(&self, member_refs: &[String]) -> Result<Vec<PendingMembership>> {
        let mut found = Vec::new();
        for chunk in member_refs.chunks(4) {
            let pick = |i: usize| chunk.get(i).or(chunk.first()).cloned().unwrap_or_default();
            let rows =
                self.pending_where(PendingKey::AnyOf([pick(0), pick(1), pick(2), pick(3)]))?;
            for member_ref in chunk {
                found.extend(rows.iter().filter(|p| &p.member_ref == member_ref).cloned());
            }
        }
        Ok(found)
    }
}
