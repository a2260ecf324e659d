//! An in-memory org: implements the port and applies decisions with the store's
//! constraints (unique keys, foreign keys, versions). The test harness of this crate,
//! and the reference the store's tests compare against.

use crate::change::Change;
use crate::decision::{AuditEntry, Decision, Invitation};
use crate::ids::IdSource;
use crate::records::{
    BuiltInTeam, MembershipRecord, OrgRecord, PendingMembership, TeamRecord, UserRecord,
    team_name_key,
};
use crate::view::OrgView;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashSet};
use std::convert::Infallible;
use tessera_core::{Email, Role, Source, TeamId, UserId, UserName};

/// Why a decision could not be applied: it breaks a constraint the database enforces.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoryError {
    /// A unique key would be held twice.
    #[error("unique constraint: {0}")]
    Unique(String),
    /// A referenced row does not exist.
    #[error("missing row: {0}")]
    Missing(String),
    /// An update was decided on an older version of the row.
    #[error("stale version: {0}")]
    Stale(String),
}

/// One org's rows, in memory.
#[derive(Debug, Clone)]
pub struct MemoryOrg {
    org: OrgRecord,
    users: BTreeMap<UserId, UserRecord>,
    teams: BTreeMap<TeamId, TeamRecord>,
    memberships: BTreeMap<(TeamId, UserId), MembershipRecord>,
    pending: BTreeMap<(TeamId, String), PendingMembership>,
    audit: Vec<AuditEntry>,
    invitations: Vec<Invitation>,
    revoked_sessions: Vec<UserId>,
}

