//! `tessera-admin webhooks …` as an operator runs it, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use serde_json::Value;
use std::process::{Command, Output};
use tessera_store::testing::TestDatabase;

fn admin(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera-admin"))
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("TESSERA_DATABASE_URL")
        .output()
        .unwrap()
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn one_line_error(output: &Output) -> String {
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    assert_eq!(message.lines().count(), 1, "{message}");
    message
}

#[test]
fn the_operator_adds_lists_replays_and_removes_endpoints() {
    for db in TestDatabase::all() {
        json(&admin(&db.url, &["org", "create", "acme", "--json"]));
        // The operator may add any URL, a private address included.
        let added = json(&admin(
            &db.url,
            &[
                "webhooks",
                "add",
                "acme",
                "http://10.0.0.5/hook",
                "--types",
                "user.created,team.deleted",
                "--json",
            ],
        ));
        let id = added["id"].as_str().unwrap();
        assert!(id.starts_with("whep_"));
        assert!(
            added["secret"].as_str().unwrap().starts_with("whsec_"),
            "shown once: {added}"
        );
        let listed = json(&admin(&db.url, &["webhooks", "list", "acme", "--json"]));
        assert_eq!(listed[0]["id"], id);
        assert_eq!(
            listed[0]["types"],
            serde_json::json!(["user.created", "team.deleted"])
        );
        assert!(listed[0].get("secret").is_none(), "never shown again");
        let replayed = json(&admin(
            &db.url,
            &["webhooks", "replay", "acme", id, "--from", "3", "--json"],
        ));
        assert_eq!(replayed["replaying_from_seq"], 3);
        let listed = json(&admin(&db.url, &["webhooks", "list", "acme", "--json"]));
        assert_eq!(listed[0]["state"]["cursor"], 2, "delivers again from seq 3");
        json(&admin(
            &db.url,
            &["webhooks", "remove", "acme", id, "--json"],
        ));
        assert_eq!(
            json(&admin(&db.url, &["webhooks", "list", "acme", "--json"])),
            serde_json::json!([])
        );
        let gone = one_line_error(&admin(&db.url, &["webhooks", "remove", "acme", id]));
        assert!(gone.contains("no webhook endpoint"), "{gone}");
    }
}

#[test]
fn bad_arguments_get_one_line_and_write_nothing() {
    let db = TestDatabase::sqlite().unwrap();
    json(&admin(&db.url, &["org", "create", "acme", "--json"]));
    let scheme = one_line_error(&admin(
        &db.url,
        &["webhooks", "add", "acme", "ftp://example.com/x"],
    ));
    assert!(scheme.contains("https://"), "{scheme}");
    let types = one_line_error(&admin(
        &db.url,
        &[
            "webhooks",
            "add",
            "acme",
            "https://example.com/x",
            "--types",
            "user.made",
        ],
    ));
    assert!(types.contains("user.made"), "{types}");
    let from = one_line_error(&admin(
        &db.url,
        &["webhooks", "replay", "acme", "whep_x", "--from", "0"],
    ));
    assert!(from.contains("--from"), "{from}");
    assert_eq!(
        json(&admin(&db.url, &["webhooks", "list", "acme", "--json"])),
        serde_json::json!([])
    );
}
