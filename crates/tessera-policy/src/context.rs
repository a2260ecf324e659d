//! What every command works with: the port (with its errors wrapped), the time, fresh
//! ids, and the decision being built.

use crate::change::Change;
use crate::command::Actor;
use crate::commands::merge::{MergeStep, plan_merge};
use crate::decision::{AuditEntry, Decision, Invitation, InvitationReason, Subject};
use crate::error::{PolicyError, PolicyResult};
use crate::ids::IdSource;
use crate::records::{
    BuiltInTeam, MembershipRecord, OrgRecord, PendingMembership, TeamRecord, UserRecord,
};
use crate::view::{IdentityMatches, OrgView};
use chrono::{DateTime, Utc};
use serde_json::Value;
use tessera_core::{Email, Role, Source, TeamId, UserId, UserName, UserStatus};

/// Who a change is attributed to in the audit log, and through which source.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    pub label: String,
    pub source: Source,
}

impl Who {
    /// The IdP, through SCIM.
    pub fn scim() -> Self {
        Self {
            label: "scim".to_owned(),
            source: Source::Scim,
        }
    }

    /// A person logging in through SAML.
    pub fn saml(email: &Email) -> Self {
        Self {
            label: email.to_string(),
            source: Source::Saml,
        }
    }
}

/// The decision under construction, over a port.
pub(crate) struct Ctx<'a, V: OrgView + ?Sized> {
    view: &'a V,
    pub now: DateTime<Utc>,
    ids: &'a mut dyn IdSource,
    decision: Decision,
}

impl<'a, V: OrgView + ?Sized> Ctx<'a, V> {
    pub fn new(view: &'a V, now: DateTime<Utc>, ids: &'a mut dyn IdSource) -> Self {
        Self {
            view,
            now,
            ids,
            decision: Decision::default(),
        }
    }

    pub fn finish(self) -> Decision {
        self.decision
    }

    // --- the port, errors wrapped -------------------------------------------------

    pub fn org(&self) -> PolicyResult<OrgRecord, V::Error> {
        self.view.org().map_err(PolicyError::Port)
    }

    pub fn user(&self, id: UserId) -> PolicyResult<UserRecord, V::Error> {
        self.view
            .user(id)
            .map_err(PolicyError::Port)?
            .ok_or_else(|| PolicyError::UserNotFound {
                reference: id.to_string(),
            })
    }

    pub fn user_by_email(&self, email: &Email) -> PolicyResult<Option<UserRecord>, V::Error> {
        self.view.user_by_email(email).map_err(PolicyError::Port)
    }

    pub fn user_by_idp_email(&self, email: &Email) -> PolicyResult<Option<UserRecord>, V::Error> {
        self.view
            .user_by_idp_email(email)
            .map_err(PolicyError::Port)
    }

    pub fn user_by_scim_id(&self, scim_id: &str) -> PolicyResult<Option<UserRecord>, V::Error> {
        self.view
            .user_by_scim_id(scim_id)
            .map_err(PolicyError::Port)
    }

    /// The SCIM-managed user with this SCIM id, or SCIM 404.
    pub fn scim_user(&self, scim_id: &str) -> PolicyResult<UserRecord, V::Error> {
        self.user_by_scim_id(scim_id)?
            .ok_or_else(|| PolicyError::UserNotFound {
                reference: scim_id.to_owned(),
            })
    }

    pub fn user_by_scim_user_name(
        &self,
        user_name: &UserName,
    ) -> PolicyResult<Option<UserRecord>, V::Error> {
        self.view
            .user_by_scim_user_name(user_name)
            .map_err(PolicyError::Port)
    }

    pub fn user_by_external_id(
        &self,
        external_id: &str,
    ) -> PolicyResult<Option<UserRecord>, V::Error> {
        self.view
            .user_by_external_id(external_id)
            .map_err(PolicyError::Port)
    }

    pub fn team(&self, id: TeamId) -> PolicyResult<TeamRecord, V::Error> {
        self.view
            .team(id)
            .map_err(PolicyError::Port)?
            .ok_or_else(|| PolicyError::TeamNotFound {
                reference: id.to_string(),
            })
    }

    /// The IdP-managed team with this SCIM id, or SCIM 404.
    pub fn scim_team(&self, scim_id: &str) -> PolicyResult<TeamRecord, V::Error> {
        self.view
            .team_by_scim_id(scim_id)
            .map_err(PolicyError::Port)?
            .ok_or_else(|| PolicyError::TeamNotFound {
                reference: scim_id.to_owned(),
            })
    }

    pub fn teams_by_name(&self, name: &str) -> PolicyResult<Vec<TeamRecord>, V::Error> {
        self.view.teams_by_name(name).map_err(PolicyError::Port)
    }

    pub fn built_in_team(&self, team: BuiltInTeam) -> PolicyResult<TeamRecord, V::Error> {
        self.view
            .built_in_team(team)
            .map_err(PolicyError::Port)?
            .ok_or(PolicyError::BuiltInTeamMissing { team })
    }

    pub fn plan_merge(&self) -> PolicyResult<Vec<MergeStep>, V::Error> {
        plan_merge(self.view)
    }

    pub fn is_member(&self, team: TeamId, user: UserId) -> PolicyResult<bool, V::Error> {
        self.view.is_member(team, user).map_err(PolicyError::Port)
    }

