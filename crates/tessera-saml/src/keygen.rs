//! A fresh SP key pair: RSA-2048 and a self-signed certificate, for deployments that
//! do not bring their own (IdPs pin SP certificates; self-signed is what they expect).

use crate::{Result, SamlError};
use chrono::{DateTime, Utc};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509Builder, X509NameBuilder};

/// How long a generated certificate is valid.
const VALID_DAYS: i64 = 3650;

/// A new private key and certificate, both PEM, for `common_name`, valid from a day
/// before `now` for ten years. Read them with [`crate::SpKeyPair::from_pem`].
pub fn generate_sp_key_pair(common_name: &str, now: DateTime<Utc>) -> Result<(String, String)> {
    let failed = |e: openssl::error::ErrorStack| SamlError::InvalidKey {
        what: "generated key pair",
        reason: e.to_string(),
    };
    let key = PKey::from_rsa(Rsa::generate(2048).map_err(failed)?).map_err(failed)?;
    let mut name = X509NameBuilder::new().map_err(failed)?;
    name.append_entry_by_text("CN", common_name)
        .map_err(failed)?;
    let name = name.build();
    let mut serial = BigNum::new().map_err(failed)?;
    serial
        .rand(127, MsbOption::MAYBE_ZERO, false)
        .map_err(failed)?;
    let mut builder = X509Builder::new().map_err(failed)?;
    builder.set_version(2).map_err(failed)?;
    let serial = serial.to_asn1_integer().map_err(failed)?;
    builder.set_serial_number(&serial).map_err(failed)?;
    builder.set_subject_name(&name).map_err(failed)?;
    builder.set_issuer_name(&name).map_err(failed)?;
    let start = Asn1Time::from_unix(now.timestamp() - 86_400).map_err(failed)?;
    let end = Asn1Time::from_unix(now.timestamp() + VALID_DAYS * 86_400).map_err(failed)?;
    builder.set_not_before(&start).map_err(failed)?;
    builder.set_not_after(&end).map_err(failed)?;
    builder.set_pubkey(&key).map_err(failed)?;
    builder
        .sign(&key, MessageDigest::sha256())
        .map_err(failed)?;
    let certificate = builder.build().to_pem().map_err(failed)?;
    let key = key.private_key_to_pem_pkcs8().map_err(failed)?;
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes).map_err(|e| SamlError::InvalidKey {
            what: "generated key pair",
            reason: e.to_string(),
        })
    };
    Ok((text(key)?, text(certificate)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SpKeyPair;
    use chrono::TimeZone;

    #[test]
    fn a_generated_pair_reads_back_and_is_valid_now() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let (key, certificate) = generate_sp_key_pair("tessera.example", now).unwrap();
        let pair = SpKeyPair::from_pem(&key, &certificate).unwrap();
        assert!(!pair.certificate().is_expired(now));
        assert!(pair.certificate().not_after() > now + chrono::Duration::days(3000));
        assert!(pair.certificate().subject().contains("tessera.example"));
        let (other, _) = generate_sp_key_pair("tessera.example", now).unwrap();
        assert_ne!(key, other);
    }
}
