//! What a command decides: the changes, the audit entries and the invitations.

use crate::change::Change;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tessera_core::{Email, Source, TeamId, UserId};

/// The outcome of a command, for the store to apply in one transaction: first
/// `changes` in order, then `audit`, then `invitations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Row writes, in order.
    pub changes: Vec<Change>,
    /// Audit-log lines (S4).
    pub audit: Vec<AuditEntry>,
    /// Invitation emails to queue (U2, U7).
    pub invitations: Vec<Invitation>,
    /// The user or team the command is about (the created user, the user who logs in,
    /// the group), for the caller's response.
    pub subject: Option<Subject>,
}

impl Decision {
    /// Whether applying it would change nothing (an idempotent repeat).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.audit.is_empty() && self.invitations.is_empty()
    }
}

/// The user or team a command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A user.
    User(UserId),
    /// A team.
    Team(TeamId),
}

/// One line of the audit log (S4): who, what, through which source, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: an account admin's email, `operator`, `scim`, or the email logging in.
    pub actor: String,
    /// Through which channel.
    pub source: Source,
    /// What, dotted: `user.created`, `team.member_added`, ...
    pub action: &'static str,
    /// `user`, `team` or `org`.
    pub target_kind: &'static str,
    /// The target's id.
    pub target_id: Option<String>,
    /// The target's human name (email or team name).
    pub target_label: Option<String>,
    /// Structured details.
    pub details: serde_json::Value,
}

/// An invitation email to queue; the store adds its id and token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The invited user.
    pub user: UserId,
    /// Where to send it.
    pub email: Email,
    /// Why it is sent.
    pub reason: InvitationReason,
    /// When it was decided (`created_at`).
    pub at: DateTime<Utc>,
}

/// Why an invitation is sent (the `reason` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationReason {
    /// The IdP provisioned the user through SCIM (U2).
    Provisioned,
    /// An account admin invited them (U7).
    Invited,
}

impl InvitationReason {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationReason::Provisioned => "provisioned",
            InvitationReason::Invited => "invited",
        }
    }
}
