//! The org's event stream: every committed change as a typed event (issue #11).
//!
//! The outbox: a backend's [`crate::Transaction::apply`] appends the events
//! [`derive`] finds in the decision, in the transaction that writes it; a login path
//! appends its outcome with [`record_login_outcome`]. Readers page through the stream
//! by `seq` with [`EventReader`] (or [`crate::Storage::events_after`]).

mod derive;
mod login;
mod model;
mod payload;
mod reader;

pub use derive::derive;
pub use login::{LoginOutcome, record_login_outcome};
pub use model::{Event, EventSource, EventType, NewEvent, UnknownEventTypes};
pub use payload::{EventTeam, EventUser};
pub use reader::EventReader;

/// The most events one read answers.
pub const MAX_PAGE: usize = 1000;

/// How many days events are kept by default (`events_retention_days`).
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
