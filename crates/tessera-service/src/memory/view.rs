//! The policy engine's read port over one org's in-memory rows, inside a
//! [`MemoryTransaction`].

use super::transaction::MemoryTransaction;
use crate::error::StorageError;
use tessera_core::{Email, TeamId, UserId, UserName};
use tessera_policy::{BuiltInTeam, OrgRecord, OrgView, PendingMembership, TeamRecord, UserRecord};

fn infallible<T>(result: Result<T, std::convert::Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

impl OrgView for MemoryTransaction<'_> {
    type Error = StorageError;

    fn org(&self) -> Result<OrgRecord, StorageError> {
        Ok(self.rows(|r| infallible(r.org())))
    }
    fn user(&self, id: UserId) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.user(id))))
    }
    fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.user_by_email(email))))
    }
    fn user_by_idp_email(&self, email: &Email) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.user_by_idp_email(email))))
    }
    fn user_by_scim_id(&self, scim_id: &str) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.user_by_scim_id(scim_id))))
    }
    fn user_by_scim_user_name(
        &self,
        user_name: &UserName,
    ) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.user_by_scim_user_name(user_name))))
    }
    fn user_by_external_id(&self, external_id: &str) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.user_by_external_id(external_id))))
    }
    fn team(&self, id: TeamId) -> Result<Option<TeamRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.team(id))))
    }
    fn team_by_scim_id(&self, scim_id: &str) -> Result<Option<TeamRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.team_by_scim_id(scim_id))))
    }
    fn teams_by_name(&self, name: &str) -> Result<Vec<TeamRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.teams_by_name(name))))
    }
    fn built_in_team(&self, team: BuiltInTeam) -> Result<Option<TeamRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.built_in_team(team))))
    }
    fn duplicate_teams(&self) -> Result<Vec<TeamRecord>, StorageError> {
        Ok(self.rows(|r| infallible(r.duplicate_teams())))
    }
    fn is_member(&self, team: TeamId, user: UserId) -> Result<bool, StorageError> {
        Ok(self.rows(|r| infallible(r.is_member(team, user))))
    }
    fn members(&self, team: TeamId) -> Result<Vec<UserId>, StorageError> {
        Ok(self.rows(|r| infallible(r.members(team))))
    }
    fn pending_of_team(&self, team: TeamId) -> Result<Vec<String>, StorageError> {
        Ok(self.rows(|r| infallible(r.pending_of_team(team))))
    }
    fn pending_for_member_ref(
        &self,
        member_ref: &str,
    ) -> Result<Vec<PendingMembership>, StorageError> {
        Ok(self.rows(|r| infallible(r.pending_for_member_ref(member_ref))))
    }
    fn all_pending(&self) -> Result<Vec<PendingMembership>, StorageError> {
        Ok(self.rows(|r| infallible(r.all_pending())))
    }
}
