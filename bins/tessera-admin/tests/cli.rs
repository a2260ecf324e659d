//! `tessera-admin` as an operator runs it, on SQLite and (when reachable) PostgreSQL.

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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// covers T1
#[test]
fn org_create_then_show_lists_the_two_built_in_teams() {
    for db in TestDatabase::all() {
        let created = json(&admin(&db.url, &["org", "create", "acme", "--json"]));
        assert_eq!(created["name"], "acme");
        let shown = json(&admin(&db.url, &["org", "show", "acme", "--json"]));
        assert_eq!(shown["name"], "acme");
        assert_eq!(shown["kind"], "production");
        assert_eq!(shown["sso_enabled"], false);
        let teams: Vec<&str> = shown["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(teams, ["All Users", "Account Admins"], "{:?}", db.backend);
    }
}

// covers W1
#[test]
fn w1_a_bad_name_fails_with_one_line_and_writes_nothing() {
    let db = TestDatabase::sqlite().unwrap();
    for bad in ["Bad Name", "Acme!", "acme-corp", ""] {
        let output = admin(&db.url, &["org", "create", bad]);
        assert!(!output.status.success());
        let message = stderr(&output);
        assert!(
            message.contains("W1: a workspace name is 1-63 lowercase letters"),
            "{message}"
        );
        assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
    }
    let path = db.url.trim_start_matches("sqlite://");
    assert!(
        !std::path::Path::new(path).exists(),
        "not even the database file was created"
    );
}

#[test]
fn a_duplicate_org_and_an_unknown_org_fail_clearly() {
    for db in TestDatabase::all() {
        assert!(admin(&db.url, &["org", "create", "acme"]).status.success());
        let again = admin(&db.url, &["org", "create", "acme", "--sandbox"]);
        assert!(!again.status.success());
        assert_eq!(
            stderr(&again),
            "error: an org named \"acme\" already exists\n"
        );
        let missing = admin(&db.url, &["org", "show", "nobody"]);
        assert!(!missing.status.success());
        assert_eq!(stderr(&missing), "error: no org is named \"nobody\"\n");
        let list = json(&admin(&db.url, &["org", "list", "--json"]));
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["kind"], "production");
    }
}

// covers W3
#[test]
fn w3_enable_and_disable_sso() {
    for db in TestDatabase::all() {
        admin(&db.url, &["org", "create", "acme"]);
        let enabled = json(&admin(&db.url, &["org", "enable-sso", "acme", "--json"]));
        assert_eq!(enabled["sso_enabled"], true);
        let disabled = json(&admin(&db.url, &["org", "disable-sso", "acme", "--json"]));
        assert_eq!(disabled["sso_enabled"], false);
    }
}

#[test]
fn sandbox_orgs_and_text_output() {
    let db = TestDatabase::sqlite().unwrap();
    let created = json(&admin(
        &db.url,
        &["org", "create", "try", "--sandbox", "--json"],
    ));
    assert_eq!(created["kind"], "sandbox");
    let text = admin(&db.url, &["org", "list"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("try "), "{text}");
    assert!(text.contains("sandbox"));
}

#[test]
fn migrate_applies_once() {
    for db in TestDatabase::all() {
        let first = admin(&db.url, &["migrate"]);
        assert!(first.status.success(), "{}", stderr(&first));
        // The store migrates on open, so an explicit migrate finds nothing left to do.
        assert_eq!(
            String::from_utf8_lossy(&first.stdout),
            "the database is up to date\n"
        );
        let applied = json(&admin(&db.url, &["migrate", "--json"]));
        assert_eq!(applied, serde_json::json!([]));
    }
}

#[test]
fn an_unsupported_database_url_is_refused() {
    let output = admin("mysql://root@localhost/x", &["org", "list"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).starts_with("error: unsupported database URL"),
        "{}",
        stderr(&output)
    );
}
