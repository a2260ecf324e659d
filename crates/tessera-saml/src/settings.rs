//! The two sides of one org's SAML connection, and the size limits.

use crate::attributes::AttributeMap;
use crate::certificate::{Certificate, SpKeyPair};
use crate::error::{Result, SamlError};
use chrono::Duration;
use tessera_core::WorkspaceName;

/// Tessera, as the service provider of one org (workspace).
#[derive(Debug, Clone)]
pub struct ServiceProvider {
    /// The org's workspace name; request ids are looked up under it.
    pub workspace: WorkspaceName,
    /// Our entity id for this org: `{public_url}/saml/{ws}/metadata`.
    pub entity_id: String,
    /// Our ACS URL for this org: `{public_url}/saml/{ws}/acs`.
    pub acs_url: String,
    /// Signs AuthnRequests and decrypts assertions; published in SP metadata.
    pub key_pair: Option<SpKeyPair>,
}

impl ServiceProvider {
    /// The SP of `workspace` under `public_url` (e.g. `https://app.example.com`), with
    /// the URLs of `interfaces.md`.
    pub fn for_workspace(
        public_url: &str,
        workspace: WorkspaceName,
        key_pair: Option<SpKeyPair>,
    ) -> Result<Self> {
        let base = public_url.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(SamlError::InvalidSetting {
                name: "public_url",
                reason: format!("{public_url:?} is not an absolute http(s) URL"),
            });
        }
        Ok(Self {
            entity_id: format!("{base}/saml/{workspace}/metadata"),
            acs_url: format!("{base}/saml/{workspace}/acs"),
            workspace,
            key_pair,
        })
    }
}

/// The org's identity provider, as its admin configured it.
#[derive(Debug, Clone)]
pub struct IdentityProvider {
    /// The IdP's entity id: the only accepted Issuer.
    pub entity_id: String,
    /// Where AuthnRequests go (HTTP-Redirect binding).
    pub sso_url: String,
    /// Pinned signing certificates (several during a rollover). KeyInfo is never trusted.
    pub certificates: Vec<Certificate>,
    /// Accept RSA-SHA1 / SHA-1 digests (off by default; the result says when used).
    pub allow_sha1: bool,
    /// Accept unsolicited (IdP-initiated) responses (on by default, rule L1).
    pub allow_idp_initiated: bool,
    /// Sign AuthnRequests with the SP key (when the IdP wants it).
    pub sign_authn_requests: bool,
    /// Tolerated clock difference (default 2 minutes).
    pub clock_skew: Duration,
    /// Which attributes carry email, names and groups.
    pub attribute_map: AttributeMap,
}

impl IdentityProvider {
    /// An IdP with the defaults: SHA-1 refused, IdP-initiated allowed, 2 minutes of
    /// skew, unsigned AuthnRequests, the attribute names of every supported IdP.
    pub fn new(
        entity_id: impl Into<String>,
        sso_url: impl Into<String>,
        certificates: Vec<Certificate>,
    ) -> Self {
        Self {
            entity_id: entity_id.into(),
            sso_url: sso_url.into(),
            certificates,
            allow_sha1: false,
            allow_idp_initiated: true,
            sign_authn_requests: false,
            clock_skew: Duration::minutes(2),
            attribute_map: AttributeMap::default(),
        }
    }
}

/// Size limits on incoming messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest decoded SAML message accepted (default 256 KiB).
    pub max_message_bytes: usize,
    /// Largest inflated HTTP-Redirect payload accepted (default 64 KiB).
    pub max_inflated_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 256 * 1024,
            max_inflated_bytes: 64 * 1024,
        }
    }
}
