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
//!
//! # Example
//!
//! SP-initiated login needs no IdP at hand: read the metadata an admin pasted, and
//! build the AuthnRequest that sends the browser there.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use tessera_core::WorkspaceName;
//! use tessera_saml::{AuthnRequest, IdpMetadata, Limits, ServiceProvider, decode_redirect};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let xml = include_str!("../../../fixtures/saml/idp-metadata/okta.xml");
//! let metadata = IdpMetadata::parse(xml.as_bytes())?;
//! assert_eq!(metadata.entity_id, "http://www.okta.com/exk1fcia6d6EMsf331d8");
//! let idp = metadata.to_identity_provider()?; // its pinned certificates included
//!
//! let workspace = WorkspaceName::parse("acme")?;
//! let sp = ServiceProvider::for_workspace("https://app.example.com", workspace, None)?;
//! assert_eq!(sp.acs_url, "https://app.example.com/saml/acme/acs");
//!
//! let now = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().ok_or("no such time")?;
//! let request = AuthnRequest::new(&sp, &idp, now, Duration::minutes(10));
//! // Keep request.id() until request.expires_at(): the response must answer it.
//! let url = request.redirect_url(Some("/app"), None)?;
//! assert!(url.starts_with(&idp.sso_url));
//!
//! // What the IdP reads out of that URL (HTTP-Redirect binding: deflate + base64).
//! let query = url.split_once('?').ok_or("no query")?.1;
//! let encoded = form_urlencoded::parse(query.as_bytes())
//!     .find(|(name, _)| name == "SAMLRequest")
//!     .ok_or("no SAMLRequest")?
//!     .1;
//! let sent = String::from_utf8(decode_redirect(&encoded, &Limits::default())?)?;
//! assert!(sent.contains(&format!(r#"ID="{}""#, request.id())));
//! assert!(sent.contains("<saml:Issuer>https://app.example.com/saml/acme/metadata</saml:Issuer>"));
//! # Ok(())
//! # }
//! ```

mod attributes;
mod authn_request;
mod binding;
mod c14n;
mod certificate;
mod decrypt;
mod error;
mod fast_signature;
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
