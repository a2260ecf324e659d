//! The one error type of this crate.

use crate::records::BuiltInTeam;

/// Why a command was not decided. Refusals name the rule they enforce ([`rule`]) and
/// say it in a sentence; `NotFound`/`Taken`/`Invalid` variants are for the protocol
/// layers (SCIM 404, 409, 400); [`Port`](PolicyError::Port) wraps the storage port's
/// own error.
///
/// [`rule`]: PolicyError::rule
#[derive(Debug, thiserror::Error)]
pub enum PolicyError<E> {
    /// The storage port failed.
    #[error("storage: {0}")]
    Port(#[source] E),
    /// No user answers to this reference (SCIM 404).
    #[error("no user {reference}")]
    UserNotFound {
        /// The id or SCIM id looked up.
        reference: String,
    },
    /// No team answers to this reference (SCIM 404).
    #[error("no team {reference}")]
    TeamNotFound {
        /// The id or SCIM id looked up.
        reference: String,
    },
    /// Another SCIM-managed user already has this `userName` (SCIM 409 uniqueness).
    #[error("the userName {user_name} is already provisioned")]
    UserNameTaken {
        /// The contested user name.
        user_name: String,
    },
    /// Another account already has this email (SCIM 409 uniqueness).
    #[error("another account already uses the email {email}")]
    EmailTaken {
        /// The contested email.
        email: String,
    },
    /// Another IdP group already has this `displayName` (SCIM 409 uniqueness).
    #[error("an IdP group named {name:?} already exists")]
    GroupNameTaken {
        /// The contested name.
        name: String,
    },
    /// Another team already has this name (app side).
    #[error("a team named {name:?} already exists")]
    TeamNameTaken {
        /// The contested name.
        name: String,
    },
    /// A team name that cannot be used.
    #[error("{name:?} is not a usable team name: {problem}")]
    InvalidTeamName {
        /// The refused name.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A SCIM user with neither an email nor an email-shaped `userName`.
    #[error("the user {user_name} has no email (neither emails nor an email-shaped userName)")]
    MissingEmail {
        /// Its user name.
        user_name: String,
    },
    /// M3: the IdP email is already linked to another account.
    #[error("M3: the IdP email {email} is already linked to another account ({holder})")]
    IdpEmailTaken {
        /// The contested IdP email.
        email: String,
        /// The account holding the link.
        holder: String,
    },
    /// The acting user may not do this (only account admins may).
    #[error("{rule}: only an account admin can {action}")]
    NotAccountAdmin {
        /// What was attempted, e.g. "change roles".
        action: &'static str,
        /// The rule giving the power to account admins.
        rule: &'static str,
    },
    /// An account admin may not do this to their own account, so an org always keeps one.
    #[error("{rule}: an account admin cannot {action} their own account")]
    SelfChange {
        /// What was attempted, e.g. "deactivate".
        action: &'static str,
        /// The rule the command falls under.
        rule: &'static str,
    },
    /// T1: IdP groups and local teams cannot take a built-in team's name.
    #[error("T1: {name:?} is the name of a built-in team")]
    BuiltInTeamName {
        /// The refused name.
        name: String,
    },
    /// T1: the built-in teams cannot be renamed or deleted.
    #[error("T1: the built-in team {} cannot be {action}", team.name())]
    BuiltInTeamFixed {
        /// The team.
        team: BuiltInTeam,
        /// "renamed" or "deleted".
        action: &'static str,
    },
    /// T1: built-in team membership follows the accounts, not manual edits.
    #[error("T1: {}", built_in_membership(*team))]
    BuiltInMembership {
        /// The team.
        team: BuiltInTeam,
    },
    /// T1: a built-in team is missing from the store (the store's invariant is broken).
    #[error("T1: the built-in team {} is missing", team.name())]
    BuiltInTeamMissing {
        /// The missing team.
        team: BuiltInTeam,
    },
    /// T4: IdP-managed teams are renamed and deleted only through the IdP.
    #[error("T4: an IdP-managed team cannot be {action} in the app ({team:?})")]
    IdpTeamFixed {
        /// The team's name.
        team: String,
        /// "renamed" or "deleted".
        action: &'static str,
    },
    /// T5: IdP-managed team members change only through the IdP.
    #[error("T5: members of the IdP-managed team {team:?} change only through the IdP")]
    IdpTeamMembers {
        /// The team's name.
        team: String,
    },
    /// U5: the IdP is the source of truth for SCIM-managed users.
    #[error("U5: {email} is managed by the IdP and cannot be {action} in the app")]
    ScimManagedUser {
        /// The user's email.
        email: String,
        /// "deactivated", "deleted" or "reactivated".
        action: &'static str,
    },
    /// U3/U5: a deactivated account cannot log in.
    #[error("{}: {email} is deactivated; {}", if *scim_managed { "U5" } else { "U3" }, deactivated_hint(*scim_managed))]
    UserDeactivated {
        /// The user's email.
        email: String,
        /// Whether the IdP (rather than an account admin) can reactivate it.
        scim_managed: bool,
    },
    /// C1: in scim mode, accounts come from SCIM, not from a first login.
    #[error(
        "C1: {email} has not been provisioned by the IdP (this org provisions users through SCIM)"
    )]
    NotProvisioned {
        /// The email that tried to log in.
        email: String,
    },
    /// C1: no IdP connection is live, so there is no SSO login.
    #[error("C1: single sign-on is not connected for this org")]
    SsoNotConnected,
    /// C5: Salesforce invitations stop once an IdP is connected.
    #[error(
        "C5: invitations through Salesforce are disabled once an IdP is connected; invite by email instead"
    )]
    SalesforceInvitesDisabled,
    /// W2: only a production org can connect an IdP.
    #[error("W2: only a production org can connect SSO/SCIM")]
    SandboxCannotConnect,
    /// W2: an org has at most one IdP connection.
    #[error("W2: this org is already connected to an IdP")]
    AlreadyConnected,
}

