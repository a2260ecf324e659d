//! The IdP details step: metadata XML, or entity id + SSO URL + certificate, checked
//! before anything is stored.

use super::error::invalid_idp as invalid;
use super::records::IdpConnectionRecord;
use crate::error::ServiceResult;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tessera_saml::{Certificate, IdpMetadata};

/// The longest entity id accepted.
const MAX_ENTITY_ID: usize = 1024;

/// Checked IdP details, ready to store.
#[derive(Debug, Clone)]
pub struct IdpDetails {
    entity_id: String,
    sso_url: String,
    certificates: Vec<Certificate>,
    metadata_xml: Option<String>,
    want_authn_requests_signed: bool,
}

/// One signing certificate, as shown to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateSummary {
    /// The subject's attribute values.
    pub subject: String,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// SHA-256 fingerprint.
    pub sha256: String,
}

/// The stored IdP connection, as shown to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdpSummary {
    /// The IdP's entity id.
    pub entity_id: String,
    /// Where logins are sent.
    pub sso_url: String,
    /// Its signing certificates.
    pub certificates: Vec<CertificateSummary>,
}

impl IdpDetails {
    /// Reads the IdP's SAML metadata (as Okta, Entra ID and the others export it).
    pub fn from_metadata(xml: &str, now: DateTime<Utc>) -> ServiceResult<Self> {
        let metadata = IdpMetadata::parse(xml.as_bytes())
            .map_err(|e| invalid(format!("the metadata cannot be read: {e}")))?;
        let idp = metadata
            .to_identity_provider()
            .map_err(|e| invalid(format!("the metadata cannot be used: {e}")))?;
        Self {
            entity_id: metadata.entity_id,
            sso_url: idp.sso_url,
            certificates: metadata.signing_certificates,
            metadata_xml: Some(xml.to_owned()),
            want_authn_requests_signed: metadata.want_authn_requests_signed,
        }
        .checked(now)
    }

    /// Takes the values an admin copied from the IdP by hand; `certificate` is PEM or
    /// the bare base64 of the certificate.
    pub fn from_parts(
        entity_id: &str,
        sso_url: &str,
        certificate: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Self> {
        let certificate = Certificate::parse(certificate)
            .map_err(|e| invalid(format!("the certificate cannot be read: {e}")))?;
        Self {
            entity_id: entity_id.trim().to_owned(),
            sso_url: sso_url.trim().to_owned(),
            certificates: vec![certificate],
            metadata_xml: None,
            want_authn_requests_signed: false,
        }
        .checked(now)
    }

    fn checked(self, now: DateTime<Utc>) -> ServiceResult<Self> {
        if self.entity_id.is_empty() || self.entity_id.len() > MAX_ENTITY_ID {
            return Err(invalid(format!(
                "the entity id must be 1 to {MAX_ENTITY_ID} characters"
            )));
        }
        if self.entity_id.chars().any(char::is_whitespace) {
            return Err(invalid("the entity id must not contain spaces"));
        }
        check_url(&self.sso_url)?;
        if self.certificates.is_empty() {
            return Err(invalid("no signing certificate was given"));
        }
        if let Some(expired) = self.certificates.iter().find(|c| c.is_expired(now)) {
            return Err(invalid(format!(
                "the certificate {:?} expired on {}; download a current one from the IdP",
                expired.subject(),
                expired.not_after().format("%Y-%m-%d")
            )));
        }
        Ok(self)
    }

    /// The IdP's entity id.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The summary shown to the admin.
    pub fn summary(&self) -> IdpSummary {
        IdpSummary {
            entity_id: self.entity_id.clone(),
            sso_url: self.sso_url.clone(),
            certificates: self.certificates.iter().map(summarize).collect(),
        }
    }

    /// The row to store.
    pub(crate) fn record(&self) -> IdpConnectionRecord {
        IdpConnectionRecord {
            entity_id: self.entity_id.clone(),
            sso_url: self.sso_url.clone(),
            certificates: self.certificates.iter().map(|c| c.to_base64()).collect(),
            metadata_xml: self.metadata_xml.clone(),
            want_authn_requests_signed: self.want_authn_requests_signed,
        }
    }
}

impl IdpSummary {
    /// The summary of a stored connection (unreadable certificates are skipped).
    pub(crate) fn of(record: &IdpConnectionRecord) -> Self {
        Self {
            entity_id: record.entity_id.clone(),
            sso_url: record.sso_url.clone(),
            certificates: record
                .certificates
                .iter()
                .filter_map(|b64| Certificate::parse(b64).ok())
                .map(|c| summarize(&c))
                .collect(),
        }
    }
}

fn summarize(certificate: &Certificate) -> CertificateSummary {
    CertificateSummary {
        subject: certificate.subject().to_owned(),
        not_after: certificate.not_after(),
        sha256: certificate.sha256_fingerprint(),
    }
}

/// SSO URLs are https, or http on this machine (for testing against a local IdP).
fn check_url(url: &str) -> ServiceResult<()> {
    let bad = || {
        invalid(format!(
            "the SSO URL {url:?} must start with https:// (or http://localhost for a local test IdP)"
        ))
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let host_and_rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
        if !matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
            return Err(bad());
        }
        rest
    } else {
        return Err(bad());
    };
    let host = host_and_rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sso_urls_are_https_or_local() {
        for good in [
            "https://idp.example/sso",
            "https://login.microsoftonline.com/t/saml2",
            "http://localhost:8000/sso",
            "http://127.0.0.1/sso",
        ] {
            assert!(check_url(good).is_ok(), "{good}");
        }
        for bad in [
            "http://idp.example/sso",
            "ftp://idp.example",
            "https://",
            "https://user@idp.example/",
            "javascript:alert(1)",
            "https://idp.example/a b",
            "http://localhost.evil.example/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
