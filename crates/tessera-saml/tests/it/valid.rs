//! Responses a real IdP (pysaml2) signed are accepted, and read correctly.

use crate::support::*;

#[test]
fn idp_initiated_login_is_accepted_and_mapped() {
    let login = validate("responses/idp-initiated.xml").unwrap();
    assert_eq!(login.name_id.value, "jane.doe@corp.example");
    assert_eq!(
        login.name_id.format.as_deref(),
        Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
    );
    assert_eq!(login.email.unwrap().as_str(), "jane.doe@corp.example");
    assert_eq!(login.first_name.as_deref(), Some("Jane"));
    assert_eq!(login.last_name.as_deref(), Some("Doe"));
    assert_eq!(login.groups, ["Sales", "Engineering"]);
    assert_eq!(login.in_response_to, None);
    assert_eq!(login.relay_state, None);
    assert!(!login.sha1_used);
    assert!(login.session_index.is_some());
    assert!(login.assertion_id.starts_with("id-"));
    assert!(login.assertion_expires_at > now());
}

#[test]
fn sp_initiated_login_consumes_the_request_and_returns_its_relay_state() {
    let login = validate("responses/sp-initiated.xml").unwrap();
    assert_eq!(login.in_response_to.as_deref(), Some(REQUEST_ID));
    assert_eq!(login.relay_state.as_deref(), Some("/deals/42"));
}

#[test]
fn every_signing_shape_is_accepted() {
    for path in [
        "responses/assertion-signed.xml",
        "responses/response-signed.xml",
        "responses/rollover-key.xml",
        "responses/ecdsa.xml",
        "responses/rsa-sha512.xml",
        "responses/encrypted-aes256-cbc.xml",
        "responses/encrypted-aes128-gcm.xml",
        "responses/bench-2k.xml",
        "responses/bench-6k.xml",
        "responses/bench-11k.xml",
    ] {
        let login = validate(path).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert_eq!(login.name_id.value, "jane.doe@corp.example", "{path}");
        assert_eq!(
            login.email.map(|e| e.to_string()).as_deref(),
            Some("jane.doe@corp.example"),
            "{path}"
        );
    }
}

#[test]
fn sha1_is_accepted_only_where_allowed_and_reported() {
    let mut idp = idp();
    idp.allow_sha1 = true;
    let login = validate_with("responses/sha1.xml", &idp, now()).unwrap();
    assert!(login.sha1_used);
}

#[test]
fn entra_and_onelogin_attribute_names_are_mapped() {
    for path in ["responses/entra-style.xml", "responses/onelogin-style.xml"] {
        let login = validate(path).unwrap();
        assert_eq!(login.first_name.as_deref(), Some("Jane"), "{path}");
        assert_eq!(login.last_name.as_deref(), Some("Doe"), "{path}");
        assert_eq!(
            login.groups.first().map(String::as_str),
            Some("Sales"),
            "{path}"
        );
    }
}

#[test]
fn the_name_id_is_the_email_fallback() {
    let login = validate("responses/nameid-only.xml").unwrap();
    assert!(login.attributes.is_empty());
    assert_eq!(login.email.unwrap().as_str(), "jane.doe@corp.example");
    assert_eq!(login.first_name, None);
}

#[test]
fn an_org_override_of_the_attribute_map_wins() {
    let mut idp = idp();
    idp.attribute_map.first_name = vec!["lastName".into()];
    let login = validate_with("responses/idp-initiated.xml", &idp, now()).unwrap();
    assert_eq!(login.first_name.as_deref(), Some("Doe"));
}

#[test]
fn the_clock_skew_is_tolerated_at_both_ends() {
    // Issued 10:00:00, valid until 10:05:00; two minutes of skew each way.
    let early = now() - chrono::Duration::seconds(60 + 119);
    let late = now() + chrono::Duration::seconds(4 * 60 + 119);
    for at in [early, late] {
        validate_with("responses/idp-initiated.xml", &idp(), at).unwrap();
    }
}

#[test]
fn the_api_runs_on_many_threads_at_once() {
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..5 {
                    validate("responses/idp-initiated.xml").unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