impl<E> PolicyError<E> {
    /// The same error with the port's failure converted (refusals carry no port
    /// value and stay as they are).
    pub fn map_port<F>(self, convert: impl FnOnce(E) -> F) -> PolicyError<F> {
        use PolicyError as P;
        match self {
            P::Port(error) => P::Port(convert(error)),
            P::UserNotFound { reference } => P::UserNotFound { reference },
            P::TeamNotFound { reference } => P::TeamNotFound { reference },
            P::UserNameTaken { user_name } => P::UserNameTaken { user_name },
            P::EmailTaken { email } => P::EmailTaken { email },
            P::GroupNameTaken { name } => P::GroupNameTaken { name },
            P::TeamNameTaken { name } => P::TeamNameTaken { name },
            P::InvalidTeamName { name, problem } => P::InvalidTeamName { name, problem },
            P::MissingEmail { user_name } => P::MissingEmail { user_name },
            P::IdpEmailTaken { email, holder } => P::IdpEmailTaken { email, holder },
            P::NotAccountAdmin { action, rule } => P::NotAccountAdmin { action, rule },
            P::SelfChange { action, rule } => P::SelfChange { action, rule },
            P::BuiltInTeamName { name } => P::BuiltInTeamName { name },
            P::BuiltInTeamFixed { team, action } => P::BuiltInTeamFixed { team, action },
            P::BuiltInMembership { team } => P::BuiltInMembership { team },
            P::BuiltInTeamMissing { team } => P::BuiltInTeamMissing { team },
            P::IdpTeamFixed { team, action } => P::IdpTeamFixed { team, action },
            P::IdpTeamMembers { team } => P::IdpTeamMembers { team },
            P::ScimManagedUser { email, action } => P::ScimManagedUser { email, action },
            P::UserDeactivated {
                email,
                scim_managed,
            } => P::UserDeactivated {
                email,
                scim_managed,
            },
            P::NotProvisioned { email } => P::NotProvisioned { email },
            P::SsoNotConnected => P::SsoNotConnected,
            P::SalesforceInvitesDisabled => P::SalesforceInvitesDisabled,
            P::SandboxCannotConnect => P::SandboxCannotConnect,
            P::AlreadyConnected => P::AlreadyConnected,
        }
    }
}

