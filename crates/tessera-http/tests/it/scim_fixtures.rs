//! Replays each IdP's recorded lifecycle (`fixtures/scim/<idp>/lifecycle.jsonl`) against
//! the server on SQLite and PostgreSQL, then checks the users, teams and audit log the
//! store ends up with (`expect.json`), not just the status codes.
// covers U1, U2, U5, U6, T2, T3, T7, T8, S2, S3, S4

use crate::scim_support::{ScimServer, answer};
use reqwest::Method;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use tessera_store::testing::TestDatabase;
use tessera_store::{AuditFilter, UserFilter};

fn fixture_dir(idp: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scim")
        .join(idp)
}

fn substitute(text: &str, saved: &HashMap<String, String>) -> String {
    saved.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("${{{name}}}"), value)
    })
}

/// Replays the steps; returns nothing, fails on the first step that answers otherwise.
fn replay(server: &ScimServer, idp: &str) {
    let lines = std::fs::read_to_string(fixture_dir(idp).join("lifecycle.jsonl")).unwrap();
    let http = reqwest::blocking::Client::new();
    let mut saved: HashMap<String, String> = HashMap::new();
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let step: Value = serde_json::from_str(line).unwrap();
        let name = step["name"].as_str().unwrap();
        let method = Method::from_bytes(step["method"].as_str().unwrap().as_bytes()).unwrap();
        let path = substitute(step["path"].as_str().unwrap(), &saved);
        let mut request = http
            .request(method, server.url(&path))
            .bearer_auth(&server.token);
        for (header, value) in step["headers"].as_object().into_iter().flatten() {
            request = request.header(header.as_str(), value.as_str().unwrap());
        }
        if let Some(body) = step.get("body") {
            request = request.body(substitute(&body.to_string(), &saved));
        }
        let got = answer(request.send().unwrap());
        let context = format!("{idp}: {name}: {} {}", got.status, got.body);
        assert_eq!(
            u64::from(got.status),
            step["status"].as_u64().unwrap(),
            "{context}"
        );
        if got.status != 204 {
            assert!(
                got.content_type.starts_with("application/scim+json"),
                "{context}"
            );
        }
        for (pointer, expected) in step["expect"].as_object().into_iter().flatten() {
            let expected: Value =
                serde_json::from_str(&substitute(&expected.to_string(), &saved)).unwrap();
            let found = got.body.pointer(pointer).cloned().unwrap_or(Value::Null);
            assert_eq!(found, expected, "{context}: {pointer}");
        }
        for (variable, pointer) in step["save"].as_object().into_iter().flatten() {
            let value = got.body.pointer(pointer.as_str().unwrap()).unwrap();
            saved.insert(variable.clone(), value.as_str().unwrap().to_owned());
        }
    }
}

/// Every key of `expected` has the same value in `found`.
fn assert_subset(expected: &Value, found: &Value, context: &str) {
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&found[key], value, "{context}: {key} in {found}");
    }
}

fn check_store(server: &ScimServer, idp: &str) {
    let text = std::fs::read_to_string(fixture_dir(idp).join("expect.json")).unwrap();
    let expect: Value = serde_json::from_str(&text).unwrap();
    let store = server.store();
    let users = store.users(server.org_id, &UserFilter::default()).unwrap();
    let users: Vec<Value> = users
        .iter()
        .map(|u| serde_json::to_value(u).unwrap())
        .collect();
    for wanted in expect["users"].as_array().unwrap() {
        let found = users
            .iter()
            .find(|u| u["email"] == wanted["email"])
            .unwrap_or_else(|| panic!("{idp}: no user {}", wanted["email"]));
        assert_subset(wanted, found, idp);
    }
    assert_eq!(
        users.len(),
        expect["users"].as_array().unwrap().len(),
        "{idp}: {users:?}"
    );
    let teams = store.teams(server.org_id).unwrap();
    let teams: Vec<Value> = teams
        .iter()
        .map(|t| serde_json::to_value(t).unwrap())
        .collect();
    for wanted in expect["teams"].as_array().unwrap() {
        let found = teams
            .iter()
            .find(|t| t["name"] == wanted["name"])
            .unwrap_or_else(|| panic!("{idp}: no team {} in {teams:?}", wanted["name"]));
        assert_subset(wanted, found, idp);
    }
    for absent in expect["absent_teams"].as_array().into_iter().flatten() {
        assert!(
            !teams.iter().any(|t| &t["name"] == absent),
            "{idp}: {absent}"
        );
    }
    let audit = store
        .audit(
            server.org_id,
            &AuditFilter {
                limit: 1000,
                ..AuditFilter::default()
            },
        )
        .unwrap();
    for action in expect["audit"].as_array().unwrap() {
        assert!(
            audit
                .iter()
                .any(|e| e.action == action.as_str().unwrap() && e.actor == "scim"),
            "{idp}: no audit entry {action}"
        );
    }
}

fn replay_on_every_backend(idp: &str) {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        replay(&server, idp);
        check_store(&server, idp);
    }
}

#[test]
fn okta_lifecycle() {
    replay_on_every_backend("okta");
}

#[test]
fn entra_lifecycle() {
    replay_on_every_backend("entra");
}

#[test]
fn entra_before_2020_fix_lifecycle() {
    replay_on_every_backend("entra-2020");
}

#[test]
fn onelogin_lifecycle() {
    replay_on_every_backend("onelogin");
}

#[test]
fn jumpcloud_lifecycle() {
    replay_on_every_backend("jumpcloud");
}

#[test]
fn pingfederate_lifecycle() {
    replay_on_every_backend("pingfederate");
}

#[test]
fn pingone_lifecycle() {
    replay_on_every_backend("pingone");
}
