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
