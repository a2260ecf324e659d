//! Reactivating a deactivated account from the app (U4), the one way the rules allow:
//! adding it to a team.

use super::execute::ExecuteError;
use crate::Store;
use chrono::{DateTime, Utc};
use tessera_core::{OrgId, TeamId, UserId, UserStatus};
use tessera_policy::{Actor, Command, Decision, PolicyError, TeamKind};

impl Store {
    /// Reactivates a deactivated JIT or invited user by adding them to `team`, or to All
    /// Users (where they already are) when `team` is `None` (U4). A deactivated
    /// SCIM-managed user is refused: the IdP reactivates it (U5). A user who is not
    /// deactivated is only added to the team.
    pub fn reactivate_user(
        &self,
        org_id: OrgId,
        by: Actor,
        user: UserId,
        team: Option<TeamId>,
        now: DateTime<Utc>,
    ) -> Result<Decision, ExecuteError> {
        let found = self.user(org_id, user).map_err(PolicyError::Port)?;
        let found = found.ok_or_else(|| PolicyError::UserNotFound {
            reference: user.to_string(),
        })?;
        if found.scim_managed && found.status == UserStatus::Deactivated {
            return Err(PolicyError::ScimManagedUser {
                email: found.email.to_string(),
                action: "reactivated",
            });
        }
        let team = match team {
            Some(team) => team,
            None => self
                .teams(org_id)
                .map_err(PolicyError::Port)?
                .into_iter()
                .find(|t| t.kind == TeamKind::AllUsers)
                .map(|t| t.id)
                .ok_or_else(|| PolicyError::TeamNotFound {
                    reference: "All Users".into(),
                })?,
        };
        self.execute(org_id, &Command::AddTeamMember { by, team, user }, now)
    }
}
