//! The IdP certificates of every org, parsed once per process.
//!
//! An ACS request needs its org's pinned certificates as parsed values. With OpenSSL 3
//! parsing one (X.509 and its public key) cost about an eighth of a whole login's CPU
//! under load, more than verifying the response's signature. The cache is keyed by the
//! stored text itself, so it holds exactly what some org stores: a certificate an org
//! removes is no longer looked up, and nothing but the stored settings decides which
//! certificates an org trusts.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tessera_saml::Certificate;

/// Distinct certificates kept before the cache starts over.
const LIMIT: usize = 4096;

/// Parsed certificates by their stored (base64 or PEM) text.
#[derive(Default)]
pub(crate) struct CertificateCache {
    parsed: Mutex<HashMap<String, Certificate>>,
}

impl CertificateCache {
    /// The certificate stored as `text`, parsed the first time it is asked for.
    pub(crate) fn parse(&self, text: &str) -> Result<Certificate, String> {
        let mut parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(certificate) = parsed.get(text) {
            return Ok(certificate.clone());
        }
        let certificate = Certificate::parse(text).map_err(|e| e.to_string())?;
        if parsed.len() >= LIMIT {
            parsed.clear();
        }
        parsed.insert(text.to_owned(), certificate.clone());
        Ok(certificate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../fixtures/saml/keys/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn gives_each_stored_text_its_own_certificate_and_refuses_garbage_every_time() {
        let cache = CertificateCache::default();
        let idp = fixture("idp.crt");
        let other = fixture("other-idp.crt");
        let first = cache.parse(&idp).unwrap();
        assert_eq!(cache.parse(&idp).unwrap(), first);
        assert_eq!(first, Certificate::parse(&idp).unwrap());
        let second = cache.parse(&other).unwrap();
        assert_ne!(second, first);
        assert_eq!(second, Certificate::parse(&other).unwrap());
        assert!(cache.parse("not a certificate").is_err());
        assert!(cache.parse("not a certificate").is_err());
    }
}
