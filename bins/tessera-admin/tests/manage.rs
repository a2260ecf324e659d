//! The verbs an account admin's page actions have as CLI twins: `users show`,
//! `users reactivate` (U4, U5), `teams members`, `teams remove-member` (T5), and
//! `connection show` / `connection complete` (C2, C4), on SQLite and (when reachable)
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use serde_json::Value;
use std::process::{Command, Output};
use tessera_store::testing::TestDatabase;

const OKTA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/saml/idp-metadata/okta.xml"
);

fn admin(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera-admin"))
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("TESSERA_DATABASE_URL")
        .output()
        .unwrap()
}

fn json(output: Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The one-line error of a refused command.
fn refused(output: Output) -> String {
    assert!(!output.status.success());
    let message = String::from_utf8(output.stderr).unwrap();
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
    message
}

fn team_names(profile: &Value) -> Vec<String> {
    profile["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

// covers U4, U7, U8, T5, T6
#[test]
fn u4_users_show_reactivate_and_team_members_from_the_command_line() {
    for db in TestDatabase::all() {
        let url = db.url.as_str();
        ok(admin(url, &["org", "create", "acme"]));
        ok(admin(
            url,
            &["users", "invite", "acme", "jane@acme.example"],
        ));
        ok(admin(url, &["teams", "create", "acme", "Support"]));

        let shown = json(admin(
            url,
            &["users", "show", "acme", "jane@acme.example", "--json"],
        ));
        assert_eq!(shown["user"]["status"], "pending");
        assert_eq!(shown["user"]["idp_connected"], false, "U7");
        assert_eq!(team_names(&shown), ["All Users"]);

        ok(admin(
            url,
            &["users", "deactivate", "acme", "jane@acme.example"],
        ));
        let back = json(admin(
            url,
            &["users", "reactivate", "acme", "jane@acme.example", "--json"],
        ));
        assert_eq!(back["status"], "pending", "{:?}", db.backend);

        ok(admin(
            url,
            &["users", "deactivate", "acme", "jane@acme.example"],
        ));
        let text = ok(admin(
            url,
            &[
                "users",
                "reactivate",
                "acme",
                "jane@acme.example",
                "--team",
                "support",
            ],
        ));
        assert!(
            text.starts_with("reactivated: jane@acme.example (Pending"),
            "{text}"
        );
        let shown = ok(admin(url, &["users", "show", "acme", "jane@acme.example"]));
        assert!(
            shown.contains("not IdP-connected") && shown.contains("  Support"),
            "{shown}"
        );

        let members = json(admin(
            url,
            &["teams", "members", "acme", "Support", "--json"],
        ));
        assert_eq!(members[0]["email"], "jane@acme.example");
        ok(admin(
            url,
            &[
                "teams",
                "remove-member",
                "acme",
                "Support",
                "jane@acme.example",
            ],
        ));
        let members = json(admin(
            url,
            &["teams", "members", "acme", "Support", "--json"],
        ));
        assert_eq!(members.as_array().unwrap().len(), 0);

        let unknown = refused(admin(url, &["teams", "members", "acme", "Nope"]));
        assert!(
            unknown.contains("no team of this org is named \"Nope\""),
            "{unknown}"
        );
        let built_in = refused(admin(
            url,
            &[
                "teams",
                "remove-member",
                "acme",
                "All Users",
                "jane@acme.example",
            ],
        ));
        assert!(built_in.starts_with("error: T1:"), "{built_in}");
    }
}

// covers U5, T5
#[test]
fn u5_a_scim_user_is_reactivated_by_the_idp_and_t5_idp_team_members_stay() {
    for db in TestDatabase::all() {
        let url = db.url.as_str();
        ok(admin(url, &["org", "create", "acme"]));
        let store = db.open();
        let org = store
            .org(&tessera_core::WorkspaceName::parse("acme").unwrap())
            .unwrap()
            .id;
        let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 1, 9, 0, 0).unwrap();
        let name = tessera_core::UserName::parse("gone@acme.example").unwrap();
        let user = tessera_policy::ProvisionedUser {
            email: Some(tessera_core::Email::parse("gone@acme.example").unwrap()),
            active: false,
            ..tessera_policy::ProvisionedUser::new(name)
        };
        let created = store
            .execute(org, &tessera_policy::Command::ScimCreateUser(user), now)
            .unwrap();
        let Some(tessera_policy::Subject::User(id)) = created.subject else {
            panic!()
        };
        let scim_id = store_scim_id(&store, org, id);
        let group = tessera_policy::ProvisionedGroup {
            display_name: "Engineering".into(),
            external_id: None,
            members: vec![scim_id],
        };
        store
            .execute(org, &tessera_policy::Command::ScimCreateGroup(group), now)
            .unwrap();

        let message = refused(admin(
            url,
            &["users", "reactivate", "acme", "gone@acme.example"],
        ));
        assert!(
            message.starts_with(
                "error: U5: gone@acme.example is managed by the IdP and cannot be reactivated"
            ),
            "{message}"
        );
        let shown = json(admin(
            url,
            &["users", "show", "acme", "gone@acme.example", "--json"],
        ));
        assert_eq!(shown["user"]["status"], "deactivated", "nothing written");
        let engineering = &shown["teams"].as_array().unwrap()[1];
        assert_eq!(engineering["kind"], "idp_managed", "{shown}");
        let message = refused(admin(
            url,
            &[
                "teams",
                "remove-member",
                "acme",
                "Engineering",
                "gone@acme.example",
            ],
        ));
        assert!(message.starts_with("error: T5:"), "{message}");
    }
}

/// The user's SCIM id, as the IdP's group references it.
fn store_scim_id(
    store: &tessera_store::Store,
    org: tessera_core::OrgId,
    id: tessera_core::UserId,
) -> String {
    let mut found = None;
    tessera_service::Storage::read(store, org, &mut |tx| {
        found = tx.user(id)?.and_then(|u| u.scim_id);
        Ok(())
    })
    .unwrap();
    found.unwrap()
}

// covers C2, C4, W2
#[test]
fn connection_show_and_complete_walk_the_connection_from_the_command_line() {
    for db in TestDatabase::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        ok(admin(url, &["org", "create", "acme"]));
        ok(admin(url, &["org", "enable-sso", "acme"]));
        let shown = json(admin(url, &["connection", "show", "acme", "--json"]));
        assert_eq!(shown["step"], "not_started");
        assert_eq!(shown["next"], "start");
        ok(admin(url, &["connection", "set-mode", "acme", "jit"]));
        let text = ok(admin(url, &["connection", "show", "acme"]));
        assert!(
            text.contains("mode jit") && text.contains("next: download the mapping sheet"),
            "{text}"
        );

        let early = refused(admin(url, &["connection", "complete", "acme"]));
        assert!(early.starts_with("error: C2:"), "{early}");

        let sheet = dir.path().join("user-mapping-acme.xlsx");
        let sheet = sheet.to_str().unwrap();
        ok(admin(url, &["mapping", "export", "acme", "-o", sheet]));
        ok(admin(url, &["mapping", "import", "acme", sheet]));
        ok(admin(url, &["idp", "set", "acme", "--metadata", OKTA]));
        let done = json(admin(url, &["connection", "complete", "acme", "--json"]));
        assert_eq!(done["step"], "connected");
        assert!(done["connected_at"].is_string(), "{done}");
        let text = ok(admin(url, &["connection", "show", "acme"]));
        assert!(
            text.contains("connected since") && text.contains("IdP "),
            "{text}"
        );
        let again = refused(admin(url, &["connection", "complete", "acme"]));
        assert!(
            again.starts_with("error: W2: this org is already connected"),
            "{again}: {:?}",
            db.backend
        );
    }
}
