//! The user-mapping sheet (rules M1–M3).
//!
//! Before an org connects its IdP, its account admin downloads a spreadsheet listing
//! every existing user (A: user id, B: current email, C: the email the user has in the
//! IdP, pre-filled with B), fills in column C, and uploads it. A valid upload links each
//! account to its IdP email, so a later SCIM create or JIT login attaches to the existing
//! account instead of making a duplicate.
//!
//! Sheet protection on A and B is cosmetic: a spreadsheet program removes it in one
//! click. What enforces M2 is [`import`], which checks every cell of A and B against the
//! [`Snapshot`] remembered at export time.
//!
//! An upload is untrusted input on a shared server: [`limits`] bounds the file, its
//! zip parts (declared and inflated), shared strings, rows, cells and cell text, and
//! the Users sheet is streamed cell by cell, so no declared range sizes an allocation.
//!
//! # Example
//!
//! ```
//! use tessera_core::{Email, UserId, WorkspaceName};
//! use tessera_mapping::{Snapshot, SnapshotRow, export, file_name, import};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ada = SnapshotRow { user_id: UserId::random(), email: Email::parse("ada@acme.example")? };
//! let bob = SnapshotRow { user_id: UserId::random(), email: Email::parse("bob@acme.example")? };
//! let snapshot = Snapshot {
//!     export_id: "export-1".into(), // remembered with the snapshot, written into the file
//!     workspace: WorkspaceName::parse("acme")?,
//!     rows: vec![ada.clone(), bob.clone()],
//! };
//! let bytes = export(&snapshot)?; // the .xlsx the admin downloads (M1)
//! let name = file_name(&snapshot.workspace);
//! assert_eq!(name, "user-mapping-acme.xlsx");
//!
//! // Uploaded back unchanged: each user links to its pre-filled IdP email (M3).
//! let current = [ada.clone(), bob.clone()];
//! let links = import(&name, &bytes, &snapshot, &current)?;
//! assert_eq!(links.len(), 2);
//! assert_eq!(links[0].user_id, ada.user_id);
//! assert_eq!(links[0].idp_email, Some(ada.email.clone()));
//!
//! // A renamed file is refused, with the problem listed, and links nothing (M2).
//! let refused = import("mapping.xlsx", &bytes, &snapshot, &current).err().ok_or("accepted")?;
//! assert!(!refused.problems.is_empty());
//! # Ok(())
//! # }
//! ```

mod archive;
mod error;
mod export;
mod import;
pub mod limits;
mod markup;
mod problem;
mod sheet;
mod snapshot;

pub use error::{MappingError, Result};
pub use export::{export, file_name};
pub use import::{Link, export_id_of, import};
pub use problem::{Column, Problem, Rejection};
pub use snapshot::{Snapshot, SnapshotRow};

/// The name of the sheet holding the users.
pub const USERS_SHEET: &str = "Users";
/// The name of the sheet holding the instructions.
pub const INSTRUCTIONS_SHEET: &str = "Instructions";
/// The header row, columns A to C.
pub const HEADERS: [&str; 3] = ["User ID", "Current email", "IdP email"];
/// The custom document property carrying the export's id.
pub const EXPORT_ID_PROPERTY: &str = "tessera_export_id";
