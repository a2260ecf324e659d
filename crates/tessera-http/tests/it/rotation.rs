//! Rotating the IdP's signing certificate without an outage, end to end: pysaml2
//! signs with the old key and with the new one; both are accepted while both are
//! pinned, only the new one after the old one is removed (through the admin API).
//! Diagnostics show the refused login with its hint, and the SCIM request that
//! carried a wrong token, without the token or the response. The Chromium walk does the
//! same as an account admin in the pages.

use crate::browser;
use crate::pages::PASSWORD;
use crate::saml::{Sso, refused};
use crate::support::t0;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use tessera_core::{ConnectionMode, Email, hash_password};
use tessera_store::Actor;
use tessera_store::testing::TestDatabase;

const ROLLOVER: &str = include_str!("../../../../fixtures/saml/keys/idp-rollover.crt");

fn api(
    http: &Client,
    sso: &Sso,
    token: &str,
    method: reqwest::Method,
    path: &str,
) -> reqwest::blocking::RequestBuilder {
    http.request(method, sso.server.url(&format!("/api/v1/orgs/acme{path}")))
        .bearer_auth(token)
}

/// An admin API token of the org's account admin.
fn admin_token(sso: &Sso, org: tessera_core::OrgId) -> String {
    let boss = Email::parse("boss@acme.example").unwrap();
    sso.server
        .store
        .issue_admin_token(org, &boss, &Actor::operator(), t0())
        .unwrap()
}

fn signs_in(sso: &Sso, key: &str, who: &str) -> bool {
    let response = sso.post(&sso.sign(who, None, &["--key", key]), None);
    match response.status().as_u16() {
        303 => true,
        _ => {
            refused(response);
            false
        }
    }
}

#[test]
fn l1_logins_signed_by_the_old_and_the_new_key_both_work_during_the_overlap() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let token = admin_token(&sso, org);
        let http = Client::new();
        assert!(signs_in(&sso, "idp", "ada@acme.example"));
        assert!(
            !signs_in(&sso, "idp-rollover", "ada@acme.example"),
            "not pinned yet"
        );

        let added = api(
            &http,
            &sso,
            &token,
            reqwest::Method::POST,
            "/idp/certificates",
        )
        .json(&json!({ "certificate": ROLLOVER }))
        .send()
        .unwrap();
        assert_eq!(added.status(), 201);
        let added: Value = added.json().unwrap();
        let certificates = added["idp"]["certificates"].as_array().unwrap().clone();
        assert_eq!(certificates.len(), 2);
        let old = certificates[0]["sha256"].as_str().unwrap().to_owned();
        let new = certificates[1]["sha256"].as_str().unwrap().to_owned();
        assert!(
            signs_in(&sso, "idp", "ada@acme.example"),
            "old key, overlap"
        );
        assert!(
            signs_in(&sso, "idp-rollover", "ada@acme.example"),
            "new key, overlap"
        );

        let removed = api(
            &http,
            &sso,
            &token,
            reqwest::Method::DELETE,
            &format!("/idp/certificates/{old}"),
        )
        .send()
        .unwrap();
        assert_eq!(removed.status(), 200);
        assert!(
            !signs_in(&sso, "idp", "ada@acme.example"),
            "old key, after removal"
        );
        assert!(
            signs_in(&sso, "idp-rollover", "ada@acme.example"),
            "new key, after removal"
        );
        let last = api(
            &http,
            &sso,
            &token,
            reqwest::Method::DELETE,
            &format!("/idp/certificates/{new}"),
        )
        .send()
        .unwrap();
        assert_eq!(last.status(), 409);
        let last: Value = last.json().unwrap();
        assert!(last.to_string().contains("only IdP certificate"), "{last}");

        let shown: Value = api(&http, &sso, &token, reqwest::Method::GET, "/idp")
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(shown["idp"]["certificates"][0]["sha256"], new.as_str());

        let report: Value = api(&http, &sso, &token, reqwest::Method::GET, "/diagnostics")
            .send()
            .unwrap()
            .json()
            .unwrap();
        let logins = report["saml_logins"].as_array().unwrap();
        let outcomes: Vec<&str> = logins
            .iter()
            .map(|l| l["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(
            outcomes,
            [
                "signed_in",
                "refused",
                "signed_in",
                "signed_in",
                "refused",
                "signed_in"
            ],
            "newest first"
        );
        let refusal = &logins[1];
        assert_eq!(refusal["reason"], "signature_invalid", "{refusal}");
        let hint = refusal["hint"].as_str().unwrap();
        assert!(
            hint.contains("idp add-cert") && hint.contains("does not pin"),
            "{hint}"
        );
        assert_eq!(logins[0]["email"], "ada@acme.example");
    }
}

