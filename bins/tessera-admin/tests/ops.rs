//! `idp show|add-cert|remove-cert`, `diagnostics` and the expiry warnings of
//! `org show`, on SQLite and (when reachable) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use serde_json::Value;
use std::process::{Command, Output};
use tessera_core::{Clock, SystemClock};
use tessera_service::diagnostics::{Retention, SamlAttemptEntry, SamlOutcome};
use tessera_service::transact::write;
use tessera_store::testing::TestDatabase;

const OKTA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/saml/idp-metadata/okta.xml"
);
const ROLLOVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/saml/keys/idp-rollover.crt"
);

fn admin(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera-admin"))
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("TESSERA_DATABASE_URL")
        .env_remove("TESSERA_SCIM_TOKEN_MAX_AGE_DAYS")
        .env_remove("TESSERA_PUBLIC_URL")
        .output()
        .unwrap()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json(output: Output) -> Value {
    serde_json::from_str(&ok(output)).unwrap()
}

fn fails(output: Output) -> String {
    assert!(!output.status.success());
    String::from_utf8(output.stderr).unwrap()
}

/// An org in scim mode with Okta's metadata stored, at the SCIM credentials step.
fn connected_org(url: &str, dir: &std::path::Path) {
    ok(admin(url, &["org", "create", "acme"]));
    ok(admin(url, &["org", "enable-sso", "acme"]));
    ok(admin(
        url,
        &["users", "invite", "acme", "jane@acme.example"],
    ));
    ok(admin(url, &["connection", "set-mode", "acme", "scim"]));
    let sheet = dir.join("user-mapping-acme.xlsx");
    let sheet = sheet.to_str().unwrap();
    ok(admin(url, &["mapping", "export", "acme", "-o", sheet]));
    ok(admin(url, &["mapping", "import", "acme", sheet]));
    ok(admin(url, &["idp", "set", "acme", "--metadata", OKTA]));
}

fn fingerprints(shown: &Value) -> Vec<String> {
    shown["idp"]["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sha256"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_operator_rotates_the_idp_certificate_without_an_outage() {
    for db in TestDatabase::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        connected_org(url, dir.path());
        let shown = json(admin(url, &["idp", "show", "acme", "--json"]));
        let old = fingerprints(&shown);
        assert_eq!(old.len(), 1);
        let text = ok(admin(url, &["idp", "show", "acme"]));
        assert!(
            text.contains(&old[0]) && text.contains("expires 2046-11-17"),
            "{text}"
        );

        let added = json(admin(url, &["idp", "add-cert", "acme", ROLLOVER, "--json"]));
        let both = fingerprints(&added);
        assert_eq!(both.len(), 2, "both are pinned during the overlap");
        let again = fails(admin(url, &["idp", "add-cert", "acme", ROLLOVER]));
        assert!(again.contains("already pinned"), "{again}");

        let removed = json(admin(
            url,
            &[
                "idp",
                "remove-cert",
                "acme",
                &old[0].to_lowercase(),
                "--json",
            ],
        ));
        assert_eq!(fingerprints(&removed), vec![both[1].clone()]);
        let last = fails(admin(url, &["idp", "remove-cert", "acme", &both[1]]));
        assert!(
            last.starts_with("error: ")
                && last.contains("only IdP certificate")
                && last.lines().count() == 1,
            "{last}"
        );
        let unknown = fails(admin(url, &["idp", "remove-cert", "acme", &old[0]]));
        assert!(unknown.contains("no pinned certificate"), "{unknown}");
        let audit = ok(admin(url, &["audit", "acme"]));
        assert!(
            audit.contains("connection.idp_certificate_added"),
            "{audit}"
        );
        assert!(
            audit.contains("connection.idp_certificate_removed"),
            "{audit}"
        );
    }
}

#[test]
fn org_show_warns_of_a_scim_token_near_its_maximum_age() {
    for db in TestDatabase::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        connected_org(url, dir.path());
        ok(admin(url, &["scim", "token", "acme"]));
        let quiet = json(admin(url, &["org", "show", "acme", "--json"]));
        assert_eq!(
            quiet["expiry_warnings"],
            Value::Array(vec![]),
            "a year to go"
        );
        let shown = json(admin(
            url,
            &[
                "org",
                "show",
                "acme",
                "--scim-token-max-age-days",
                "5",
                "--json",
            ],
        ));
        let warnings = shown["expiry_warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{shown}");
        assert_eq!(warnings[0]["item"]["kind"], "scim_token");
        assert_eq!(warnings[0]["within_days"], 7);
        let text = ok(admin(
            url,
            &["org", "show", "acme", "--scim-token-max-age-days", "1"],
        ));
        assert!(text.contains("warning: The SCIM token"), "{text}");
    }
}

#[test]
fn diagnostics_show_a_refused_login_with_the_okta_fix_and_the_pending_user() {
    for db in TestDatabase::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        connected_org(url, dir.path());
        let store = db.open();
        let org = store
            .org(&tessera_core::WorkspaceName::parse("acme").unwrap())
            .unwrap();
        let line = SamlAttemptEntry::new(
            SystemClock.now(),
            SamlOutcome::Refused,
            Some("audience_mismatch"),
            Some("the assertion is for the audience urn:wrong"),
            None,
        );
        write(&store, org.id, |tx| {
            Ok::<_, tessera_service::ServiceError>(
                tx.record_saml_attempt(&line, &Retention::default())?,
            )
        })
        .unwrap();
        let report = json(admin(
            url,
            &[
                "diagnostics",
                "acme",
                "--public-url",
                "https://sso.example",
                "--json",
            ],
        ));
        assert_eq!(report["idp"], "Okta");
        let login = &report["saml_logins"][0];
        assert_eq!(login["reason"], "audience_mismatch");
        let hint = login["hint"].as_str().unwrap();
        assert!(
            hint.contains("Audience URI (SP Entity ID)")
                && hint.contains("`https://sso.example/saml/acme/metadata`"),
            "{hint}"
        );
        assert_eq!(
            report["pending_users"][0]["email"], "jane@acme.example",
            "U1"
        );
        let text = ok(admin(url, &["diagnostics", "acme"]));
        assert!(
            text.contains("fix: set General → SAML Settings → Audience URI"),
            "{text}"
        );
    }
}
