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
