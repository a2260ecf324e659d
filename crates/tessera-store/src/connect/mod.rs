//! The Connect walkthrough (C1, C2, W2, W3): one persisted step per org, and each step
//! a single write transaction that either advances or refuses and changes nothing.
//! Leaving and coming back resumes at the stored step.
//!
//! enable (choose the mode) → download the mapping sheet → upload it (M2, M3) → IdP
//! details → SCIM credentials (scim mode, C3) → connected (C4, C5).

mod error;
mod idp;
mod mapping;
mod state;
mod steps;

pub use error::ConnectError;
pub use idp::{CertificateSummary, IdpDetails, IdpSummary};
pub use mapping::{MappedRow, MappingExport, MappingUpload};
pub use state::{MappingSummary, NextAction, Walkthrough};