    pub fn members(&self, team: TeamId) -> PolicyResult<Vec<UserId>, V::Error> {
        self.view.members(team).map_err(PolicyError::Port)
    }

    pub fn pending_of_team(&self, team: TeamId) -> PolicyResult<Vec<String>, V::Error> {
        self.view.pending_of_team(team).map_err(PolicyError::Port)
    }

    pub fn pending_for_member_ref(
        &self,
        member_ref: &str,
    ) -> PolicyResult<Vec<PendingMembership>, V::Error> {
        self.view
            .pending_for_member_ref(member_ref)
            .map_err(PolicyError::Port)
    }

    pub fn pending_for_member_refs(
        &self,
        member_refs: &[String],
    ) -> PolicyResult<Vec<PendingMembership>, V::Error> {
        self.view
            .pending_for_member_refs(member_refs)
            .map_err(PolicyError::Port)
    }

    pub fn users_by_identity(
        &self,
        user_name: &UserName,
        email: &Email,
    ) -> PolicyResult<IdentityMatches, V::Error> {
        self.view
            .users_by_identity(user_name, email)
            .map_err(PolicyError::Port)
    }

    pub fn all_pending(&self) -> PolicyResult<Vec<PendingMembership>, V::Error> {
        self.view.all_pending().map_err(PolicyError::Port)
    }

    // --- who may act --------------------------------------------------------------

    /// The audit identity of an app/CLI actor, refusing anyone but an active account
    /// admin or the operator.
    pub fn authorize(
        &self,
        actor: Actor,
        action: &'static str,
        rule: &'static str,
    ) -> PolicyResult<Who, V::Error> {
        match actor {
            Actor::Operator => Ok(Who {
                label: "operator".to_owned(),
                source: Source::Cli,
            }),
            Actor::System => Ok(Who {
                label: "system".to_owned(),
                source: Source::System,
            }),
            Actor::User(id) => {
                let user = self.user(id)?;
                if user.role != Role::AccountAdmin || user.status == UserStatus::Deactivated {
                    return Err(PolicyError::NotAccountAdmin { action, rule });
                }
                Ok(Who {
                    label: user.email.to_string(),
                    source: Source::App,
                })
            }
        }
    }

    // --- building the decision ----------------------------------------------------

    pub fn new_user_id(&mut self) -> UserId {
        UserId::from_uuid(self.ids.next_uuid())
    }

    pub fn new_team_id(&mut self) -> TeamId {
        TeamId::from_uuid(self.ids.next_uuid())
    }

    pub fn new_scim_id(&mut self) -> String {
        self.ids.next_uuid().hyphenated().to_string()
    }

    pub fn change(&mut self, change: Change) {
        self.decision.changes.push(change);
    }

    pub fn subject(&mut self, subject: Subject) {
        self.decision.subject = Some(subject);
    }

    pub fn invite(&mut self, user: &UserRecord, reason: InvitationReason) {
        self.decision.invitations.push(Invitation {
            user: user.id,
            email: user.email.clone(),
            reason,
            at: self.now,
        });
    }

    pub fn revoke_sessions(&mut self, user: UserId) {
        let at = self.now;
        self.change(Change::RevokeSessions { user, at });
    }

    pub fn add_membership(&mut self, team: TeamId, user: UserId, source: Source) {
        self.change(Change::AddMembership(MembershipRecord {
            team,
            user,
            source,
            created_at: self.now,
        }));
    }

    pub fn add_pending(&mut self, team: TeamId, member_ref: &str) {
        self.change(Change::AddPending(PendingMembership {
            team,
            member_ref: member_ref.to_owned(),
            created_at: self.now,
        }));
    }

    fn audit(
        &mut self,
        who: &Who,
        action: &'static str,
        target: (&'static str, String, String),
        details: Value,
    ) {
        let (target_kind, target_id, target_label) = target;
        self.decision.audit.push(AuditEntry {
            at: self.now,
            actor: who.label.clone(),
            source: who.source,
            action,
            target_kind,
            target_id: Some(target_id),
            target_label: Some(target_label),
            details,
        });
    }

    pub fn audit_user(
        &mut self,
        who: &Who,
        action: &'static str,
        user: &UserRecord,
        details: Value,
    ) {
        let target = ("user", user.id.to_string(), user.email.to_string());
        self.audit(who, action, target, details);
    }

    pub fn audit_team(
        &mut self,
        who: &Who,
        action: &'static str,
        team: &TeamRecord,
        details: Value,
    ) {
        let target = ("team", team.id.to_string(), team.name.clone());
        self.audit(who, action, target, details);
    }

    pub fn audit_org(&mut self, who: &Who, action: &'static str, org: &OrgRecord, details: Value) {
        let target = ("org", org.id.to_string(), org.id.to_string());
        self.audit(who, action, target, details);
    }

    /// Audits a membership change, with the user as target so that a user's history
    /// shows their teams.
    pub fn audit_membership(
        &mut self,
        who: &Who,
        action: &'static str,
        team: &TeamRecord,
        user: &UserRecord,
    ) {
        let details = serde_json::json!({ "team_id": team.id, "team": team.name });
        self.audit_user(who, action, user, details);
    }
}