impl MemoryOrg {
    /// A new org with its two built-in teams (T1) and no users.
    pub fn new(org: OrgRecord, now: DateTime<Utc>, ids: &mut dyn IdSource) -> Self {
        let mut teams = BTreeMap::new();
        for built_in in BuiltInTeam::ALL {
            let team = TeamRecord {
                id: TeamId::from_uuid(ids.next_uuid()),
                name: built_in.name().to_owned(),
                description: String::new(),
                access_settings: serde_json::json!({}),
                built_in: Some(built_in),
                idp_managed: false,
                scim_id: None,
                external_id: None,
                duplicate: false,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            teams.insert(team.id, team);
        }
        Self {
            org,
            users: BTreeMap::new(),
            teams,
            memberships: BTreeMap::new(),
            pending: BTreeMap::new(),
            audit: Vec::new(),
            invitations: Vec::new(),
            revoked_sessions: Vec::new(),
        }
    }

    /// Adds an account that exists outside any command (created before Tessera, by
    /// the store's own tooling), in All Users and, for admins, Account Admins.
    pub fn seed_user(&mut self, user: UserRecord) -> Result<(), MemoryError> {
        let mut changes = vec![Change::InsertUser(user.clone())];
        for built_in in BuiltInTeam::ALL {
            if built_in == BuiltInTeam::AllUsers || user.role == Role::AccountAdmin {
                changes.push(Change::AddMembership(MembershipRecord {
                    team: self.built_in(built_in)?.id,
                    user: user.id,
                    source: Source::System,
                    created_at: user.created_at,
                }));
            }
        }
        self.apply(&Decision {
            changes,
            ..Decision::default()
        })
    }

    /// Applies a decision atomically: all of it, or (on error) nothing.
    pub fn apply(&mut self, decision: &Decision) -> Result<(), MemoryError> {
        let mut next = self.clone();
        for change in &decision.changes {
            next.apply_change(change)?;
            next.check_unique()?;
        }
        for invitation in &decision.invitations {
            if !next.users.contains_key(&invitation.user) {
                return Err(MemoryError::Missing(format!(
                    "invited user {}",
                    invitation.user
                )));
            }
        }
        next.audit.extend(decision.audit.iter().cloned());
        next.invitations
            .extend(decision.invitations.iter().cloned());
        *self = next;
        Ok(())
    }

    fn apply_change(&mut self, change: &Change) -> Result<(), MemoryError> {
        match change {
            Change::InsertUser(user) => {
                if self.users.insert(user.id, user.clone()).is_some() {
                    return Err(MemoryError::Unique(format!("user id {}", user.id)));
                }
            }
            Change::UpdateUser(user) => {
                let stored = self.user_mut(user.id)?;
                if stored.version != user.version {
                    return Err(MemoryError::Stale(format!("user {}", user.id)));
                }
                *stored = UserRecord {
                    version: user.version + 1,
                    ..user.clone()
                };
            }
            Change::DeleteUser(id) => {
                self.users
                    .remove(id)
                    .ok_or_else(|| MemoryError::Missing(format!("user {id}")))?;
                self.memberships.retain(|(_, user), _| user != id);
                self.invitations.retain(|invitation| invitation.user != *id);
            }
            Change::LinkIdpEmail {
                user,
                idp_email,
                at,
            } => {
                let stored = self.user_mut(*user)?;
                stored.idp_email = idp_email.clone();
                stored.updated_at = *at;
                stored.version += 1;
            }
            Change::RevokeSessions { user, .. } => {
                self.user_mut(*user)?;
                self.revoked_sessions.push(*user);
            }
            Change::InsertTeam(team) => {
                if self.teams.insert(team.id, team.clone()).is_some() {
                    return Err(MemoryError::Unique(format!("team id {}", team.id)));
                }
            }
            Change::UpdateTeam(team) => {
                let stored = self
                    .teams
                    .get_mut(&team.id)
                    .ok_or_else(|| MemoryError::Missing(format!("team {}", team.id)))?;
                if stored.version != team.version {
                    return Err(MemoryError::Stale(format!("team {}", team.id)));
                }
                *stored = TeamRecord {
                    version: team.version + 1,
                    ..team.clone()
                };
            }
            Change::DeleteTeam(id) => {
                self.teams
                    .remove(id)
                    .ok_or_else(|| MemoryError::Missing(format!("team {id}")))?;
                self.memberships.retain(|(team, _), _| team != id);
                self.pending.retain(|(team, _), _| team != id);
            }
            Change::AddMembership(membership) => {
                self.user_mut(membership.user)?;
                if !self.teams.contains_key(&membership.team) {
                    return Err(MemoryError::Missing(format!("team {}", membership.team)));
                }
                let key = (membership.team, membership.user);
                if self.memberships.insert(key, membership.clone()).is_some() {
                    return Err(MemoryError::Unique(format!("membership {key:?}")));
                }
            }
            Change::RemoveMembership { team, user } => {
                self.memberships
                    .remove(&(*team, *user))
                    .ok_or_else(|| MemoryError::Missing(format!("membership {team} {user}")))?;
            }
            Change::AddPending(pending) => {
                if !self.teams.contains_key(&pending.team) {
                    return Err(MemoryError::Missing(format!("team {}", pending.team)));
                }
                let key = (pending.team, pending.member_ref.clone());
                if self.pending.insert(key, pending.clone()).is_some() {
                    return Err(MemoryError::Unique(format!(
                        "pending {}",
                        pending.member_ref
                    )));
                }
            }
            Change::ClearPending { team, member_ref } => {
                self.pending
                    .remove(&(*team, member_ref.clone()))
                    .ok_or_else(|| MemoryError::Missing(format!("pending {member_ref}")))?;
            }
            Change::UpdateOrg(org) => {
                self.org.connection_mode = org.connection_mode;
                self.org.connected_at = org.connected_at;
                self.org.salesforce_profile_import = org.salesforce_profile_import;
                self.org.salesforce_invitations = org.salesforce_invitations;
            }
        }
        Ok(())
    }

    fn user_mut(&mut self, id: UserId) -> Result<&mut UserRecord, MemoryError> {
        self.users
            .get_mut(&id)
            .ok_or_else(|| MemoryError::Missing(format!("user {id}")))
    }

    fn built_in(&self, built_in: BuiltInTeam) -> Result<&TeamRecord, MemoryError> {
        self.teams
            .values()
            .find(|team| team.built_in == Some(built_in))
            .ok_or_else(|| MemoryError::Missing(built_in.name().to_owned()))
    }

    /// The unique indexes of the schema.
    fn check_unique(&self) -> Result<(), MemoryError> {
        let mut seen = HashSet::new();
        for user in self.users.values() {
            let keys = [
                Some(format!("users.email {}", user.email.normalized())),
                user.idp_email
                    .as_ref()
                    .map(|email| format!("users.idp_email {}", email.normalized())),
                user.scim_id
                    .as_ref()
                    .map(|id| format!("users.scim_id {id}")),
                user.scim_user_name
                    .as_ref()
                    .map(|name| format!("users.scim_user_name {}", name.normalized())),
            ];
            for key in keys.into_iter().flatten() {
                if !seen.insert(key.clone()) {
                    return Err(MemoryError::Unique(key));
                }
            }
        }
        for team in self.teams.values() {
            let keys = [
                Some(format!(
                    "teams.name {} {}",
                    team.idp_managed,
                    team_name_key(&team.name)
                )),
                team.built_in
                    .map(|b| format!("teams.built_in {}", b.as_str())),
                team.scim_id
                    .as_ref()
                    .map(|id| format!("teams.scim_id {id}")),
            ];
            for key in keys.into_iter().flatten() {
                if !seen.insert(key.clone()) {
                    return Err(MemoryError::Unique(key));
                }
            }
        }
        Ok(())
    }

    /// The org row.
    pub fn org_record(&self) -> &OrgRecord {
        &self.org
    }

    /// Every user.
    pub fn users(&self) -> impl Iterator<Item = &UserRecord> {
        self.users.values()
    }

    /// Every team.
    pub fn teams(&self) -> impl Iterator<Item = &TeamRecord> {
        self.teams.values()
    }

    /// Every membership.
    pub fn memberships(&self) -> impl Iterator<Item = &MembershipRecord> {
        self.memberships.values()
    }

    /// Every pending membership.
    pub fn pending(&self) -> impl Iterator<Item = &PendingMembership> {
        self.pending.values()
    }

    /// The audit log, oldest first.
    pub fn audit(&self) -> &[AuditEntry] {
        &self.audit
    }

    /// The queued invitations, oldest first.
    pub fn invitations(&self) -> &[Invitation] {
        &self.invitations
    }

    /// Users whose sessions were revoked, in order.
    pub fn revoked_sessions(&self) -> &[UserId] {
        &self.revoked_sessions
    }

    /// The invariants every sequence of commands keeps, as one sentence per violation:
    /// the two built-in teams exist and no other team carries their names (T1); every
    /// user is in All Users and Account Admins holds exactly the account admins (T1);
    /// SSO-created accounts log in with SSO only (L3); SCIM and duplicate bookkeeping
    /// is consistent (T2, U5); pending memberships belong to IdP-managed teams (S3).
    pub fn invariant_violations(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for built_in in BuiltInTeam::ALL {
            let count = self
                .teams
                .values()
                .filter(|team| team.built_in == Some(built_in))
                .count();
            if count != 1 {
                problems.push(format!("T1: {count} {} teams", built_in.name()));
            }
        }
        for team in self.teams.values() {
            if team.built_in.is_none() && BuiltInTeam::named(&team.name).is_some() {
                problems.push(format!("T1: team {:?} carries a built-in name", team.name));
            }
            if team.idp_managed != team.scim_id.is_some()
                || (!team.idp_managed && team.external_id.is_some())
            {
                problems.push(format!("T7: team {:?} has inconsistent IdP ids", team.name));
            }
            let has_twin = self.teams.values().any(|other| {
                other.id != team.id
                    && other.built_in.is_none()
                    && team.built_in.is_none()
                    && other.idp_managed != team.idp_managed
                    && team_name_key(&other.name) == team_name_key(&team.name)
            });
            if team.duplicate != has_twin {
                problems.push(format!(
                    "T2: team {:?} duplicate flag {} but twin {has_twin}",
                    team.name, team.duplicate
                ));
            }
        }
        let all_users = self.built_in(BuiltInTeam::AllUsers).map(|team| team.id);
        let admins = self
            .built_in(BuiltInTeam::AccountAdmins)
            .map(|team| team.id);
        for user in self.users.values() {
            if let Ok(all_users) = all_users
                && !self.memberships.contains_key(&(all_users, user.id))
            {
                problems.push(format!("T1: {} is not in All Users", user.email));
            }
            if let Ok(admins) = admins
                && self.memberships.contains_key(&(admins, user.id))
                    != (user.role == Role::AccountAdmin)
            {
                problems.push(format!(
                    "T1: Account Admins disagrees with {}'s role",
                    user.email
                ));
            }
            if matches!(user.created_by, Source::Scim | Source::Saml)
                && user.login_method != tessera_core::LoginMethod::Sso
            {
                problems.push(format!(
                    "L3: SSO-created {} may log in without SSO",
                    user.email
                ));
            }
            if user.scim_id.is_some() != user.scim_user_name.is_some() {
                problems.push(format!("U5: {} has half a SCIM link", user.email));
            }
        }
        for pending in self.pending.values() {
            if !self
                .teams
                .get(&pending.team)
                .is_some_and(|team| team.idp_managed)
            {
                problems.push(format!(
                    "S3: pending {} outside an IdP team",
                    pending.member_ref
                ));
            }
        }
        problems
    }
}

impl OrgView for MemoryOrg {
    type Error = Infallible;

