//! The rows SAML login keeps through the storage port: the org's IdP settings, the
//! outstanding AuthnRequests (SP-initiated login, L2) and nothing else; consumed
//! assertion ids are plain strings.

use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use tessera_core::TokenHash;
use tessera_saml::IdpMetadata;

/// An org's IdP connection, as stored: what validating its responses needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpSettings {
    /// The IdP's entity id (the Issuer its responses must carry).
    pub entity_id: String,
    /// Where AuthnRequests are sent.
    pub sso_url: String,
    /// The pinned signing certificates, DER, base64 (several during a rollover).
    pub certificates: Vec<String>,
    /// Per-org attribute names tried first, e.g. `{"email": ["mail"]}` (JSON object).
    pub attribute_overrides: serde_json::Value,
    /// Whether unsolicited (IdP-initiated) responses are accepted (L1).
    pub allow_idp_initiated: bool,
    /// Whether SHA-1 signatures are accepted.
    pub allow_sha1: bool,
    /// The IdP's metadata said `WantAuthnRequestsSigned="true"`.
    pub want_authn_requests_signed: bool,
}

impl IdpSettings {
    /// The settings an IdP's SAML metadata gives (as Okta, Entra ID and the others
    /// export it), with the org defaults: IdP-initiated login allowed (L1), SHA-1
    /// refused, no attribute overrides.
    pub fn from_metadata(xml: &str) -> ServiceResult<Self> {
        let unusable = |e: tessera_saml::SamlError| {
            ServiceError::invalid(format!("the IdP metadata cannot be used: {e}"))
        };
        let metadata = IdpMetadata::parse(xml.as_bytes()).map_err(unusable)?;
        let idp = metadata.to_identity_provider().map_err(unusable)?;
        Ok(Self {
            entity_id: idp.entity_id,
            sso_url: idp.sso_url,
            certificates: idp.certificates.iter().map(|c| c.to_base64()).collect(),
            attribute_overrides: serde_json::json!({}),
            allow_idp_initiated: true,
            allow_sha1: false,
            want_authn_requests_signed: metadata.want_authn_requests_signed,
        })
    }
}

/// An AuthnRequest to remember until it is answered or expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRequest {
    /// The request id (what the response's InResponseTo carries).
    pub id: String,
    /// Where the user lands after login (already sanitised).
    pub relay_state: Option<String>,
    /// The hash of the browser binding value (the request cookie).
    pub browser_hash: TokenHash,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// Until when it may be answered.
    pub expires_at: DateTime<Utc>,
}

/// An outstanding AuthnRequest, as taken from storage (the service checks its expiry
/// and its browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    /// The RelayState stored with it.
    pub relay_state: Option<String>,
    /// The hash of the browser binding value it was sent with, if one was kept.
    pub browser_hash: Option<TokenHash>,
    /// Until when it may be answered.
    pub expires_at: DateTime<Utc>,
}
