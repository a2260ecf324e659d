//! Rotating the IdP's signing certificates without an outage: the org pins several at
//! once, the ACS accepts a response signed by any of them, and the admin adds the new
//! one before removing the old one. The last one is never removed.

use super::ConnectService;
use super::error::invalid_idp;
use super::idp::IdpSummary;
use super::state::Position;
use crate::error::{ServiceError, ServiceResult};
use crate::transact::{read, write};
use chrono::{DateTime, Utc};
use serde_json::json;
use tessera_core::OrgId;
use tessera_policy::Actor;
use tessera_saml::Certificate;

/// The most certificates an org pins at once.
pub const MAX_IDP_CERTIFICATES: usize = 10;

fn no_idp() -> ServiceError {
    ServiceError::conflict("C2: enter the IdP details first").with_rule(Some("C2"))
}

/// A fingerprint as `idp show` prints it (upper-case hex pairs joined by `:`), from
/// any case, with or without the colons.
pub fn normalize_fingerprint(text: &str) -> String {
    let hex: String = text
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

impl ConnectService<'_> {
    /// The org's stored IdP connection with its certificates, or `NotFound`.
    pub fn idp(&self, org: OrgId) -> ServiceResult<IdpSummary> {
        read(self.storage, org, |tx| {
            let record = tx
                .idp_connection()?
                .ok_or_else(|| ServiceError::not_found("no IdP is configured for this org"))?;
            Ok(IdpSummary::of(&record))
        })
    }

    /// Pins one more signing certificate (PEM or bare base64), e.g. the IdP's next
    /// one before it switches: logins signed by any pinned certificate are accepted.
    /// Refuses an unreadable, expired or already pinned certificate.
    pub fn add_idp_certificate(
        &self,
        org: OrgId,
        certificate: &str,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<IdpSummary> {
        let certificate = Certificate::parse(certificate)
            .map_err(|e| invalid_idp(format!("the certificate cannot be read: {e}")))?;
        if certificate.is_expired(now) {
            return Err(invalid_idp(format!(
                "the certificate {:?} expired on {}",
                certificate.subject(),
                certificate.not_after().format("%Y-%m-%d")
            )));
        }
        let fingerprint = certificate.sha256_fingerprint();
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            let mut record = tx.idp_connection()?.ok_or_else(no_idp)?;
            let added = certificate.to_base64();
            if record.certificates.contains(&added) {
                return Err(ServiceError::conflict(format!(
                    "the certificate {fingerprint} is already pinned"
                )));
            }
            if record.certificates.len() >= MAX_IDP_CERTIFICATES {
                return Err(ServiceError::conflict(format!(
                    "an org pins at most {MAX_IDP_CERTIFICATES} certificates; remove an old one first"
                )));
            }
            record.certificates.push(added);
            tx.save_idp_connection(&record, now)?;
            let details = json!({ "sha256": fingerprint, "not_after": certificate.not_after() });
            let entry = position.audit(tx, by, "connection.idp_certificate_added", details, now)?;
            tx.record_audit(&[entry])?;
            Ok(IdpSummary::of(&record))
        })
    }

    /// Unpins the certificate with this SHA-256 fingerprint (as `idp show` prints it;
    /// case and colons do not matter). `NotFound` when none has it; refused for the
    /// last one, since the org's logins would all fail.
    pub fn remove_idp_certificate(
        &self,
        org: OrgId,
        fingerprint: &str,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<IdpSummary> {
        let wanted = normalize_fingerprint(fingerprint);
        write(self.storage, org, |tx| {
            let position = Position::load(tx)?;
            let mut record = tx.idp_connection()?.ok_or_else(no_idp)?;
            let fingerprint_of = |b64: &String| {
                Certificate::parse(b64)
                    .map(|c| c.sha256_fingerprint())
                    .unwrap_or_default()
            };
            let Some(index) = record
                .certificates
                .iter()
                .position(|b64| fingerprint_of(b64) == wanted)
            else {
                return Err(ServiceError::not_found(format!(
                    "no pinned certificate has the fingerprint {wanted}; `idp show` lists them"
                )));
            };
            if record.certificates.len() == 1 {
                return Err(ServiceError::conflict(
                    "this is the org's only IdP certificate: add the new one first, then remove this one",
                ));
            }
            record.certificates.remove(index);
            tx.save_idp_connection(&record, now)?;
            let details = json!({ "sha256": wanted });
            let entry =
                position.audit(tx, by, "connection.idp_certificate_removed", details, now)?;
            tx.record_audit(&[entry])?;
            Ok(IdpSummary::of(&record))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_fingerprint;

    #[test]
    fn fingerprints_match_in_any_case_with_or_without_colons() {
        assert_eq!(normalize_fingerprint("ab:0c:FF"), "AB:0C:FF");
        assert_eq!(normalize_fingerprint(" ab0cff "), "AB:0C:FF");
    }
}
