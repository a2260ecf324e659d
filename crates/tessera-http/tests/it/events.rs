//! The events API on SQLite and PostgreSQL: the stream in seq order after a cursor
//! and by type, users shown as the users API shows them, clear refusals of bad
//! parameters, and expiry warnings announced by the server's housekeeping.

use crate::api::org_with_admin;
use crate::saml::connected_with;
use crate::support::{TestServer, client, t0};
use chrono::Duration;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use std::sync::Arc;
use tessera_core::{ConnectionMode, Email, FixedClock};
use tessera_service::connect::ConnectService;
use tessera_store::Actor;
use tessera_store::testing::TestDatabase;

struct Events {
    server: TestServer,
    http: Client,
    token: String,
}

impl Events {
    /// A server with the org `acme` and an admin token for it.
    fn start(db: &TestDatabase) -> Self {
        let server = TestServer::start_with(db, |config| config.demo_org = false);
        let (_, token) = org_with_admin(&server.store, "acme");
        Self {
            server,
            http: client(),
            token,
        }
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let url = self.server.url(&format!("/api/v1/orgs/acme{path}"));
        let answer = self.http.get(url).bearer_auth(&self.token).send().unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().unwrap_or(Value::Null))
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = self.server.url(&format!("/api/v1/orgs/acme{path}"));
        let answer = self.http.post(url).bearer_auth(&self.token).json(&body);
        let answer = answer.send().unwrap();
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().unwrap()
    }

    fn events(&self, query: &str) -> Vec<Value> {
        let (status, body) = self.get(&format!("/events{query}"));
        assert_eq!(status, 200, "{body}");
        body["events"].as_array().unwrap().clone()
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[test]
fn the_stream_is_read_after_a_cursor_and_by_type() {
    for db in TestDatabase::all() {
        let api = Events::start(&db);
        let invited = api.post(
            "/users",
            json!({ "email": "kim@acme.example", "role": "viewer" }),
        );
        let id = invited["id"].as_str().unwrap();
        let (_, shown) = api.get(&format!("/users/{id}"));

        let events = api.events("");
        let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=events.len() as i64).collect::<Vec<_>>());
        let created = &events[0];
        assert_eq!(created["type"], "user.created");
        assert_eq!(created["source"], "admin");
        assert_eq!(
            created["data"]["user"], shown,
            "the user as the users API shows it"
        );
        assert!(types(&events).contains(&"invitation.created"), "{events:?}");
        let occurred = created["occurred_at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(occurred).is_ok(),
            "{occurred}"
        );

        api.post(&format!("/users/{id}/deactivate"), json!({}));
        let last = events.last().unwrap()["seq"].as_i64().unwrap();
        let newer = api.events(&format!("?after={last}"));
        assert_eq!(types(&newer), ["user.deactivated"]);
        assert_eq!(newer[0]["data"]["previous"]["status"], "pending");
        assert_eq!(newer[0]["seq"], last + 1);

        let one = api.events("?after=1&limit=1");
        assert_eq!(one.len(), 1);
        assert_eq!(one[0]["seq"], 2);
        let filtered = api.events("?types=user.deactivated,user.created");
        assert_eq!(types(&filtered), ["user.created", "user.deactivated"]);
    }
}

#[test]
fn bad_parameters_are_refused_with_what_is_wrong() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Events::start(&db);
    let (status, body) = api.get("/events?types=user.created,user.exploded,nope");
    assert_eq!(status, 400);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("user.exploded, nope"), "{message}");
    assert!(
        message.contains("membership.added"),
        "lists the known types: {message}"
    );
    for (query, names) in [
        ("?after=-1", "after"),
        ("?limit=0", "limit"),
        ("?limit=1001", "limit"),
        ("?after=soon", "after"),
        ("?limit=ten", "limit"),
    ] {
        let (status, body) = api.get(&format!("/events{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(names), "{query}: {message}");
    }
    let anonymous = api.http.get(api.server.url("/api/v1/orgs/acme/events"));
    assert_eq!(anonymous.send().unwrap().status(), 401);
}

/// The server's housekeeping (hourly, and once at start) announces an IdP certificate
/// that expires within 7 days as one `expiry.warning` event in the events API.
#[test]
fn an_idp_certificate_near_its_expiry_becomes_an_expiry_warning_event() {
    for db in TestDatabase::all() {
        let store = db.open();
        let okta = include_str!("../../../../fixtures/saml/idp-metadata/okta.xml");
        let org = connected_with(&store, "acme", ConnectionMode::Jit, okta);
        let boss = Email::parse("boss@acme.example").unwrap();
        let token = store
            .issue_admin_token(org, &boss, &Actor::operator(), t0())
            .unwrap();
        let expires = ConnectService::new(&store).idp(org).unwrap().certificates[0].not_after;
        let clock = Arc::new(FixedClock::new(expires - Duration::days(3)));
        let server = TestServer::start_with_clock(&db, clock, |c| c.demo_org = false);
        let api = Events {
            server,
            http: client(),
            token,
        };
        let mut warnings = Vec::new();
        for _ in 0..100 {
            warnings = api.events("?types=expiry.warning");
            if !warnings.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(warnings.len(), 1, "{:?}: {warnings:?}", db.backend);
        let warning = &warnings[0];
        assert_eq!(warning["source"], "system");
        assert_eq!(warning["data"]["within_days"], 7);
        assert_eq!(warning["data"]["item"]["kind"], "idp_certificate");
        assert!(
            warning["data"]["message"]
                .as_str()
                .unwrap()
                .contains("add the IdP's new certificate, then remove this one"),
            "{warning}"
        );
    }
}
