//! Issue #9's SAML gates end to end, against the pysaml2 IdP: signed bytes decide
//! (L1), the login CSRF binding cookie (also cross-site), bounded refusal records and
//! outstanding requests, storage failures as 503, W3, and signed AuthnRequests when the
//! IdP metadata asks for them.

use crate::saml::{Sso, idp, refused};
use crate::support::t0;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::process::Command as Process;
use tessera_core::{ConnectionMode, OrgId, WorkspaceName};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, AuditEntry};

fn refusals(sso: &Sso, org: OrgId) -> Vec<AuditEntry> {
    let audit = sso.server.store.audit(org, &Default::default()).unwrap();
    audit
        .into_iter()
        .filter(|e| e.action == "saml.login_refused")
        .collect()
}

fn last_reason(sso: &Sso, org: OrgId) -> String {
    refusals(sso, org)[0].details["reason"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `response` (base64) decoded, edited by `edit`, encoded again.
fn edited(response: &str, edit: impl FnOnce(String) -> String) -> String {
    let xml = String::from_utf8(STANDARD.decode(response).unwrap()).unwrap();
    let changed = edit(xml.clone());
    assert_ne!(changed, xml, "the edit applied");
    STANDARD.encode(changed)
}

// covers L1
#[test]
fn l1_an_unsigned_in_response_to_does_not_pass_an_unsolicited_assertion_off_as_an_answer() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        sso.set_idp_initiated(org, false);
        // Anyone can mint a request id; the assertion (the only signed part) answers none.
        let id = sso.start_login("/app");
        let unsolicited = sso.sign("new@acme.example", None, &["--sign", "assertion"]);
        let forged = edited(&unsolicited, |xml| {
            xml.replacen(
                "<ns0:Response ",
                &format!("<ns0:Response InResponseTo=\"{id}\" "),
                1,
            )
        });
        refused(sso.post(&forged, None));
        assert_eq!(
            last_reason(&sso, org),
            "unsigned_in_response_to",
            "{:?}",
            db.backend
        );
        // The genuine answer to that request is still accepted.
        let genuine = sso.sign("new@acme.example", Some(&id), &["--sign", "assertion"]);
        assert_eq!(sso.post(&genuine, None).status(), 303, "{:?}", db.backend);
    }
}

// covers L2 (login CSRF)
#[test]
fn l2_an_sp_initiated_response_needs_the_browser_that_asked_even_cross_site() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let redirect = sso.login_redirect("/app");
        let set_cookie = redirect.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        for attribute in ["HttpOnly", "Path=/saml/", "Max-Age=600"] {
            assert!(set_cookie.contains(attribute), "{set_cookie}");
        }
        // Plain http: no Secure, and no SameSite (a browser's default lets the IdP's
        // cross-site POST carry it; an explicit Lax or Strict would not).
        assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
        assert!(!set_cookie.contains("SameSite"), "plain http: {set_cookie}");

        // The attacker's own request, answered for the attacker, posted from the victim's
        // browser: a cross-site POST carries no (or another) request cookie.
        let id = sso.start_login("/app");
        let response = sso.sign("boss@acme.example", Some(&id), &[]);
        refused(sso.post_with_cookie(&response, None, None));
        assert_eq!(last_reason(&sso, org), "request_from_other_browser");
        let id = sso.start_login("/app");
        let response = sso.sign("boss@acme.example", Some(&id), &[]);
        let other = "tessera_saml_req=tsr_saml_someone-else";
        refused(sso.post_with_cookie(&response, None, Some(other)));
        assert_eq!(last_reason(&sso, org), "request_from_other_browser");

        // The browser that asked gets in; two tabs share one cookie value.
        let first = sso.start_login("/one");
        let second = sso.start_login("/two");
        let accepted = sso.post(&sso.sign("boss@acme.example", Some(&first), &[]), None);
        assert_eq!(accepted.status(), 303, "{:?}", db.backend);
        assert_eq!(accepted.headers()["location"], "/one");
        let accepted = sso.post(&sso.sign("boss@acme.example", Some(&second), &[]), None);
        assert_eq!(accepted.headers()["location"], "/two");
        // IdP-initiated logins have no request and need no cookie.
        let unsolicited = sso.sign("boss@acme.example", None, &[]);
        assert_eq!(sso.post_with_cookie(&unsolicited, None, None).status(), 303);
    }
}

#[test]
fn over_https_the_request_cookie_is_secure_and_same_site_none_for_the_idps_cross_site_post() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, _) = Sso::start_with(&db, ConnectionMode::Jit, |c| {
        c.public_url = "https://sso.tessera.test".into();
    });
    let redirect = sso.login_redirect("/app");
    let set_cookie = redirect.headers()["set-cookie"].to_str().unwrap();
    // `__Host-`: no other host (a sibling subdomain) can plant a known value.
    assert!(
        set_cookie.starts_with("__Host-tessera_saml_req="),
        "{set_cookie}"
    );
    for attribute in ["HttpOnly", "Secure", "SameSite=None", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Path=/saml"),
        "__Host- needs Path=/: {set_cookie}"
    );
    // The whole flow, the cookie sent back as a browser sends a SameSite=None cookie.
    let id = sso.start_login("/deals/1");
    let accepted = sso.post(&sso.sign("boss@acme.example", Some(&id), &[]), None);
    assert_eq!(accepted.status(), 303);
    assert_eq!(accepted.headers()["location"], "/deals/1");
}

