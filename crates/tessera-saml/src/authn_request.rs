//! SP-initiated login: the AuthnRequest, for the HTTP-Redirect and HTTP-POST bindings.

use crate::binding;
use crate::certificate::SpKeyPair;
use crate::error::{Result, SamlError};
use crate::names::{BINDING_POST, NAMEID_UNSPECIFIED, RSA_SHA256};
use crate::settings::{IdentityProvider, ServiceProvider};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use openssl::hash::MessageDigest;
use openssl::pkey::Id;
use openssl::sign::Signer;
use quick_xml::escape::escape;

const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

/// An AuthnRequest to send; store [`AuthnRequest::id`] until [`AuthnRequest::expires_at`]
/// (with the RelayState) in the [`crate::RequestIdStore`].
#[derive(Debug, Clone)]
pub struct AuthnRequest {
    id: String,
    expires_at: DateTime<Utc>,
    destination: String,
    xml: String,
}

/// The fields of an auto-submitting form for the HTTP-POST binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostForm {
    /// Where the form posts (the IdP's SSO URL).
    pub action: String,
    /// The `SAMLRequest` field (base64).
    pub saml_request: String,
    /// The `RelayState` field, if any.
    pub relay_state: Option<String>,
}

fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl AuthnRequest {
    /// A request from `sp` to `idp`, issued at `now`, answerable for `lifetime`. Its id
    /// is `id-` and 128 random bits in hex (an xs:ID must not start with a digit).
    pub fn new(
        sp: &ServiceProvider,
        idp: &IdentityProvider,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Self {
        let id = format!("id-{:032x}", rand::random::<u128>());
        let xml = format!(
            concat!(
                r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
                r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" "#,
                r#"IssueInstant="{instant}" Destination="{destination}" "#,
                r#"AssertionConsumerServiceURL="{acs}" ProtocolBinding="{binding}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer>"#,
                r#"<samlp:NameIDPolicy Format="{format}" AllowCreate="true"/>"#,
                r#"</samlp:AuthnRequest>"#
            ),
            id = id,
            instant = now.to_rfc3339_opts(SecondsFormat::Secs, true),
            destination = escape(&idp.sso_url),
            acs = escape(&sp.acs_url),
            binding = BINDING_POST,
            issuer = escape(&sp.entity_id),
            format = NAMEID_UNSPECIFIED,
        );
        Self {
            id,
            expires_at: now + lifetime,
            destination: idp.sso_url.clone(),
            xml,
        }
    }

    /// The request id (what the response's InResponseTo must carry).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Until when a response to it is accepted.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// The request XML.
    pub fn xml(&self) -> &str {
        &self.xml
    }

    /// The IdP URL to redirect the browser to (HTTP-Redirect binding). With a key, adds
    /// `SigAlg` and `Signature` (RSA-SHA256, or ECDSA-SHA256 for an EC key) over the
    /// encoded query, as the binding specifies.
    pub fn redirect_url(
        &self,
        relay_state: Option<&str>,
        signing_key: Option<&SpKeyPair>,
    ) -> Result<String> {
        let mut query = format!(
            "SAMLRequest={}",
            url_encode(&binding::encode_redirect(&self.xml)?)
        );
        if let Some(relay_state) = relay_state {
            query.push_str("&RelayState=");
            query.push_str(&url_encode(relay_state));
        }
        if let Some(keys) = signing_key {
            let algorithm = if keys.key().id() == Id::EC {
                ECDSA_SHA256
            } else {
                RSA_SHA256
            };
            query.push_str("&SigAlg=");
            query.push_str(&url_encode(algorithm));
            let failed = |e: openssl::error::ErrorStack| SamlError::SigningFailed {
                reason: e.to_string(),
            };
            let mut signer = Signer::new(MessageDigest::sha256(), keys.key()).map_err(failed)?;
            signer.update(query.as_bytes()).map_err(failed)?;
            let signature = signer.sign_to_vec().map_err(failed)?;
            query.push_str("&Signature=");
            query.push_str(&url_encode(&STANDARD.encode(signature)));
        }
        let separator = if self.destination.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(format!("{}{separator}{query}", self.destination))
    }

    /// The form to post to the IdP (HTTP-POST binding, unsigned).
    pub fn post_form(&self, relay_state: Option<&str>) -> PostForm {
        PostForm {
            action: self.destination.clone(),
            saml_request: binding::encode_post(&self.xml),
            relay_state: relay_state.map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::Certificate;
    use crate::settings::Limits;
    use chrono::TimeZone;
    use openssl::sign::Verifier;
    use openssl::x509::X509;
    use tessera_core::WorkspaceName;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../fixtures/saml/keys/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn setup() -> (ServiceProvider, IdentityProvider, SpKeyPair) {
        let keys = SpKeyPair::from_pem(&fixture("sp.key"), &fixture("sp.crt")).unwrap();
        let sp = ServiceProvider::for_workspace(
            "https://sso.tessera.test/",
            WorkspaceName::parse("acme").unwrap(),
            Some(keys.clone()),
        )
        .unwrap();
        let cert = Certificate::parse(&fixture("idp.crt")).unwrap();
        let idp = IdentityProvider::new(
            "https://idp",
            "https://idp.example/sso?tenant=1",
            vec![cert],
        );
        (sp, idp, keys)
    }

    fn query_value(url: &str, name: &str) -> Option<String> {
        let query = url.split_once('?')?.1;
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    #[test]
    fn ids_are_long_random_and_start_with_a_letter() {
        let (sp, idp, _) = setup();
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        let a = AuthnRequest::new(&sp, &idp, now, Duration::minutes(10));
        let b = AuthnRequest::new(&sp, &idp, now, Duration::minutes(10));
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id().len(), 3 + 32);
        assert!(a.id().starts_with("id-"));
        assert_eq!(a.expires_at(), now + Duration::minutes(10));
        let root = crate::xml_tree::parse(a.xml().as_bytes()).unwrap();
        assert_eq!(root.attr("ID"), Some(a.id()));
        assert_eq!(root.attr("IssueInstant"), Some("2026-11-20T10:00:00Z"));
        assert_eq!(
            root.attr("AssertionConsumerServiceURL"),
            Some("https://sso.tessera.test/saml/acme/acs")
        );
    }

    #[test]
    fn the_redirect_is_deflated_and_signed_over_the_encoded_query() {
        let (sp, idp, keys) = setup();
        let request = AuthnRequest::new(
            &sp,
            &idp,
            Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap(),
            Duration::minutes(10),
        );
        let url = request
            .redirect_url(Some("/deals/42?x=1&y"), Some(&keys))
            .unwrap();
        assert!(url.starts_with("https://idp.example/sso?tenant=1&SAMLRequest="));
        let saml_request = query_value(&url, "SAMLRequest").unwrap();
        let xml = binding::decode_redirect(&saml_request, &Limits::default()).unwrap();
        assert_eq!(xml, request.xml().as_bytes());
        assert_eq!(
            query_value(&url, "RelayState").as_deref(),
            Some("/deals/42?x=1&y")
        );
        assert_eq!(query_value(&url, "SigAlg").as_deref(), Some(RSA_SHA256));
        let (signed, signature) = url
            .split_once('?')
            .unwrap()
            .1
            .split_once("&Signature=")
            .unwrap();
        let signed = signed.strip_prefix("tenant=1&").unwrap();
        let signature: String = form_urlencoded::parse(format!("s={signature}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned();
        let public = X509::from_pem(fixture("sp.crt").as_bytes())
            .unwrap()
            .public_key()
            .unwrap();
        let mut verifier = Verifier::new(MessageDigest::sha256(), &public).unwrap();
        verifier.update(signed.as_bytes()).unwrap();
        assert!(
            verifier
                .verify(&STANDARD.decode(signature).unwrap())
                .unwrap()
        );
    }

    #[test]
    fn unsigned_redirect_and_post_form() {
        let (sp, idp, _) = setup();
        let request = AuthnRequest::new(
            &sp,
            &idp,
            Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap(),
            Duration::minutes(10),
        );
        let url = request.redirect_url(None, None).unwrap();
        assert!(query_value(&url, "Signature").is_none());
        assert!(query_value(&url, "RelayState").is_none());
        let form = request.post_form(Some("/x"));
        assert_eq!(form.action, idp.sso_url);
        assert_eq!(
            binding::decode_post(&form.saml_request, &Limits::default()).unwrap(),
            request.xml().as_bytes()
        );
    }
}
