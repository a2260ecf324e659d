//! Every sample of `fixtures/saml/attacks/` is refused, each with its own reason.
//! `fixtures/saml/README.md` says how each was made.

use crate::support::*;
use tessera_saml::{
    Limits, MemoryReplayCache, MemoryRequestIdStore, SamlError, decode_redirect, validate_response,
};

fn refused(path: &str) -> SamlError {
    match validate(&format!("attacks/{path}")) {
        Ok(login) => panic!("{path} was accepted: {login:?}"),
        Err(e) => e,
    }
}

macro_rules! refuses {
    ($name:ident, $file:literal, $pattern:pat) => {
        #[test]
        fn $name() {
            let e = refused($file);
            assert!(matches!(e, $pattern), "{}: {e:?}", $file);
        }
    };
}

// XSW1/2 copy the whole Response, so the assertion ID appears twice: refused first for that.
refuses!(
    xsw1_original_response_inside_the_signature,
    "xsw1.xml",
    SamlError::DuplicateId { .. }
);
refuses!(
    xsw2_original_response_beside_the_signature,
    "xsw2.xml",
    SamlError::DuplicateId { .. }
);
refuses!(
    xsw3_forged_assertion_before_the_signed_one,
    "xsw3.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    xsw4_forged_assertion_wrapping_the_signed_one,
    "xsw4.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    xsw5_signature_moved_to_the_forged_assertion,
    "xsw5.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    xsw6_original_inside_the_moved_signature,
    "xsw6.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    xsw7_signed_assertion_hidden_in_extensions,
    "xsw7.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    xsw8_original_in_a_ds_object,
    "xsw8.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    a_second_unsigned_assertion,
    "second-unsigned-assertion.xml",
    SamlError::AssertionCount { found: 2 }
);
refuses!(
    duplicate_ids,
    "duplicate-id.xml",
    SamlError::DuplicateId { .. }
);
refuses!(
    a_comment_inside_the_name_id,
    "comment-in-nameid.xml",
    SamlError::ForbiddenXml {
        construct: "comment"
    }
);
refuses!(
    content_changed_under_a_signature,
    "tampered-nameid.xml",
    SamlError::SignatureInvalid {
        signed: "Assertion"
    }
);
refuses!(
    signatures_removed,
    "signature-removed.xml",
    SamlError::Unsigned
);
refuses!(
    resigned_with_an_attacker_key_in_keyinfo,
    "attacker-key-in-keyinfo.xml",
    SamlError::SignatureInvalid { .. }
);
refuses!(
    a_signature_referencing_another_element,
    "signature-references-parent.xml",
    SamlError::SignatureReference {
        signed: "Assertion",
        ..
    }
);
refuses!(
    an_xpath_transform,
    "xpath-transform.xml",
    SamlError::AlgorithmNotAllowed { .. }
);
refuses!(
    an_xslt_transform,
    "xslt-transform.xml",
    SamlError::AlgorithmNotAllowed { .. }
);
refuses!(
    an_xpointer_reference,
    "xpointer-uri.xml",
    SamlError::SignatureReference { .. }
);
refuses!(
    a_ds_object_in_the_signature,
    "ds-object.xml",
    SamlError::MisplacedElement { .. }
);
refuses!(sha1_by_default, "sha1.xml", SamlError::Sha1Refused { .. });
refuses!(expired, "expired.xml", SamlError::Expired { .. });
refuses!(
    not_yet_valid,
    "not-yet-valid.xml",
    SamlError::NotYetValid { .. }
);
refuses!(
    another_audience,
    "wrong-audience.xml",
    SamlError::AudienceMismatch { .. }
);
refuses!(
    a_prefix_of_our_audience,
    "audience-prefix.xml",
    SamlError::AudienceMismatch { .. }
);
refuses!(
    another_destination,
    "wrong-destination.xml",
    SamlError::DestinationMismatch { .. }
);
refuses!(
    another_recipient,
    "wrong-recipient.xml",
    SamlError::RecipientMismatch { .. }
);
refuses!(
    holder_of_key_instead_of_bearer,
    "not-bearer.xml",
    SamlError::NotBearer { .. }
);
refuses!(
    a_non_success_status,
    "status-responder.xml",
    SamlError::StatusNotSuccess { .. }
);
refuses!(
    another_issuer,
    "wrong-issuer.xml",
    SamlError::IssuerMismatch { .. }
);
refuses!(
    another_orgs_idp,
    "other-org-idp.xml",
    SamlError::SignatureInvalid { .. }
);
refuses!(
    an_in_response_to_on_the_unsigned_response_only,
    "unsigned-in-response-to.xml",
    SamlError::UnsignedInResponseTo { .. }
);
refuses!(
    an_unknown_in_response_to,
    "unknown-in-response-to.xml",
    SamlError::UnknownInResponseTo { .. }
);
refuses!(
    an_unsigned_encrypted_assertion,
    "unsigned-encrypted.xml",
    SamlError::Unsigned
);
refuses!(
    xxe_through_a_dtd,
    "xxe-dtd.xml",
    SamlError::ForbiddenXml { construct: "DTD" }
);
refuses!(
    billion_laughs,
    "billion-laughs.xml",
    SamlError::ForbiddenXml { construct: "DTD" }
);
refuses!(
    a_processing_instruction,
    "processing-instruction.xml",
    SamlError::ForbiddenXml {
        construct: "processing instruction"
    }
);
refuses!(
    multiple_roots,
    "multiple-roots.xml",
    SamlError::MalformedXml { .. }
);

