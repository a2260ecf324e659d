//! The policy engine's port, implemented over one database transaction, and the
//! application of its decisions.

pub(crate) mod apply;
pub(crate) mod execute;
mod reactivate;
mod reads;
pub(crate) mod rows;
pub(crate) mod view;

pub use execute::ExecuteError;
