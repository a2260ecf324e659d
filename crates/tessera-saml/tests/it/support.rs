//! Shared settings and helpers: the SP and IdP of `fixtures/saml/sp-metadata.xml` and
//! `idp.py`, and the fixed clock of `make_fixtures.py`.

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use tessera_core::WorkspaceName;
use tessera_saml::{
    Certificate, IdentityProvider, Limits, Login, MemoryReplayCache, MemoryRequestIdStore, Result,
    ServiceProvider, SpKeyPair, validate_response,
};

/// The id of the AuthnRequest that `sp-initiated.xml` answers.
pub const REQUEST_ID: &str = "id-4f2a0c7e9b1d4e6f8a3c5b7d9e1f2a3b";
/// The IdP's entity id.
pub const IDP_ENTITY_ID: &str = "https://idp.example.org/metadata";

/// One minute after the fixtures were issued (they are valid for five).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 10, 1, 0).unwrap()
}

pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../fixtures/saml/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn certificate(name: &str) -> Certificate {
    Certificate::parse(&fixture(&format!("keys/{name}.crt"))).unwrap()
}

pub fn sp() -> ServiceProvider {
    let keys = SpKeyPair::from_pem(&fixture("keys/sp.key"), &fixture("keys/sp.crt")).unwrap();
    ServiceProvider::for_workspace(
        "https://sso.tessera.test",
        WorkspaceName::parse("acme").unwrap(),
        Some(keys),
    )
    .unwrap()
}

/// The org's IdP, trusting the current, the rollover and the EC certificate.
pub fn idp() -> IdentityProvider {
    IdentityProvider::new(
        IDP_ENTITY_ID,
        "https://idp.example.org/sso",
        vec![
            certificate("idp"),
            certificate("idp-rollover"),
            certificate("idp-ec"),
        ],
    )
}

pub fn encode(xml: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(xml)
}

/// Validates `fixtures/saml/{path}` at [`now`] with fresh ports.
pub fn validate_with(path: &str, idp: &IdentityProvider, now: DateTime<Utc>) -> Result<Login> {
    let requests = MemoryRequestIdStore::default();
    requests.insert(
        &sp().workspace,
        REQUEST_ID,
        now + chrono::Duration::minutes(5),
        Some("/deals/42".into()),
    );
    validate_response(
        &encode(&fixture(path)),
        &sp(),
        idp,
        &Limits::default(),
        now,
        &requests,
        &MemoryReplayCache::default(),
    )
}

pub fn validate(path: &str) -> Result<Login> {
    validate_with(path, &idp(), now())
}