#[test]
fn a_comment_never_yields_the_truncated_address() {
    // Even with comments let through, the address read is the signed one, whole:
    // covered by `model::tests::canonical_bytes_keep_the_whole_name_id`. Here: the
    // message is refused outright, so no address at all comes out.
    let e = refused("comment-in-nameid.xml");
    assert!(!format!("{e:?}").contains("user@corp.com\""));
}

#[test]
fn another_orgs_response_is_refused_even_when_its_idp_is_trusted() {
    let mut idp = idp();
    idp.entity_id = "https://other-idp.example.net/metadata".into();
    idp.certificates.push(certificate("other-idp"));
    let e = validate_with("attacks/other-org-idp.xml", &idp, now()).unwrap_err();
    assert!(matches!(e, SamlError::DestinationMismatch { .. }), "{e:?}");
}

#[test]
fn unsigned_is_refused_even_without_a_configured_certificate() {
    let mut idp = idp();
    idp.certificates.clear();
    let e = validate_with("attacks/signature-removed.xml", &idp, now()).unwrap_err();
    assert!(matches!(e, SamlError::Unsigned), "{e:?}");
    let e = validate_with("responses/idp-initiated.xml", &idp, now()).unwrap_err();
    assert!(matches!(e, SamlError::NoCertificateConfigured), "{e:?}");
}

#[test]
fn a_replayed_assertion_is_refused() {
    let requests = MemoryRequestIdStore::default();
    let replay = MemoryReplayCache::default();
    let response = encode(&fixture("responses/idp-initiated.xml"));
    let run = || {
        validate_response(
            &response,
            &sp(),
            &idp(),
            &Limits::default(),
            now(),
            &requests,
            &replay,
        )
    };
    run().unwrap();
    assert!(matches!(run(), Err(SamlError::Replayed { .. })));
}

#[test]
fn a_request_id_answers_once_and_only_for_its_org() {
    let requests = MemoryRequestIdStore::default();
    let other = tessera_core::WorkspaceName::parse("globex").unwrap();
    requests.insert(
        &other,
        REQUEST_ID,
        now() + chrono::Duration::minutes(5),
        None,
    );
    let response = encode(&fixture("responses/sp-initiated.xml"));
    let e = validate_response(
        &response,
        &sp(),
        &idp(),
        &Limits::default(),
        now(),
        &requests,
        &MemoryReplayCache::default(),
    )
    .unwrap_err();
    assert!(matches!(e, SamlError::UnknownInResponseTo { .. }), "{e:?}");
}

#[test]
fn unsolicited_responses_are_refused_when_disabled() {
    let mut idp = idp();
    idp.allow_idp_initiated = false;
    let e = validate_with("responses/idp-initiated.xml", &idp, now()).unwrap_err();
    assert!(matches!(e, SamlError::UnsolicitedRefused), "{e:?}");
    validate_with("responses/sp-initiated.xml", &idp, now()).unwrap();
}

/// L1: with IdP-initiated login off, an unsolicited signed assertion cannot be passed
/// off as an answer by an InResponseTo on the unsigned Response (the request id is one
/// anyone can mint with `GET /saml/{ws}/login`).
#[test]
fn l1_an_unsigned_response_in_response_to_does_not_make_an_assertion_solicited() {
    let mut idp = idp();
    idp.allow_idp_initiated = false;
    let e = validate_with("attacks/unsigned-in-response-to.xml", &idp, now()).unwrap_err();
    assert!(
        matches!(&e, SamlError::UnsignedInResponseTo { id } if id == REQUEST_ID),
        "{e:?}"
    );
    // Allowed IdP-initiated login does not make the unsigned claim acceptable either.
    let e = validate("attacks/unsigned-in-response-to.xml").unwrap_err();
    assert!(matches!(e, SamlError::UnsignedInResponseTo { .. }), "{e:?}");
}

#[test]
fn an_oversized_message_is_refused_before_parsing() {
    let response = encode(&fixture("responses/bench-6k.xml"));
    let limits = Limits {
        max_message_bytes: 4096,
        ..Limits::default()
    };
    let e = validate_response(
        &response,
        &sp(),
        &idp(),
        &limits,
        now(),
        &MemoryRequestIdStore::default(),
        &MemoryReplayCache::default(),
    )
    .unwrap_err();
    assert!(
        matches!(e, SamlError::TooLarge { limit: 4096, .. }),
        "{e:?}"
    );
}

#[test]
fn a_deflate_bomb_stops_at_the_inflated_limit() {
    let bomb = fixture("attacks/deflate-bomb.b64");
    let e = decode_redirect(&bomb, &Limits::default()).unwrap_err();
    assert!(
        matches!(e, SamlError::TooLarge { limit: 65536, .. }),
        "{e:?}"
    );
}

/// A valid response whose reference transform lists 20,000 inclusive prefixes: each
/// canonicalised element would look them all up, so it is refused before any c14n.
#[test]
fn a_long_inclusive_namespaces_list_is_refused_before_canonicalisation() {
    let prefixes: Vec<String> = (0..20_000).map(|i| format!("p{i}")).collect();
    let c14n = r#"<ns2:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#;
    let listed = format!(
        r#"<ns2:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="{}"/></ns2:Transform>"#,
        prefixes.join(" ")
    );
    let xml = fixture("responses/bench-11k.xml");
    assert!(xml.contains(c14n));
    let e = validate_response(
        &encode(&xml.replacen(c14n, &listed, 1)),
        &sp(),
        &idp(),
        &Limits::default(),
        now(),
        &MemoryRequestIdStore::default(),
        &MemoryReplayCache::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SamlError::ForbiddenXml { construct } if construct.contains("InclusiveNamespaces")),
        "{e:?}"
    );
}
