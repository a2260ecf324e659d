//! Tessera's SCIM 2.0 resource model (RFC 7643/7644), free of HTTP and SQL.
//!
//! - [`filter`]: the full filter grammar, an evaluator over JSON resources, and
//!   [`filter::indexed_lookup`] to answer common IdP lookups from an index.
//! - [`query::parse_list_query`]: list parameters from a raw query string.
//! - [`normalise_patch`]: PATCH bodies from every IdP dialect into one model, applied to
//!   users ([`apply_user_patch`]) or turned into member deltas ([`group_deltas`]).
//! - [`User`], [`Group`], [`ListResponse`], [`Meta`]: resources that keep unknown attributes.
//! - [`Projection`]: `attributes` / `excludedAttributes`.
//! - [`discovery`]: ServiceProviderConfig, ResourceTypes and Schemas for a base URL.
//! - [`ScimError`]: one error type, with the HTTP status and the RFC 7644 error body.

pub mod discovery;
pub mod error;
pub mod filter;
mod json;
pub mod patch;
pub mod projection;
pub mod query;
pub mod resource;
mod schema_attrs;
pub mod search;
pub mod urn;

pub use error::{ErrorBody, Result, ScimError, ScimType};
pub use patch::{
    GroupDelta, PatchOpKind, PatchOperation, apply_user_patch, group_deltas, normalise_patch,
};
pub use projection::Projection;
pub use query::{ListQuery, SortOrder, parse_list_query};
pub use resource::{Group, ListResponse, Meta, User, if_match_allows, user_group_refs, weak_etag};
pub use search::parse_search_request;

#[cfg(test)]
mod attack_proptests;
#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod proptests;