#[test]
fn refusal_records_carry_a_code_and_a_bounded_single_line_detail_and_are_rate_limited() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start_with(&db, ConnectionMode::Jit, |c| {
        c.saml_refusals_recorded_per_minute = 3;
    });
    // An attacker-chosen Issuer on the unsigned Response: long, with a forged log line.
    let signed = sso.sign("boss@acme.example", None, &["--sign", "assertion"]);
    let hostile = format!(
        "evil\n2026-11-01T09:30:00Z INFO forged{}",
        "x".repeat(20_000)
    );
    let forged = edited(&signed, |xml| {
        xml.replacen(
            "https://idp.example.org/metadata</ns1:Issuer>",
            &format!("{hostile}</ns1:Issuer>"),
            1,
        )
    });
    refused(sso.post(&forged, None));
    let entry = &refusals(&sso, org)[0];
    assert_eq!(entry.details["reason"], "issuer_mismatch");
    let detail = entry.details["detail"].as_str().unwrap();
    assert!(detail.chars().count() <= 256, "{}", detail.len());
    assert!(
        !detail.contains('\n') && detail.contains("evil?2026"),
        "{detail}"
    );
    // A flood of garbage: three records a minute, the rest only counted.
    for _ in 0..10 {
        refused(sso.post("bm90IGEgU0FNTCByZXNwb25zZQ==", None));
    }
    let recorded = refusals(&sso, org);
    assert_eq!(recorded.len(), 3, "{recorded:?}");
    assert_eq!(recorded[0].details["reason"], "malformed_xml");
}

#[test]
fn outstanding_requests_are_capped_per_org() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start_with(&db, ConnectionMode::Jit, |c| {
        c.saml_outstanding_requests_per_org = 2;
    });
    // The test clock stands still, so which two survive is not ordered here (the store
    // test checks that the oldest go); only two of four can be answered.
    let ids: Vec<String> = (0..4).map(|i| sso.start_login(&format!("/{i}"))).collect();
    let statuses: Vec<u16> = ids
        .iter()
        .map(|id| {
            let response = sso.sign("boss@acme.example", Some(id), &[]);
            sso.post(&response, None).status().as_u16()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        2,
        "{statuses:?}"
    );
    assert!(
        refusals(&sso, org)
            .iter()
            .all(|e| e.details["reason"] == "unknown_in_response_to")
    );
}

#[test]
fn a_storage_failure_while_validating_is_a_503_and_not_an_audited_refusal() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let broken = Process::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
             c.execute('DROP TABLE saml_replay_cache'); c.commit()",
            &path,
        ])
        .status()
        .unwrap();
    assert!(broken.success());
    let response = sso.post(&sso.sign("boss@acme.example", None, &[]), None);
    assert_eq!(response.status(), 503);
    assert!(response.text().unwrap().contains("unavailable"));
    assert!(refusals(&sso, org).is_empty());
}

// covers W3
#[test]
fn w3_with_sso_switched_off_login_and_acs_are_refused() {
    for db in TestDatabase::all() {
        let (sso, _) = Sso::start(&db, ConnectionMode::Jit);
        let response = sso.sign("boss@acme.example", None, &[]);
        let ws = WorkspaceName::parse("acme").unwrap();
        sso.server
            .store
            .set_sso_enabled(&ws, false, &Actor::operator(), t0())
            .unwrap();
        assert_eq!(sso.login_redirect("/app").status(), 409);
        let page = sso.post(&response, None);
        assert_eq!(page.status(), 409);
        assert!(page.headers().get("set-cookie").is_none());
    }
}

/// The signed query `SAMLRequest=…&RelayState=…&SigAlg=…` and `Signature` verify with
/// the SP certificate of our metadata (checked by Python's `cryptography`).
fn verify_redirect_signature(location: &str, sp_metadata: &str) {
    let query = location.split_once('?').unwrap().1;
    let (signed, signature) = query.split_once("&Signature=").unwrap();
    let signature: String = form_urlencoded::parse(format!("s={signature}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    let start = sp_metadata.find("<ds:X509Certificate>").unwrap() + 20;
    let end = sp_metadata[start..].find('<').unwrap() + start;
    let script = "import base64, sys\n\
        from cryptography import x509\n\
        from cryptography.hazmat.primitives import hashes\n\
        from cryptography.hazmat.primitives.asymmetric import padding\n\
        cert = x509.load_der_x509_certificate(base64.b64decode(sys.argv[1]))\n\
        cert.public_key().verify(base64.b64decode(sys.argv[3]), sys.argv[2].encode(), \
        padding.PKCS1v15(), hashes.SHA256())\n";
    let checked = Process::new("python3")
        .args(["-c", script, &sp_metadata[start..end], signed, &signature])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn want_authn_requests_signed_in_the_idp_metadata_makes_authn_requests_signed() {
    let db = TestDatabase::sqlite().unwrap();
    let (plain, _) = Sso::start(&db, ConnectionMode::Jit);
    let location = plain.login_redirect("/app").headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!location.contains("Signature="), "{location}");
    drop(plain);

    let db = TestDatabase::sqlite().unwrap();
    let metadata = idp(&["metadata"]).replace(
        "WantAuthnRequestsSigned=\"false\"",
        "WantAuthnRequestsSigned=\"true\"",
    );
    let (sso, _) = Sso::start_with_metadata(&db, ConnectionMode::Jit, |_| {}, &metadata);
    let location = sso.login_redirect("/deals/7").headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.contains("&SigAlg=") && location.contains("&Signature="),
        "{location}"
    );
    let sp_metadata = sso
        .http
        .get(sso.server.url("/saml/acme/metadata"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    verify_redirect_signature(&location, &sp_metadata);
}
