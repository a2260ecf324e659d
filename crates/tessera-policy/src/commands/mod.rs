//! One module per command family, plus the helpers they share.

pub(crate) mod app_team;
pub(crate) mod app_user;
pub(crate) mod connection;
pub(crate) mod jit;
pub(crate) mod login_method;
pub(crate) mod merge;
pub(crate) mod scim_group;
pub(crate) mod scim_user;
pub(crate) mod sync;

mod lifecycle;
mod lookup;
mod members;
mod team_names;
