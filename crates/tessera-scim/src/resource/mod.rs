//! Typed User and Group resources that keep unknown attributes and extensions, the
//! `meta` block with ETags, and the ListResponse envelope.

mod group;
mod list;
mod meta;
mod normalise;
mod serde_helpers;
mod user;
mod user_groups;

pub use group::{Group, Member};
pub use list::ListResponse;
pub use meta::{Meta, if_match_allows, weak_etag};
pub use user::{Address, EnterpriseUser, Manager, MultiValue, Name, User};
pub use user_groups::user_group_refs;

#[cfg(test)]
mod tests;
