//! Signed webhooks end to end: a real server delivers SCIM's events to a receiver that
//! verifies each with the PyPI `standardwebhooks` package; retries, timeouts, dead
//! letters and replay with the server's test clock; the SSRF guard; two servers on
//! one PostgreSQL.

use crate::api::org_with_admin;
use crate::scim_support::{ScimServer, user};
use crate::support::{TestServer, client};
use chrono::Duration;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tessera_core::{Clock, OrgId};
use tessera_service::Storage;
use tessera_service::events::EventType;
use tessera_service::webhooks::{WebhookAdmin, WebhookEndpoint};
use tessera_store::Store;
use tessera_store::testing::TestDatabase;

/// The Python receiver (fixtures/webhooks/receiver.py) as a child process.
struct Receiver {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Receiver {
    fn start() -> Self {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/webhooks/receiver.py");
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs (scripts/setup.sh installs standardwebhooks)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the receiver prints its port");
        Self { child, dir, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn set(&self, name: &str, value: &str) {
        std::fs::write(self.dir.path().join(name), value).unwrap();
    }

    fn log(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// The log once `done` holds (within a minute).
    fn wait(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        eventually(what, || {
            let log = self.log();
            done(&log).then_some(log)
        })
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..600 {
        if let Some(value) = probe() {
            return value;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("gave up waiting: {what}");
}

fn fast_delivery(config: &mut tessera_http::Config) {
    config.webhooks_allow_private_urls = true;
    config.webhooks_poll_interval_ms = 50;
    config.webhooks_request_timeout_ms = 1000;
}

/// An operator's endpoint (the CLI's path: any URL) for `user.created` events, with
/// the receiver given its secret.
fn endpoint(store: &Store, org: OrgId, receiver: &Receiver) -> WebhookEndpoint {
    let endpoint = WebhookAdmin::new(store)
        .add(
            org,
            &receiver.url(),
            vec![EventType::UserCreated],
            crate::support::t0(),
        )
        .unwrap();
    receiver.set("secret", endpoint.secret.expose());
    endpoint
}

fn seqs(log: &[Value]) -> Vec<i64> {
    log.iter()
        .map(|line| line["seq"].as_i64().unwrap())
        .collect()
}

#[test]
fn deliveries_are_signed_for_standardwebhooks_and_arrive_in_seq_order() {
    for db in TestDatabase::all() {
        let scim = ScimServer::start_with(&db, fast_delivery);
        let receiver = Receiver::start();
        endpoint(scim.store(), scim.org_id, &receiver);
        let client = scim.client();
        for n in 0..5 {
            assert_eq!(
                client
                    .post("/Users", &user(&format!("u{n}@acme.example")))
                    .status,
                201
            );
        }
        let log = receiver.wait("five deliveries", |log| log.len() >= 5);
        assert!(
            log.iter().all(|line| line["verified"] == true),
            "standardwebhooks verified each: {log:?}"
        );
        assert!(
            log.iter().all(|line| line["webhook_id"] == line["id"]),
            "webhook-id is the event id"
        );
        assert!(
            log.iter().all(|line| line["type"] == "user.created"),
            "only the wanted type"
        );
        let seqs = seqs(&log);
        assert!(
            seqs.windows(2).all(|pair| pair[0] < pair[1]),
            "in seq order: {seqs:?}"
        );
    }
}

#[test]
fn an_unhealthy_receiver_gets_retries_in_order_then_a_dead_letter_and_a_replay() {
    for db in TestDatabase::all() {
        let scim = ScimServer::start_with(&db, fast_delivery);
        let clock = scim.server.clock.clone();
        let receiver = Receiver::start();
        let hook = endpoint(scim.store(), scim.org_id, &receiver);
        let admin = WebhookAdmin::new(scim.store());
        let client = scim.client();
        // The attempt is recorded (and its backoff set) before the clock moves on.
        let recorded = |n: usize| {
            eventually("the attempt recorded", || {
                let attempts = admin.attempts(scim.org_id, &hook.id, 100).unwrap();
                (attempts.len() >= n).then_some(attempts)
            })
        };
        receiver.set("mode", "500");
        client.post("/Users", &user("first@acme.example"));
        client.post("/Users", &user("second@acme.example"));
        let log = receiver.wait("the first attempt", |log| !log.is_empty());
        let first = log[0]["seq"].as_i64().unwrap();
        recorded(1);
        clock.advance(Duration::seconds(10));
        receiver.wait("a retry after the backoff", |log| log.len() >= 2);
        recorded(2);
        receiver.set("mode", "timeout");
        clock.advance(Duration::seconds(30));
        receiver.wait("a third attempt", |log| log.len() >= 3);
        recorded(3);
        receiver.set("mode", "ok");
        clock.advance(Duration::minutes(2));
        let log = receiver.wait("both delivered", |log| {
            log.iter().filter(|l| l["mode"] == "ok").count() >= 2
        });
        assert!(
            log[..3].iter().all(|line| line["seq"] == first),
            "the head is retried alone: {log:?}"
        );
        let delivered: Vec<i64> = seqs(&log[3..]);
        assert_eq!(delivered.len(), 2);
        assert!(
            delivered[0] == first && delivered[1] > first,
            "in order after recovery: {delivered:?}"
        );
        let attempts = admin.attempts(scim.org_id, &hook.id, 10).unwrap();
        let mut outcomes: Vec<String> = attempts
            .iter()
            .rev()
            .map(|a| {
                a.status
                    .map_or_else(|| a.error.clone().unwrap(), |s| s.to_string())
            })
            .collect();
        outcomes.truncate(4);
        assert_eq!(outcomes[..2], ["500".to_owned(), "500".to_owned()]);
        assert!(outcomes[2].starts_with("timed out"), "{outcomes:?}");
        assert_eq!(outcomes[3], "200");

        // Past the 72-hour window the head is dead-lettered and the endpoint moves on.
        receiver.set("mode", "500");
        client.post("/Users", &user("third@acme.example"));
        let third = receiver.wait("the third user's attempt", |log| log.len() >= 6)[5]["seq"]
            .as_i64()
            .unwrap();
        clock.advance(Duration::hours(73));
        let dead = eventually("a dead letter", || {
            let dead = admin.dead_letters(scim.org_id, &hook.id, 10).unwrap();
            (!dead.is_empty()).then_some(dead)
        });
        assert_eq!(dead[0].seq, third);
        let cursor = || admin.get(scim.org_id, &hook.id).unwrap().state.cursor;
        assert!(cursor() >= third, "moved on past the dead letter");
        let last = scim.store().last_event_seq(scim.org_id).unwrap();
        eventually("the cursor past the events of other types after it", || {
            (cursor() == last).then_some(())
        });
        receiver.set("mode", "ok");
        let before = receiver.log().len();
        admin
            .replay(scim.org_id, &hook.id, third, clock.now())
            .unwrap();
        let log = receiver.wait("the replayed event", |log| log.len() > before);
        assert_eq!(log[before]["seq"], third, "replay delivers the dead letter");
        assert_eq!(log[before]["verified"], true);
    }
}

#[test]
fn account_admins_cannot_aim_webhooks_at_private_addresses() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |config| config.demo_org = false);
    let (_, token) = org_with_admin(&server.store, "acme");
    let http = client();
    let add = |url: &str| {
        http.post(server.url("/api/v1/orgs/acme/webhooks"))
            .bearer_auth(&token)
            .json(&json!({ "url": url }))
            .send()
            .unwrap()
    };
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost:9/hook",
    ] {
        let answer = add(url);
        assert_eq!(answer.status(), 422, "{url}");
        let body: Value = answer.json().unwrap();
        assert!(
            body.to_string().contains("not a public address"),
            "{url}: {body}"
        );
    }
    assert_eq!(
        add("ftp://example.com/hook").status(),
        400,
        "https or http only"
    );
    let listed: Value = http
        .get(server.url("/api/v1/orgs/acme/webhooks"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(listed["webhooks"], json!([]), "nothing was written");
}

#[test]
fn delivery_refuses_a_private_address_the_operator_added() {
    let db = TestDatabase::sqlite().unwrap();
    let scim = ScimServer::start_with(&db, |config| {
        fast_delivery(config);
        config.webhooks_allow_private_urls = false;
    });
    let receiver = Receiver::start();
    let hook = endpoint(scim.store(), scim.org_id, &receiver);
    scim.client().post("/Users", &user("ada@acme.example"));
    let attempts = eventually("a refused attempt", || {
        let attempts = WebhookAdmin::new(scim.store())
            .attempts(scim.org_id, &hook.id, 10)
            .unwrap();
        (!attempts.is_empty()).then_some(attempts)
    });
    assert!(
        attempts[0]
            .error
            .as_deref()
            .unwrap()
            .contains("not a public address"),
        "{attempts:?}"
    );
    assert!(receiver.log().is_empty(), "the receiver got nothing");
}

#[test]
fn the_admin_api_manages_endpoints_when_private_urls_are_allowed() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |config| {
        config.demo_org = false;
        config.webhooks_allow_private_urls = true;
    });
    let (_, token) = org_with_admin(&server.store, "acme");
    let http = client();
    let url = |path: &str| server.url(&format!("/api/v1/orgs/acme/webhooks{path}"));
    let added: Value = http
        .post(url(""))
        .bearer_auth(&token)
        .json(&json!({ "url": "http://127.0.0.1:9/hook", "types": ["user.created"] }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        added["secret"].as_str().unwrap().starts_with("whsec_"),
        "{added}"
    );
    let id = added["id"].as_str().unwrap();
    let shown: Value = http
        .get(url(&format!("/{id}")))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(shown["types"], json!(["user.created"]));
    assert!(shown.get("secret").is_none(), "the secret is shown once");
    let replay = http
        .post(url(&format!("/{id}/replay")))
        .bearer_auth(&token)
        .json(&json!({ "from_seq": 1 }))
        .send()
        .unwrap();
    assert_eq!(replay.status(), 202);
    let attempts = http
        .get(url(&format!("/{id}/attempts")))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(attempts.status(), 200);
    assert_eq!(
        http.delete(url(&format!("/{id}")))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        http.delete(url(&format!("/{id}")))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status(),
        404
    );
}

#[test]
fn two_servers_on_one_postgres_deliver_each_event_once() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let scim = ScimServer::start_with(&db, fast_delivery);
    let _second = TestServer::start_with(&db, |config| {
        fast_delivery(config);
        config.demo_org = false;
    });
    let receiver = Receiver::start();
    endpoint(scim.store(), scim.org_id, &receiver);
    let client = scim.client();
    for n in 0..20 {
        assert_eq!(
            client
                .post("/Users", &user(&format!("p{n}@acme.example")))
                .status,
            201
        );
    }
    let log = receiver.wait("twenty deliveries", |log| log.len() >= 20);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = if receiver.log().len() > log.len() {
        receiver.log()
    } else {
        log
    };
    let mut ids: Vec<&str> = log
        .iter()
        .map(|line| line["webhook_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        log.len(),
        "no event was delivered twice: {log:?}"
    );
    let seqs = seqs(&log);
    assert!(
        seqs.windows(2).all(|pair| pair[0] < pair[1]),
        "in order across servers: {seqs:?}"
    );
}
