//! The org's event stream: every committed change as a typed event (issue #11).

mod model;

pub use model::{Event, EventSource, EventType, NewEvent};