#[test]
fn diagnostics_record_scim_requests_without_tokens_bodies_or_signatures() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let token = admin_token(&sso, org);
        let http = Client::new();
        let secret = "tsr_scim_not-the-token-0123456789";
        let scim = http
            .post(
                sso.server
                    .url("/scim/v2/acme/Users?filter=userName%20eq%20%22x%22"),
            )
            .bearer_auth(secret)
            .header("user-agent", "Okta SCIM Client 1.0.0")
            .body(r#"{"userName": "secret-body@acme.example", "password": "hunter2"}"#)
            .send()
            .unwrap();
        assert_eq!(scim.status(), 401);
        let response = sso.sign("ada@acme.example", None, &["--key", "idp-rollover"]);
        refused(sso.post(&response, None));

        let report: Value = api(&http, &sso, &token, reqwest::Method::GET, "/diagnostics")
            .send()
            .unwrap()
            .json()
            .unwrap();
        let line = &report["scim_requests"][0];
        assert_eq!(line["method"], "POST");
        assert_eq!(line["path"], "/Users", "no query string");
        assert_eq!(line["status"], 401);
        assert_eq!(line["user_agent"], "Okta SCIM Client 1.0.0");
        assert!(
            line["error"].as_str().unwrap().contains("not valid"),
            "{line}"
        );
        assert_eq!(
            report["scim_token_last_used"],
            Value::Null,
            "a 401 is no use"
        );
        let everything = report.to_string();
        for secret_part in [
            secret,
            "hunter2",
            "secret-body",
            "SignatureValue",
            "<",
            &response[..40],
        ] {
            assert!(
                !everything.contains(secret_part),
                "{secret_part} was recorded: {everything}"
            );
        }
    }
}

// covers L1
#[test]
fn an_account_admin_reads_the_refusal_and_rotates_the_certificate_in_chromium() {
    if !browser::available() {
        return;
    }
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start_with(&db, ConnectionMode::Jit, |c| c.workers = Some(2));
    let store = &sso.server.store;
    let boss = store
        .user_by_email(org, &Email::parse("boss@acme.example").unwrap())
        .unwrap()
        .unwrap();
    store
        .set_password_hash(org, boss.id, &hash_password(PASSWORD).unwrap(), t0())
        .unwrap();
    assert!(
        !signs_in(&sso, "idp-rollover", "ada@acme.example"),
        "the IdP switched to its new key before the admin pinned it"
    );
    let responses = tempfile::tempdir().unwrap();
    for (name, key) in [
        ("overlap-old", "idp"),
        ("overlap-new", "idp-rollover"),
        ("after-old", "idp"),
        ("after-new", "idp-rollover"),
    ] {
        let signed = sso.sign("ada@acme.example", None, &["--key", key]);
        std::fs::write(responses.path().join(name), signed).unwrap();
    }
    let rollover = browser::repo_file("fixtures/saml/keys/idp-rollover.crt");
    let url = sso.server.url("");
    let args = [
        url.as_str(),
        "acme",
        "boss@acme.example",
        PASSWORD,
        rollover.to_str().unwrap(),
        responses.path().to_str().unwrap(),
    ];
    browser::walk("rotate.test.mjs", "rotate", args);

    let token = admin_token(&sso, org);
    let shown: Value = api(&Client::new(), &sso, &token, reqwest::Method::GET, "/idp")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let left = shown["idp"]["certificates"].as_array().unwrap();
    assert_eq!(left.len(), 1, "the API shows what the page did: {shown}");
}
