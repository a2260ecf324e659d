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

fn text(output: &Output) -> String {
    assert!(output.status.success(), "{}", stderr(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An org with an account admin and a scim-mode connection (so the SCIM commands apply).
fn connected_org(db: &TestDatabase) {
    admin(&db.url, &["org", "create", "acme"]);
    let store = db.open();
    let org = store
        .org(&tessera_core::WorkspaceName::parse("acme").unwrap())
        .unwrap();
    let now = tessera_core::Clock::now(&tessera_core::SystemClock);
    store
        .execute(
            org.id,
            &tessera_policy::Command::CompleteConnection {
                by: tessera_policy::Actor::Operator,
                mode: tessera_core::ConnectionMode::Scim,
            },
            now,
        )
        .unwrap();
    store
        .execute(
            org.id,
            &tessera_policy::Command::ScimCreateGroup(tessera_policy::ProvisionedGroup {
                display_name: "Engineering".into(),
                external_id: None,
                members: vec![],
            }),
            now,
        )
        .unwrap();
}

// covers U7, U6, U8
#[test]
fn users_invite_set_role_list_and_deactivate() {
    for db in TestDatabase::all() {
        admin(&db.url, &["org", "create", "acme"]);
        let invited = json(&admin(
            &db.url,
            &["users", "invite", "acme", "Ada@Acme.example", "--json"],
        ));
        assert_eq!(invited["status"], "pending");
        assert_eq!(invited["role"], "viewer");
        let promoted = json(&admin(
            &db.url,
            &[
                "users",
                "set-role",
                "acme",
                "ada@acme.example",
                "expert",
                "--json",
            ],
        ));
        assert_eq!(promoted["role"], "expert");
        let pending = json(&admin(
            &db.url,
            &["users", "list", "acme", "--status", "pending", "--json"],
        ));
        assert_eq!(pending.as_array().unwrap().len(), 1);
        let gone = text(&admin(
            &db.url,
            &["users", "deactivate", "acme", "ada@acme.example"],
        ));
        assert_eq!(
            gone,
            "deactivated: Ada@Acme.example (Deactivated, expert)\n"
        );
        let listed = text(&admin(&db.url, &["users", "list", "acme"]));
        assert!(
            listed.contains("Ada@Acme.example") && listed.contains("Deactivated"),
            "{listed}"
        );

        let bad_role = admin(
            &db.url,
            &["users", "set-role", "acme", "ada@acme.example", "owner"],
        );
        assert!(!bad_role.status.success());
        assert!(
            stderr(&bad_role).contains("\"owner\" is not a valid role"),
            "{}",
            stderr(&bad_role)
        );
        let nobody = admin(
            &db.url,
            &["users", "deactivate", "acme", "nobody@acme.example"],
        );
        assert_eq!(
            stderr(&nobody),
            "error: no user of this org has the email nobody@acme.example\n"
        );
    }
}

// covers T4, T6, T1
#[test]
fn teams_refusals_print_the_rule_and_exit_non_zero() {
    for db in TestDatabase::all() {
        connected_org(&db);
        text(&admin(&db.url, &["teams", "create", "acme", "Support"]));
        text(&admin(
            &db.url,
            &["teams", "rename", "acme", "support", "Customer Support"],
        ));
        let renamed = admin(&db.url, &["teams", "rename", "acme", "Engineering", "Eng"]);
        assert!(!renamed.status.success());
        assert_eq!(
            stderr(&renamed),
            "error: T4: an IdP-managed team cannot be renamed in the app (\"Engineering\")\n"
        );
        let builtin = admin(&db.url, &["teams", "create", "acme", "All Users"]);
        assert!(
            stderr(&builtin).starts_with("error: T1: "),
            "{}",
            stderr(&builtin)
        );
        let teams = json(&admin(&db.url, &["teams", "list", "acme", "--json"]));
        let names: Vec<&str> = teams
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "All Users",
                "Account Admins",
                "Customer Support",
                "Engineering"
            ],
            "{:?}",
            db.backend
        );
        text(&admin(
            &db.url,
            &["teams", "delete", "acme", "Customer Support"],
        ));
        let missing = admin(&db.url, &["teams", "delete", "acme", "Customer Support"]);
        assert_eq!(
            stderr(&missing),
            "error: no team of this org is named \"Customer Support\"\n"
        );
    }
}

// covers T2
#[test]
fn teams_merge_duplicates_dry_run_then_for_real() {
    let db = TestDatabase::sqlite().unwrap();
    admin(&db.url, &["org", "create", "acme"]);
    admin(&db.url, &["teams", "create", "acme", "Engineering"]);
    admin(&db.url, &["users", "invite", "acme", "ada@acme.example"]);
    text(&admin(
        &db.url,
        &[
            "teams",
            "add-member",
            "acme",
            "Engineering",
            "ada@acme.example",
        ],
    ));
    let store = db.open();
    let org = store
        .org(&tessera_core::WorkspaceName::parse("acme").unwrap())
        .unwrap();
    store
        .execute(
            org.id,
            &tessera_policy::Command::ScimCreateGroup(tessera_policy::ProvisionedGroup {
                display_name: "Engineering".into(),
                external_id: None,
                members: vec![],
            }),
            tessera_core::Clock::now(&tessera_core::SystemClock),
        )
        .unwrap();
    let dry = text(&admin(
        &db.url,
        &["teams", "merge-duplicates", "acme", "--dry-run"],
    ));
    assert_eq!(
        dry,
        "would merge local team \"Engineering\" into IdP team \"Engineering\": 1 member(s) move, 0 already there\n"
    );
    assert_eq!(
        json(&admin(&db.url, &["teams", "list", "acme", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        4
    );
    text(&admin(&db.url, &["teams", "merge-duplicates", "acme"]));
    let teams = json(&admin(&db.url, &["teams", "list", "acme", "--json"]));
    assert_eq!(teams.as_array().unwrap().len(), 3);
    assert_eq!(teams[2]["kind"], "idp_managed");
    assert_eq!(teams[2]["members"], 1);
}

// covers C3, S4, S3
#[test]
fn tokens_audit_and_sync() {
    for db in TestDatabase::all() {
        admin(&db.url, &["org", "create", "acme"]);
        let scim = json(&admin(
            &db.url,
            &[
                "scim",
                "token",
                "acme",
                "--public-url",
                "https://sso.example.com/",
                "--json",
            ],
        ));
        assert_eq!(scim["tenant_url"], "https://sso.example.com/scim/v2/acme");
        let first = scim["token"].as_str().unwrap().to_owned();
        assert!(first.starts_with("tsr_scim_"));
        let rotated = json(&admin(&db.url, &["scim", "token", "acme", "--json"]));
        let store = db.open();
        let org = store
            .org(&tessera_core::WorkspaceName::parse("acme").unwrap())
            .unwrap();
        assert!(
            !store.scim_token_is_valid(org.id, &first).unwrap(),
            "C3: rotation revokes the old token"
        );
        assert!(
            store
                .scim_token_is_valid(org.id, rotated["token"].as_str().unwrap())
                .unwrap()
        );

        let refused = admin(&db.url, &["api-token", "acme", "nobody@acme.example"]);
        assert!(!refused.status.success());
        admin(&db.url, &["users", "invite", "acme", "viewer@acme.example"]);
        let not_admin = admin(&db.url, &["api-token", "acme", "viewer@acme.example"]);
        assert!(
            stderr(&not_admin).contains("is not an active account admin"),
            "{}",
            stderr(&not_admin)
        );

        let audit = json(&admin(&db.url, &["audit", "acme", "--json"]));
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions[0], "user.invited", "{actions:?}");
        assert!(
            actions.contains(&"scim_token.rotated") && actions.contains(&"org.created"),
            "{actions:?}"
        );
        let limited = json(&admin(
            &db.url,
            &["audit", "acme", "--limit", "1", "--json"],
        ));
        assert_eq!(limited.as_array().unwrap().len(), 1);
        assert_eq!(
            text(&admin(&db.url, &["sync", "acme"])),
            "sync applied 0 change(s)\n"
        );
    }
}

// covers L1
#[test]
fn org_saml_options_switch_idp_initiated_login_and_sha1() {
    let db = TestDatabase::sqlite().unwrap();
    admin(&db.url, &["org", "create", "acme"]);
    let shown = json(&admin(
        &db.url,
        &[
            "org",
            "saml-options",
            "acme",
            "--allow-idp-initiated",
            "false",
            "--allow-sha1",
            "true",
            "--json",
        ],
    ));
    assert_eq!(shown["allow_idp_initiated"], false);
    assert_eq!(shown["allow_sha1"], true);
    let no_idp = admin(
        &db.url,
        &["org", "saml-options", "acme", "--email-attribute", "mail"],
    );
    assert!(!no_idp.status.success());
    assert!(
        stderr(&no_idp).contains("no IdP configured"),
        "{}",
        stderr(&no_idp)
    );
    let audit = json(&admin(&db.url, &["audit", "acme", "--json"]));
    assert_eq!(audit[0]["action"], "org.saml_options_changed");
    assert!(
        audit[0]["details"]["warning"]
            .as_str()
            .unwrap()
            .contains("SHA-1")
    );
}

// --- webhooks ---

fn one_line_error(output: &Output) -> String {
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    assert_eq!(message.lines().count(), 1, "{message}");
    message
}

#[test]
fn webhooks_the_operator_adds_lists_replays_and_removes_endpoints() {
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
fn webhooks_bad_arguments_get_one_line_and_write_nothing() {
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