    fn org(&self) -> Result<OrgRecord, Infallible> {
        Ok(self.org.clone())
    }

    fn user(&self, id: UserId) -> Result<Option<UserRecord>, Infallible> {
        Ok(self.users.get(&id).cloned())
    }

    fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, Infallible> {
        Ok(self.users.values().find(|u| u.email == *email).cloned())
    }

    fn user_by_idp_email(&self, email: &Email) -> Result<Option<UserRecord>, Infallible> {
        Ok(self
            .users
            .values()
            .find(|u| u.idp_email.as_ref() == Some(email))
            .cloned())
    }

    fn user_by_scim_id(&self, scim_id: &str) -> Result<Option<UserRecord>, Infallible> {
        Ok(self
            .users
            .values()
            .find(|u| u.scim_id.as_deref() == Some(scim_id))
            .cloned())
    }

    fn user_by_scim_user_name(
        &self,
        user_name: &UserName,
    ) -> Result<Option<UserRecord>, Infallible> {
        Ok(self
            .users
            .values()
            .find(|u| u.scim_user_name.as_ref() == Some(user_name))
            .cloned())
    }

    fn user_by_external_id(&self, external_id: &str) -> Result<Option<UserRecord>, Infallible> {
        Ok(self
            .users
            .values()
            .find(|u| u.scim_id.is_some() && u.external_id.as_deref() == Some(external_id))
            .cloned())
    }

