//! The outbox's one derivation: the events a decision makes, from the decision and the
//! state before it, read through the transaction's `OrgView` (no other I/O).

use super::model::{EventSource, EventType, NewEvent};
use super::payload::{EventTeam, EventUser, previous, team_ref, to_value, user_ref};
use crate::error::StorageError;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use tessera_core::{OrgId, TeamId, UserId, UserStatus};
use tessera_policy::{Change, Decision, OrgView, TeamRecord, UserRecord};

/// The events of `decision`, decided for `org` at `now`, in the order of its changes,
/// then its invitations and its sync summary. `view` must still show the state
/// before the decision: a backend calls this in [`crate::Transaction::apply`] before
/// it writes, and appends the result in the same transaction.
///
/// The source is the channel of the decision's first audit entry (`system` without
/// one). A user update is `user.updated` only when a field the admin API shows changed
/// (`data.previous` holds the old values); a status change to or from `deactivated` is
/// `user.deactivated` or `user.reactivated`. Memberships a deletion removes with the
/// user or team make no events of their own.
pub fn derive(
    view: &dyn OrgView<Error = StorageError>,
    org: OrgId,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<Vec<NewEvent>, StorageError> {
    let source = decision
        .audit
        .first()
        .map_or(EventSource::System, |entry| entry.source.into());
    let mut state = State {
        view,
        org,
        users: HashMap::new(),
        teams: HashMap::new(),
        events: Vec::new(),
        source,
        now,
    };
    for change in &decision.changes {
        state.change(change)?;
    }
    for invitation in &decision.invitations {
        let user = state.user(invitation.user)?;
        state.push(
            EventType::InvitationCreated,
            json!({
                "user": user.as_ref().map(|u| to_value(EventUser::of(org, u))),
                "email": invitation.email,
                "reason": invitation.reason.as_str(),
            }),
        );
    }
    for entry in decision.audit.iter().filter(|e| e.action == "org.synced") {
        state.push(EventType::SyncCompleted, entry.details.clone());
    }
    Ok(state.events)
}

/// The state as the decision's changes so far left it.
struct State<'v> {
    view: &'v dyn OrgView<Error = StorageError>,
    org: OrgId,
    users: HashMap<UserId, Option<UserRecord>>,
    teams: HashMap<TeamId, Option<TeamRecord>>,
    events: Vec<NewEvent>,
    source: EventSource,
    now: DateTime<Utc>,
}

impl State<'_> {
    fn push(&mut self, event_type: EventType, data: Value) {
        self.events.push(NewEvent {
            event_type,
            occurred_at: self.now,
            source: self.source,
            data,
        });
    }

    fn user(&mut self, id: UserId) -> Result<Option<UserRecord>, StorageError> {
        if let Some(user) = self.users.get(&id) {
            return Ok(user.clone());
        }
        let user = self.view.user(id)?;
        self.users.insert(id, user.clone());
        Ok(user)
    }

    fn team(&mut self, id: TeamId) -> Result<Option<TeamRecord>, StorageError> {
        if let Some(team) = self.teams.get(&id) {
            return Ok(team.clone());
        }
        let team = self.view.team(id)?;
        self.teams.insert(id, team.clone());
        Ok(team)
    }

    fn change(&mut self, change: &Change) -> Result<(), StorageError> {
        match change {
            Change::InsertUser(user) => {
                self.users.insert(user.id, Some(user.clone()));
                let data = json!({ "user": to_value(EventUser::of(self.org, user)) });
                self.push(EventType::UserCreated, data);
            }
            Change::UpdateUser(after) => {
                let before = self.user(after.id)?;
                self.user_changed(before, after.clone());
            }
            Change::LinkIdpEmail {
                user, idp_email, ..
            } => {
                if let Some(before) = self.user(*user)? {
                    let mut after = before.clone();
                    after.idp_email = idp_email.clone();
                    self.user_changed(Some(before), after);
                }
            }
            Change::DeleteUser(id) => {
                if let Some(user) = self.user(*id)? {
                    let data = json!({ "user": to_value(EventUser::of(self.org, &user)) });
                    self.push(EventType::UserDeleted, data);
                }
                self.users.insert(*id, None);
            }
            Change::InsertTeam(team) => {
                self.teams.insert(team.id, Some(team.clone()));
                let data = json!({ "team": to_value(EventTeam::of(team)) });
                self.push(EventType::TeamCreated, data);
            }
            Change::UpdateTeam(after) => {
                let before = self.team(after.id)?;
                self.teams.insert(after.id, Some(after.clone()));
                let after_json = to_value(EventTeam::of(after));
                let changed = before.map_or_else(serde_json::Map::new, |before| {
                    previous(&to_value(EventTeam::of(&before)), &after_json)
                });
                if !changed.is_empty() {
                    let data = json!({ "team": after_json, "previous": changed });
                    self.push(EventType::TeamUpdated, data);
                }
            }
            Change::DeleteTeam(id) => {
                if let Some(team) = self.team(*id)? {
                    let data = json!({ "team": to_value(EventTeam::of(&team)) });
                    self.push(EventType::TeamDeleted, data);
                }
                self.teams.insert(*id, None);
            }
            Change::AddMembership(membership) => {
                self.membership(EventType::MembershipAdded, membership.team, membership.user)?;
            }
            Change::RemoveMembership { team, user } => {
                self.membership(EventType::MembershipRemoved, *team, *user)?;
            }
            Change::UpdateOrg(after) => {
                let before = self.view.org()?;
                if before.connected_at.is_none() && after.connected_at.is_some() {
                    let data = json!({
                        "mode": after.connection_mode,
                        "connected_at": after.connected_at,
                    });
                    self.push(EventType::ConnectionCompleted, data);
                }
            }
            Change::RevokeSessions { .. } | Change::AddPending(_) | Change::ClearPending { .. } => {
            }
        }
        Ok(())
    }

    fn user_changed(&mut self, before: Option<UserRecord>, after: UserRecord) {
        let after_json = to_value(EventUser::of(self.org, &after));
        let (changed, was_deactivated) = match &before {
            Some(before) => (
                previous(&to_value(EventUser::of(self.org, before)), &after_json),
                before.status == UserStatus::Deactivated,
            ),
            None => (serde_json::Map::new(), false),
        };
        let now_deactivated = after.status == UserStatus::Deactivated;
        self.users.insert(after.id, Some(after));
        let event_type = match (was_deactivated, now_deactivated) {
            (false, true) => EventType::UserDeactivated,
            (true, false) => EventType::UserReactivated,
            _ if changed.is_empty() => return,
            _ => EventType::UserUpdated,
        };
        self.push(
            event_type,
            json!({ "user": after_json, "previous": changed }),
        );
    }

    fn membership(
        &mut self,
        event_type: EventType,
        team: TeamId,
        user: UserId,
    ) -> Result<(), StorageError> {
        let (Some(team), Some(user)) = (self.team(team)?, self.user(user)?) else {
            return Ok(());
        };
        self.push(
            event_type,
            json!({ "team": team_ref(&team), "user": user_ref(&user) }),
        );
        Ok(())
    }
}
