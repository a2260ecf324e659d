//! Tessera's provisioning and team policy engine.
//!
//! The product rules (U1–U8, T1–T8, S1–S4, C4, C5, L3, M3 linking) as pure decisions:
//! [`decide`] takes the org's state through the read-only port [`OrgView`], a
//! [`Command`], the time and a source of fresh ids, and returns a [`Decision`] (the
//! [`Change`]s to write, the audit entries and the invitations they imply) or a
//! [`PolicyError`] naming the rule that refused. It does no I/O and never reads the
//! clock; the store applies decisions in one transaction. [`login_route`] answers how
//! an email may log in (L3) and [`plan_merge`] shows the T2 migration before it runs.
//! [`memory::MemoryOrg`] is the in-memory reference implementation of the port.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use tessera_core::{ConnectionMode, Email, OrgId, OrgKind, Role, UserName, UserStatus};
//! use tessera_policy::memory::MemoryOrg;
//! use tessera_policy::{
//!     Actor, Command, OrgRecord, OrgView, ProvisionedUser, SequentialIds, decide,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let now = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().ok_or("no such time")?;
//! let mut ids = SequentialIds::starting_at(1);
//! let record = OrgRecord {
//!     id: OrgId::random(),
//!     kind: OrgKind::Production,
//!     connection_mode: Some(ConnectionMode::Scim),
//!     connected_at: Some(now),
//!     salesforce_profile_import: false,
//!     salesforce_invitations: false,
//! };
//! let mut org = MemoryOrg::new(record, now, &mut ids); // with its two built-in teams (T1)
//!
//! // The IdP creates a user over SCIM: a pending viewer with an invitation (U2, U6).
//! let ada = Email::parse("ada@acme.example")?;
//! let user = ProvisionedUser {
//!     email: Some(ada.clone()),
//!     ..ProvisionedUser::new(UserName::parse("ada@acme.example")?)
//! };
//! let decision = decide(&org, &Command::ScimCreateUser(user), now, &mut ids)?;
//! assert_eq!(decision.invitations.len(), 1);
//! org.apply(&decision)?; // a backend writes the decision in the same transaction
//! let created = org.user_by_email(&ada)?.ok_or("not created")?;
//! assert_eq!((created.status, created.role), (UserStatus::Pending, Role::Viewer));
//!
//! // A refusal names its rule and decides no change: T1 keeps the built-in names.
//! let clash = Command::CreateTeam {
//!     by: Actor::Operator,
//!     name: "all users".into(),
//!     description: String::new(),
//! };
//! let refused = decide(&org, &clash, now, &mut ids).err().ok_or("accepted")?;
//! assert_eq!(refused.rule(), Some("T1"));
//! # Ok(())
//! # }
//! ```

mod change;
mod command;
mod commands;
mod context;
mod decision;
mod error;
mod ids;
mod inputs;
pub mod memory;
mod records;
mod view;

pub use change::Change;
pub use command::{Actor, Command, decide};
pub use commands::login_method::{LoginRoute, login_route};
pub use commands::merge::{MergeStep, plan_merge};
pub use decision::{AuditEntry, Decision, Invitation, InvitationReason, Subject};
pub use error::{PolicyError, PolicyResult};
pub use ids::{IdSource, RandomIds, SequentialIds};
pub use inputs::{
    GroupPatchOp, InviteChannel, MappingLink, ProvisionedGroup, ProvisionedUser, SamlLogin,
    UserPatch,
};
pub use records::{
    BuiltInTeam, MembershipRecord, OrgRecord, PendingMembership, TeamKind, TeamRecord, UserRecord,
    team_name_key,
};
pub use view::{IdentityMatches, OrgView};
