//! IdP metadata as each supported IdP publishes it (`fixtures/saml/idp-metadata/`).

use crate::support::*;
use chrono::{TimeZone, Utc};
use tessera_saml::names::{BINDING_POST, BINDING_REDIRECT};
use tessera_saml::{IdpMetadata, IdpPreset, SamlError};

fn read(name: &str) -> IdpMetadata {
    IdpMetadata::parse(fixture(&format!("idp-metadata/{name}")).as_bytes())
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn every_vendor_shape_is_read() {
    let cases = [
        (
            "okta.xml",
            "http://www.okta.com/exk1fcia6d6EMsf331d8",
            "https://corp.okta.com/app/corp_tessera_1/exk1fcia6d6EMsf331d8/sso/saml",
            IdpPreset::Okta,
        ),
        (
            "entra.xml",
            "https://sts.windows.net/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/",
            "https://login.microsoftonline.com/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/saml2",
            IdpPreset::EntraId,
        ),
        (
            "google.xml",
            "https://accounts.google.com/o/saml2?idpid=C01abcde2",
            "https://accounts.google.com/o/saml2/idp?idpid=C01abcde2",
            IdpPreset::GoogleWorkspace,
        ),
        (
            "onelogin.xml",
            "https://app.onelogin.com/saml/metadata/8f9e7d6c-5b4a-3928-1706-f5e4d3c2b1a0",
            "https://corp.onelogin.com/trust/saml2/http-redirect/sso/8f9e7d6c-5b4a-3928-1706-f5e4d3c2b1a0",
            IdpPreset::OneLogin,
        ),
        (
            "jumpcloud.xml",
            "JumpCloud",
            "https://sso.jumpcloud.com/saml2/tessera",
            IdpPreset::JumpCloud,
        ),
        (
            "pingfederate.xml",
            "https://pingfed.corp.example",
            "https://pingfed.corp.example/idp/SSO.saml2",
            IdpPreset::PingFederate,
        ),
        (
            "pingone.xml",
            "https://auth.pingone.com/9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4",
            "https://auth.pingone.com/9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4/saml20/idp/sso",
            IdpPreset::PingOne,
        ),
        (
            "entities.xml",
            IDP_ENTITY_ID,
            "https://idp.example.org/sso",
            IdpPreset::Generic,
        ),
        (
            "pysaml2-idp.xml",
            IDP_ENTITY_ID,
            "https://idp.example.org/sso",
            IdpPreset::Generic,
        ),
    ];
    for (file, entity_id, redirect, preset) in cases {
        let md = read(file);
        assert_eq!(md.entity_id, entity_id, "{file}");
        assert_eq!(md.sso_url(BINDING_REDIRECT), Some(redirect), "{file}");
        assert_eq!(md.signing_certificates[0], certificate("idp"), "{file}");
        let idp = md.to_identity_provider().unwrap();
        assert_eq!(idp.sso_url, redirect, "{file}");
        assert_eq!(idp.attribute_map, preset.attribute_map(), "{file}");
    }
}

#[test]
fn entra_role_descriptor_keys_are_not_trusted() {
    let md = read("entra.xml");
    assert_eq!(md.signing_certificates, [certificate("idp")]);
    assert_eq!(
        md.sso_url(BINDING_POST).map(|u| u.ends_with("/saml2")),
        Some(true)
    );
}

#[test]
fn rollover_certificates_without_use_are_signing_keys() {
    let md = read("pingfederate.xml");
    assert_eq!(
        md.signing_certificates,
        [certificate("idp"), certificate("idp-rollover")]
    );
    assert!(md.want_authn_requests_signed);
    assert!(md.to_identity_provider().unwrap().sign_authn_requests);
}

#[test]
fn encryption_keys_and_other_entities_are_skipped() {
    let md = read("entities.xml");
    assert_eq!(md.signing_certificates, [certificate("idp")]);
    assert_eq!(
        md.valid_until,
        Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap())
    );
}

#[test]
fn certificate_expiry_is_reported() {
    let md = read("okta.xml");
    assert!(md.expired_certificates(now()).is_empty());
    let later = md.signing_certificates[0].not_after();
    assert_eq!(md.expired_certificates(later).len(), 1);
}

#[test]
fn a_response_validates_with_settings_read_from_metadata() {
    let idp = read("pysaml2-idp.xml").to_identity_provider().unwrap();
    validate_with("responses/idp-initiated.xml", &idp, now()).unwrap();
}

#[test]
fn unusable_metadata_is_refused_with_a_reason() {
    let no_idp = fixture("sp-metadata.xml");
    let bad_cert = fixture("idp-metadata/okta.xml").replacen(
        "<ds:X509Certificate>MII",
        "<ds:X509Certificate>XXX",
        1,
    );
    let dtd = format!(
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{}",
        fixture("idp-metadata/jumpcloud.xml").replacen(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "",
            1
        )
    );
    assert!(matches!(
        IdpMetadata::parse(no_idp.as_bytes()),
        Err(SamlError::InvalidMetadata { .. })
    ));
    assert!(matches!(
        IdpMetadata::parse(bad_cert.as_bytes()),
        Err(SamlError::InvalidKey { .. })
    ));
    assert!(matches!(
        IdpMetadata::parse(dtd.as_bytes()),
        Err(SamlError::ForbiddenXml { construct: "DTD" })
    ));
    assert!(matches!(
        IdpMetadata::parse(b"<html/>"),
        Err(SamlError::UnexpectedRoot { .. })
    ));
}
