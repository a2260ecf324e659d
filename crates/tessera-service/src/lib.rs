//! Tessera's application layer, with no web framework, no SQL and no async runtime.
//!
//! The services take framework-neutral requests and plain values and answer what the
//! caller must do; storage sits behind the [`storage`] port, which `tessera-store`
//! implements over SQLite and PostgreSQL and [`memory::MemoryStorage`] in memory.
//! Every failure is a [`ServiceError`] of one [`ErrorKind`].

pub mod connect;
pub mod error;
pub mod memory;
pub mod storage;
pub mod transact;

pub use error::{ErrorDetails, ErrorKind, ServiceError, ServiceResult, StorageError};
pub use storage::{OrgSummary, RecordQuery, ScimResourceKind, Storage, Transaction};
