//! The policy engine's port, implemented over one database transaction, and the
//! application of its decisions.

mod apply;
mod execute;
mod reads;
mod rows;
mod scim_writes;
mod view;

pub use execute::ExecuteError;
