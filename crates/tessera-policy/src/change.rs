//! One row-level write the store makes. A [`Decision`](crate::Decision) lists them in
//! the order they must be applied.

use crate::records::{MembershipRecord, OrgRecord, PendingMembership, TeamRecord, UserRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tessera_core::{Email, TeamId, UserId};

/// A write to one row (or, for deletions, one row and what hangs off it).
///
/// `Update*` carry the whole new row with the `version` it was decided on: the store
/// writes every column where the stored version still matches, and increments it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", content = "row", rename_all = "snake_case")]
pub enum Change {
    /// Insert a `users` row.
    InsertUser(UserRecord),
    /// Rewrite a `users` row.
    UpdateUser(UserRecord),
    /// Delete a `users` row with its memberships, invitations and sessions (audit
    /// entries stay: they name the user by text).
    DeleteUser(UserId),
    /// Set or clear one user's M3 link (`idp_email_normalized`), bumping its version.
    /// Kept apart from `UpdateUser` so that links can swap between users: a decision
    /// clears links before it sets them.
    LinkIdpEmail {
        /// The user.
        user: UserId,
        /// The new link.
        idp_email: Option<Email>,
        /// When (`updated_at`).
        at: DateTime<Utc>,
    },
    /// End every session of the user (they were deactivated): `revoked_at = at`.
    RevokeSessions {
        /// The user.
        user: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// Insert a `teams` row.
    InsertTeam(TeamRecord),
    /// Rewrite a `teams` row.
    UpdateTeam(TeamRecord),
    /// Delete a `teams` row with its memberships and pending memberships.
    DeleteTeam(TeamId),
    /// Insert a `memberships` row.
    AddMembership(MembershipRecord),
    /// Delete a `memberships` row.
    RemoveMembership {
        /// The team.
        team: TeamId,
        /// The member.
        user: UserId,
    },
    /// Insert a `pending_memberships` row (S3).
    AddPending(PendingMembership),
    /// Delete a `pending_memberships` row (S3).
    ClearPending {
        /// The team.
        team: TeamId,
        /// The IdP's member reference.
        member_ref: String,
    },
    /// Write the org's `connection_mode`, `connected_at`, `salesforce_profile_import`
    /// and `salesforce_invitations` (C4, C5); nothing else of the row.
    UpdateOrg(OrgRecord),
}