    fn team(&self, id: TeamId) -> Result<Option<TeamRecord>, Infallible> {
        Ok(self.teams.get(&id).cloned())
    }

    fn team_by_scim_id(&self, scim_id: &str) -> Result<Option<TeamRecord>, Infallible> {
        Ok(self
            .teams
            .values()
            .find(|t| t.scim_id.as_deref() == Some(scim_id))
            .cloned())
    }

    fn teams_by_name(&self, name: &str) -> Result<Vec<TeamRecord>, Infallible> {
        let key = team_name_key(name);
        Ok(self
            .teams
            .values()
            .filter(|t| team_name_key(&t.name) == key)
            .cloned()
            .collect())
    }

    fn built_in_team(&self, team: BuiltInTeam) -> Result<Option<TeamRecord>, Infallible> {
        Ok(self.built_in(team).ok().cloned())
    }

    fn duplicate_teams(&self) -> Result<Vec<TeamRecord>, Infallible> {
        Ok(self
            .teams
            .values()
            .filter(|t| t.duplicate)
            .cloned()
            .collect())
    }

    fn is_member(&self, team: TeamId, user: UserId) -> Result<bool, Infallible> {
        Ok(self.memberships.contains_key(&(team, user)))
    }

    fn members(&self, team: TeamId) -> Result<Vec<UserId>, Infallible> {
        Ok(self
            .memberships
            .keys()
            .filter(|(t, _)| *t == team)
            .map(|(_, user)| *user)
            .collect())
    }

    fn pending_of_team(&self, team: TeamId) -> Result<Vec<String>, Infallible> {
        Ok(self
            .pending
            .keys()
            .filter(|(t, _)| *t == team)
            .map(|(_, member_ref)| member_ref.clone())
            .collect())
    }

    fn pending_for_member_ref(
        &self,
        member_ref: &str,
    ) -> Result<Vec<PendingMembership>, Infallible> {
        Ok(self
            .pending
            .values()
            .filter(|p| p.member_ref == member_ref)
            .cloned()
            .collect())
    }

    fn all_pending(&self) -> Result<Vec<PendingMembership>, Infallible> {
        Ok(self.pending.values().cloned().collect())
    }
}