fn built_in_membership(team: BuiltInTeam) -> &'static str {
    match team {
        BuiltInTeam::AllUsers => {
            "every user is in All Users; its members cannot be added or removed"
        }
        BuiltInTeam::AccountAdmins => {
            "Account Admins holds exactly the account admins; change the user's role instead"
        }
    }
}

fn deactivated_hint(scim_managed: bool) -> &'static str {
    if scim_managed {
        "the IdP reactivates it"
    } else {
        "an account admin reactivates it by adding it to a team (U4)"
    }
}

impl<E> PolicyError<E> {
    /// The product rule a refusal enforces (`"T4"`), or `None` for lookups, conflicts,
    /// invalid input and storage failures.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            PolicyError::Port(_)
            | PolicyError::UserNotFound { .. }
            | PolicyError::TeamNotFound { .. }
            | PolicyError::UserNameTaken { .. }
            | PolicyError::EmailTaken { .. }
            | PolicyError::GroupNameTaken { .. }
            | PolicyError::TeamNameTaken { .. }
            | PolicyError::InvalidTeamName { .. }
            | PolicyError::MissingEmail { .. } => None,
            PolicyError::IdpEmailTaken { .. } => Some("M3"),
            PolicyError::NotAccountAdmin { rule, .. } | PolicyError::SelfChange { rule, .. } => {
                Some(rule)
            }
            PolicyError::BuiltInTeamName { .. }
            | PolicyError::BuiltInTeamFixed { .. }
            | PolicyError::BuiltInMembership { .. }
            | PolicyError::BuiltInTeamMissing { .. } => Some("T1"),
            PolicyError::IdpTeamFixed { .. } => Some("T4"),
            PolicyError::IdpTeamMembers { .. } => Some("T5"),
            PolicyError::ScimManagedUser { .. } => Some("U5"),
            PolicyError::UserDeactivated { scim_managed, .. } => {
                Some(if *scim_managed { "U5" } else { "U3" })
            }
            PolicyError::NotProvisioned { .. } | PolicyError::SsoNotConnected => Some("C1"),
            PolicyError::SalesforceInvitesDisabled => Some("C5"),
            PolicyError::SandboxCannotConnect | PolicyError::AlreadyConnected => Some("W2"),
        }
    }
}

/// Result alias for this crate, generic over the port's error.
pub type PolicyResult<T, E> = Result<T, PolicyError<E>>;

#[cfg(test)]
mod tests {
    use super::*;

    type Error = PolicyError<std::io::Error>;

    #[test]
    fn refusals_name_their_rule_first_and_other_errors_have_none() {
        let cases: Vec<(Error, Option<&str>, &str)> = vec![
            (
                PolicyError::IdpTeamFixed {
                    team: "Eng".into(),
                    action: "renamed",
                },
                Some("T4"),
                "T4: an IdP-managed team cannot be renamed in the app (\"Eng\")",
            ),
            (
                PolicyError::BuiltInMembership {
                    team: BuiltInTeam::AccountAdmins,
                },
                Some("T1"),
                "T1: Account Admins holds exactly the account admins; change the user's role instead",
            ),
            (
                PolicyError::UserDeactivated {
                    email: "a@b.co".into(),
                    scim_managed: true,
                },
                Some("U5"),
                "U5: a@b.co is deactivated; the IdP reactivates it",
            ),
            (
                PolicyError::NotAccountAdmin {
                    action: "change roles",
                    rule: "U6",
                },
                Some("U6"),
                "U6: only an account admin can change roles",
            ),
            (
                PolicyError::UserNameTaken {
                    user_name: "jane".into(),
                },
                None,
                "the userName jane is already provisioned",
            ),
            (
                PolicyError::Port(std::io::Error::other("disk on fire")),
                None,
                "storage: disk on fire",
            ),
        ];
        for (error, rule, message) in cases {
            assert_eq!(error.rule(), rule, "{error}");
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn the_port_error_is_the_source() {
        use std::error::Error as _;
        let error: Error = PolicyError::Port(std::io::Error::other("gone"));
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("gone")
        );
    }
}
