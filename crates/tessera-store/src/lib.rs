//! Tessera's storage: the only crate that knows SQL.
//!
//! One diesel schema served from one binary on two backends: SQLite (the embedded
//! default; WAL mode, busy timeout, immediate write transactions) and PostgreSQL (the
//! scale-out backend several servers share). Migrations are embedded and applied by
//! [`Store::open`].
//!
//! [`Store`] implements the services' storage port, [`tessera_service::Storage`], with
//! SQL only: the protocol logic stays in `tessera-service`.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use tessera_core::{OrgKind, WorkspaceName};
//! use tessera_policy::{BuiltInTeam, OrgView};
//! use tessera_service::Storage;
//! use tessera_store::{Actor, Store};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?; // a throwaway SQLite database
//! let store = Store::open(&format!("sqlite://{}/tessera.db", dir.path().display()))?;
//!
//! let now = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().ok_or("no such time")?;
//! let acme = WorkspaceName::parse("acme")?;
//! let org = store.create_org(&acme, OrgKind::Production, &Actor::operator(), now)?;
//! assert!(!org.sso_enabled, "off until the operator enables it (W3)");
//! assert_eq!(store.teams(org.id)?.len(), 2, "All Users and Account Admins (T1)");
//!
//! // The same org through the storage port the services use.
//! let summary = store.org_by_workspace(&acme)?.ok_or("not found")?;
//! let mut all_users = None;
//! store.read(summary.id, &mut |org| {
//!     all_users = org.built_in_team(BuiltInTeam::AllUsers)?;
//!     Ok(())
//! })?;
//! assert_eq!(all_users.ok_or("no All Users team")?.name, "All Users");
//! # Ok(())
//! # }
//! ```

mod cached;
mod connect;
mod connection;
mod error;
mod group_commit;
mod invitations;
mod orgs;
mod policy;
mod port;
mod records;
mod row_counts;
mod saml;
mod schema;
mod sessions;
mod sp_keys;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod throttle;
mod time;
mod tokens;
mod users;

pub use connection::{Backend, DbConnection};
pub use error::{Result, StoreError};
pub use invitations::OpenInvitation;
pub use orgs::AuditFilter;
pub use policy::ExecuteError;
pub use records::{AuditEntry, NewUser, Org, OrgSummary, Team, User};
pub use saml::SamlOptions;
pub use sessions::{Lifetime, SessionKind, SessionOwner};
pub use store::Store;
/// Who acts: the policy engine's actor, the one type every surface uses.
pub use tessera_policy::Actor;
/// The kind of a team: the policy engine's, the one type every surface uses.
pub use tessera_policy::TeamKind;
pub use tessera_service::connect::{
    CertificateSummary, IdpDetails, IdpSummary, MappedRow, MappingExport, MappingSummary,
    MappingUpload, NextAction, Walkthrough,
};
pub use throttle::FailureLimit;
pub use tokens::TokenOwner;
pub use users::UserFilter;
