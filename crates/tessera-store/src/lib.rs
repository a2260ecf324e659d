//! Tessera's storage: the only crate that knows SQL.
//!
//! One diesel schema served from one binary on two backends: SQLite (the embedded
//! default; WAL mode, busy timeout, immediate write transactions) and PostgreSQL (the
//! scale-out backend several servers share). Migrations are embedded and applied by
//! [`Store::open`].

mod connect;
mod connection;
mod error;
mod invitations;
mod orgs;
mod policy;
mod port;
mod records;
mod row_counts;
mod saml;
mod schema;
mod scim;
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
pub use orgs::{Actor, AuditFilter};
pub use policy::ExecuteError;
pub use records::{AuditEntry, NewUser, Org, OrgSummary, Team, TeamKind, User};
pub use saml::{IdpSettings, SamlOptions, SamlRequest};
pub use scim::{Listing, ScanTooLarge, ScimListRequest, ScimPage};
pub use sessions::{Lifetime, SessionKind, SessionOwner};
pub use store::Store;
pub use tessera_service::connect::{
    CertificateSummary, IdpDetails, IdpSummary, MappedRow, MappingExport, MappingSummary,
    MappingUpload, NextAction, Walkthrough,
};
pub use throttle::FailureLimit;
pub use tokens::TokenOwner;
pub use users::UserFilter;
