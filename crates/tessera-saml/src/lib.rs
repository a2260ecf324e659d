//! SAML 2.0 service-provider core for Tessera.
//!
//! Bytes in, owned values out: every public function may be called from any thread
//! (the libxmlsec1 state it needs is per thread), e.g. inside `web::block`.
//!
//! - [`validate_response`]: the ACS. Verifies the signature with the org's pinned
//!   certificates (xmlsec, hardened against signature wrapping), reads the assertion
//!   only from the signed bytes, checks status, issuer, audience, destination,
//!   recipient, bearer, time window, InResponseTo and replay (through the
//!   [`RequestIdStore`] and [`ReplayCache`] ports), and maps the attributes.
//! - [`AuthnRequest`]: SP-initiated login over HTTP-Redirect (optionally signed) or POST.
//! - [`sp_metadata`] and [`IdpMetadata`]: metadata out and in.
//! - [`relay_state::sanitize`]: only same-host relative paths.

mod attributes;
mod authn_request;
mod binding;
mod certificate;
mod decrypt;
mod error;
mod idp_metadata;
mod keygen;
mod model;
pub mod names;
mod ports;
pub mod relay_state;
mod report;
mod settings;
mod signature;
mod sp_metadata;
mod validate;
mod verify;
mod xml_tree;
mod xmlsec_shim;

pub use attributes::{AttributeMap, IdpPreset};
pub use authn_request::{AuthnRequest, PostForm};
pub use binding::{decode_post, decode_redirect, encode_post, encode_redirect};
pub use certificate::{Certificate, SpKeyPair};
pub use error::{PortError, Result, SamlError};
pub use idp_metadata::{Endpoint, IdpMetadata};
pub use keygen::generate_sp_key_pair;
pub use model::{Attribute, NameId};
pub use ports::{
    MemoryReplayCache, MemoryRequestIdStore, OutstandingRequest, ReplayCache, RequestIdStore,
};
pub use report::MAX_DETAIL_CHARS;
pub use settings::{IdentityProvider, Limits, ServiceProvider};
pub use sp_metadata::sp_metadata;
pub use validate::{Login, validate_response};
