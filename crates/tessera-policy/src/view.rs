//! The read-only port the engine decides over. The store implements it over one
//! database transaction; [`MemoryOrg`](crate::memory::MemoryOrg) implements it in memory.
//!
//! Every method is a targeted lookup, so a command costs the same in a 10-user and a
//! 100,000-user org. Only the commands whose meaning is "all of them" list: replacing a
//! group's members ([`members`](OrgView::members), [`pending_of_team`](OrgView::pending_of_team)),
//! the T2 merge ([`duplicate_teams`](OrgView::duplicate_teams)) and the manual sync
//! ([`all_pending`](OrgView::all_pending)).

use crate::records::{BuiltInTeam, OrgRecord, PendingMembership, TeamRecord, UserRecord};
use tessera_core::{Email, TeamId, UserId, UserName};

/// Read access to one org's state. Emails, user names and team names are matched
/// case-insensitively; SCIM ids, external ids and member references exactly.
pub trait OrgView {
    /// The port's own failure (a database error).
    type Error;

    /// The org itself.
    fn org(&self) -> Result<OrgRecord, Self::Error>;
    /// The user with this id.
    fn user(&self, id: UserId) -> Result<Option<UserRecord>, Self::Error>;
    /// The user whose current email this is.
    fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, Self::Error>;
    /// The user linked to this IdP email (M3 link, `idp_email`).
    fn user_by_idp_email(&self, email: &Email) -> Result<Option<UserRecord>, Self::Error>;
    /// The SCIM-managed user with this SCIM id.
    fn user_by_scim_id(&self, scim_id: &str) -> Result<Option<UserRecord>, Self::Error>;
    /// The SCIM-managed user with this `userName`.
    fn user_by_scim_user_name(
        &self,
        user_name: &UserName,
    ) -> Result<Option<UserRecord>, Self::Error>;
    /// A SCIM-managed user with this `externalId`.
    fn user_by_external_id(&self, external_id: &str) -> Result<Option<UserRecord>, Self::Error>;
    /// The team with this id.
    fn team(&self, id: TeamId) -> Result<Option<TeamRecord>, Self::Error>;
    /// The IdP-managed team with this SCIM id.
    fn team_by_scim_id(&self, scim_id: &str) -> Result<Option<TeamRecord>, Self::Error>;
    /// Every team with this name, case-insensitively (at most a built-in or a local
    /// team, plus an IdP-managed one).
    fn teams_by_name(&self, name: &str) -> Result<Vec<TeamRecord>, Self::Error>;
    /// A built-in team.
    fn built_in_team(&self, team: BuiltInTeam) -> Result<Option<TeamRecord>, Self::Error>;
    /// Every team flagged as a duplicate (T2).
    fn duplicate_teams(&self) -> Result<Vec<TeamRecord>, Self::Error>;
    /// Whether the user is a member of the team.
    fn is_member(&self, team: TeamId, user: UserId) -> Result<bool, Self::Error>;
    /// Every member of the team.
    fn members(&self, team: TeamId) -> Result<Vec<UserId>, Self::Error>;
    /// Every pending member reference of the team (S3).
    fn pending_of_team(&self, team: TeamId) -> Result<Vec<String>, Self::Error>;
    /// Every pending membership naming this member reference (S3).
    fn pending_for_member_ref(
        &self,
        member_ref: &str,
    ) -> Result<Vec<PendingMembership>, Self::Error>;
    /// Every pending membership of the org (S3 manual sync).
    fn all_pending(&self) -> Result<Vec<PendingMembership>, Self::Error>;

    /// The three users a SCIM create must know about (`userName`, IdP email link,
    /// current email); a port may answer in one round trip.
    fn users_by_identity(
        &self,
        user_name: &UserName,
        email: &Email,
    ) -> Result<IdentityMatches, Self::Error> {
        Ok(IdentityMatches {
            by_user_name: self.user_by_scim_user_name(user_name)?,
            by_idp_email: self.user_by_idp_email(email)?,
            by_email: self.user_by_email(email)?,
        })
    }

    /// [`pending_for_member_ref`](OrgView::pending_for_member_ref) for each reference,
    /// in the order given; a port may answer in one round trip.
    fn pending_for_member_refs(
        &self,
        member_refs: &[String],
    ) -> Result<Vec<PendingMembership>, Self::Error> {
        let mut found = Vec::new();
        for member_ref in member_refs {
            found.extend(self.pending_for_member_ref(member_ref)?);
        }
        Ok(found)
    }
}

/// The answer of [`OrgView::users_by_identity`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityMatches {
    /// The SCIM-managed user with this `userName`.
    pub by_user_name: Option<UserRecord>,
    /// The user linked to this IdP email.
    pub by_idp_email: Option<UserRecord>,
    /// The user whose current email this is.
    pub by_email: Option<UserRecord>,
}
