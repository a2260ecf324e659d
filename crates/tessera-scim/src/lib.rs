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
//!
//! # Example
//!
//! ```
//! use serde_json::json;
//! use tessera_scim::filter::{IndexedAttribute, indexed_lookup, matches, parse_filter};
//! use tessera_scim::{PatchOpKind, normalise_patch};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Okta's lookup before it creates a user: answered from an index, no scan.
//! let filter = parse_filter(r#"userName eq "ada@acme.example""#)?;
//! let lookup = indexed_lookup(&filter).ok_or("not indexed")?;
//! assert_eq!(lookup.attribute, IndexedAttribute::UserName);
//! assert_eq!(lookup.values, ["ada@acme.example"]);
//! // userName compares case-insensitively (RFC 7643).
//! assert!(matches(&filter, &json!({"userName": "Ada@Acme.example"})));
//!
//! // Entra ID's PATCH dialect: a capitalised op and a string boolean.
//! let body = json!({
//!     "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
//!     "Operations": [{"op": "Replace", "path": "active", "value": "False"}]
//! });
//! let operations = normalise_patch(&body)?;
//! assert_eq!(operations.len(), 1);
//! assert_eq!(operations[0].op, PatchOpKind::Replace);
//! assert_eq!(operations[0].to_json(), json!({"op": "replace", "path": "active", "value": false}));
//! # Ok(())
//! # }
//! ```

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
