//! X.509 certificates (the IdP's pinned signing certificates, ours) and the SP key pair.

use crate::error::{Result, SamlError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use std::fmt;

fn invalid(what: &'static str, reason: impl ToString) -> SamlError {
    SamlError::InvalidKey {
        what,
        reason: reason.to_string(),
    }
}

/// A parsed X.509 certificate: what the org pins for its IdP, or what we publish.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("not_after", &self.not_after)
            .field("sha256", &self.sha256_fingerprint())
            .finish()
    }
}

fn to_chrono(time: &Asn1TimeRef) -> Result<DateTime<Utc>> {
    let epoch = Asn1Time::from_unix(0).map_err(|e| invalid("certificate", e))?;
    let diff = epoch.diff(time).map_err(|e| invalid("certificate", e))?;
    let seconds = i64::from(diff.days) * 86_400 + i64::from(diff.secs);
    DateTime::from_timestamp(seconds, 0).ok_or_else(|| invalid("certificate", "date out of range"))
}

impl Certificate {
    /// Parses DER bytes.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let x509 = X509::from_der(der).map_err(|e| invalid("certificate", e))?;
        x509.public_key().map_err(|e| invalid("certificate", e))?;
        let subject = x509
            .subject_name()
            .entries()
            .filter_map(|e| e.data().to_string().ok())
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Self {
            der: der.to_vec(),
            subject,
            not_before: to_chrono(x509.not_before())?,
            not_after: to_chrono(x509.not_after())?,
        })
    }

    /// Parses a PEM block, or the bare base64 of an `X509Certificate` element (line
    /// breaks and spaces allowed) — what admins paste and metadata carries.
    pub fn parse(text: &str) -> Result<Self> {
        let body: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("-----"))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = STANDARD
            .decode(body.as_bytes())
            .map_err(|e| invalid("certificate", e))?;
        Self::from_der(&der)
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The base64 of the DER, as `ds:X509Certificate` carries it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.der)
    }

    /// The subject's attribute values, comma separated.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Start of validity.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// End of validity (reported to admins; signatures are not refused for it, as the
    /// major IdPs keep signing with expired certificates until rotated).
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// True when `now` is past the end of validity.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.not_after
    }

    /// SHA-256 fingerprint, upper-case hex pairs joined by `:`.
    pub fn sha256_fingerprint(&self) -> String {
        openssl::hash::hash(MessageDigest::sha256(), &self.der)
            .map(|d| {
                d.iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .unwrap_or_default()
    }
}

/// The SP's own key and certificate: signs AuthnRequests, decrypts assertions.
#[derive(Clone)]
pub struct SpKeyPair {
    key: PKey<Private>,
    certificate: Certificate,
}

impl fmt::Debug for SpKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpKeyPair")
            .field("key", &"***")
            .field("certificate", &self.certificate)
            .finish()
    }
}

impl SpKeyPair {
    /// Reads a PEM private key (PKCS#1 or PKCS#8) and its PEM certificate; refuses a
    /// pair whose public halves differ.
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<Self> {
        let key = PKey::private_key_from_pem(key_pem.as_bytes())
            .map_err(|e| invalid("private key", e))?;
        let certificate = Certificate::parse(certificate_pem)?;
        let public = X509::from_der(certificate.der())
            .and_then(|c| c.public_key())
            .map_err(|e| invalid("certificate", e))?;
        if !public.public_eq(&key) {
            return Err(invalid("private key", "it does not match the certificate"));
        }
        Ok(Self { key, certificate })
    }

    /// The private key.
    pub(crate) fn key(&self) -> &PKey<Private> {
        &self.key
    }

    /// The certificate we publish in SP metadata.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../fixtures/saml/keys/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn parses_pem_and_bare_base64_alike() {
        let pem = fixture("idp.crt");
        let a = Certificate::parse(&pem).unwrap();
        let b = Certificate::parse(&a.to_base64()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.subject(), "idp.example.org");
        assert!(a.not_before() < a.not_after());
        assert_eq!(a.sha256_fingerprint().len(), 32 * 3 - 1);
        let far = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
        assert!(a.is_expired(far));
        assert!(!a.is_expired(a.not_before()));
    }

    #[test]
    fn refuses_garbage_and_mismatched_pairs() {
        assert!(Certificate::parse("not a certificate").is_err());
        assert!(Certificate::parse("QUJD").is_err());
        assert!(SpKeyPair::from_pem(&fixture("sp.key"), &fixture("sp.crt")).is_ok());
        assert!(SpKeyPair::from_pem(&fixture("sp.key"), &fixture("idp.crt")).is_err());
    }
}
