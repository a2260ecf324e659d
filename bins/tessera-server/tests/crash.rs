#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly
//! The outbox survives a crash (issue #11's proof): `tessera-server` is killed with
//! SIGKILL in the middle of a concurrent SCIM create burst and started again; every
//! user SCIM lists has its `user.created` event, the seqs have no gap, and the events
//! API answers what the database holds; a webhook receiver (verifying with the PyPI
//! `standardwebhooks` package) got every event at least once, de-duplicated by
//! `webhook-id`, the restarted server taking over the dead one's lease. On SQLite (a
//! file) and PostgreSQL.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tessera_core::{Clock, Email, OrgKind, Role, SystemClock, WorkspaceName};
use tessera_policy::{Actor, Command as PolicyCommand, InviteChannel};
use tessera_store::testing::TestDatabase;

const WRITERS: usize = 6;
/// Acknowledged creates before the kill: the burst is well under way.
const BEFORE_KILL: usize = 60;

/// A running server: the child process and its base URL.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(database_url: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_tessera-server"))
            .env("TESSERA_DATABASE_URL", database_url)
            .env("TESSERA_BIND", format!("127.0.0.1:{port}"))
            .env("TESSERA_PUBLIC_URL", &base)
            .env("TESSERA_DEMO_ORG", "false")
            .env("TESSERA_SCIM_RATE_LIMIT_PER_SECOND", "0")
            .env("TESSERA_WEBHOOKS_ALLOW_PRIVATE_URLS", "true")
            .env("TESSERA_WEBHOOKS_POLL_INTERVAL_MS", "50")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self { child, base };
        let http = reqwest::blocking::Client::new();
        for _ in 0..600 {
            let health = http.get(format!("{}/healthz", server.base)).send();
            if health.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("tessera-server did not answer /healthz");
    }

    /// SIGKILL: no graceful shutdown, no drain.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python receiver of `fixtures/webhooks/receiver.py`, verifying each delivery.
struct Receiver {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Receiver {
    fn start() -> Self {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/webhooks/receiver.py");
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port = line.trim().parse().unwrap();
        Self { child, dir, port }
    }

    /// The verified deliveries' `webhook-id`s (each delivery once, duplicates kept).
    fn received(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.dir.path().join("log.jsonl")).unwrap_or_default();
        log.lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .inspect(|line| assert_eq!(line["verified"], true, "{line}"))
            .map(|line| line["webhook_id"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An endpoint of the org for every event type, its secret handed to the receiver.
fn webhook(database: &TestDatabase, receiver: &Receiver) {
    let store = database.open();
    let org = store.org(&WorkspaceName::parse("crash").unwrap()).unwrap();
    let url = format!("http://127.0.0.1:{}/hook", receiver.port);
    let endpoint = tessera_service::webhooks::WebhookAdmin::new(&store)
        .add(org.id, &url, Vec::new(), SystemClock.now())
        .unwrap();
    std::fs::write(receiver.dir.path().join("secret"), endpoint.secret.expose()).unwrap();
}

/// An org SCIM may provision, its SCIM token and an admin API token.
fn org(database: &TestDatabase) -> (String, String) {
    let store = database.open();
    let now = SystemClock.now();
    let ws = WorkspaceName::parse("crash").unwrap();
    let org = store
        .create_org(&ws, OrgKind::Production, &Actor::Operator, now)
        .unwrap();
    store
        .set_sso_enabled(&ws, true, &Actor::Operator, now)
        .unwrap();
    let scim = store
        .issue_scim_token(org.id, &Actor::Operator, now)
        .unwrap();
    let admin = Email::parse("ops@crash.example").unwrap();
    let invite = PolicyCommand::InviteUser {
        by: Actor::Operator,
        email: admin.clone(),
        role: Role::AccountAdmin,
        given_name: None,
        family_name: None,
        channel: InviteChannel::Email,
    };
    store.execute(org.id, &invite, now).unwrap();
    let api = store
        .issue_admin_token(org.id, &admin, &Actor::Operator, now)
        .unwrap();
    (scim, api)
}

/// Creates users until the server stops answering; counts the acknowledged ones.
fn writer(base: String, token: String, writer: usize, acknowledged: Arc<AtomicUsize>) {
    let http = reqwest::blocking::Client::new();
    for i in 0.. {
        let name = format!("w{writer}n{i}@crash.example");
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": name,
            "emails": [{ "value": name, "primary": true }],
            "active": true,
        });
        let sent = http
            .post(format!("{base}/scim/v2/crash/Users"))
            .bearer_auth(&token)
            .json(&body)
            .send();
        match sent {
            Ok(answer) if answer.status() == 201 => {
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            Ok(answer) => panic!("create {name}: {}", answer.status()),
            Err(_) => return, // the server is gone
        }
    }
}

fn scim_users(base: &str, token: &str) -> BTreeSet<String> {
    let http = reqwest::blocking::Client::new();
    let mut names = BTreeSet::new();
    loop {
        let url = format!(
            "{base}/scim/v2/crash/Users?startIndex={}&count=100",
            names.len() + 1
        );
        let page: Value = http
            .get(url)
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let resources = page["Resources"].as_array().cloned().unwrap_or_default();
        if resources.is_empty() {
            return names;
        }
        for user in resources {
            names.insert(user["userName"].as_str().unwrap().to_owned());
        }
    }
}

fn api_events(base: &str, token: &str) -> Vec<Value> {
    let http = reqwest::blocking::Client::new();
    let mut events: Vec<Value> = Vec::new();
    loop {
        let after = events.last().map_or(0, |e| e["seq"].as_i64().unwrap());
        let url = format!("{base}/api/v1/orgs/crash/events?after={after}&limit=1000");
        let answer = http.get(url).bearer_auth(token).send().unwrap();
        assert_eq!(answer.status(), 200);
        let page: Value = answer.json().unwrap();
        let page = page["events"].as_array().cloned().unwrap();
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

fn crash_mid_burst(database: &TestDatabase) {
    let (scim, api) = org(database);
    let receiver = Receiver::start();
    webhook(database, &receiver);
    let server = Server::start(&database.url);
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (base, token, count) = (server.base.clone(), scim.clone(), acknowledged.clone());
            std::thread::spawn(move || writer(base, token, w, count))
        })
        .collect();
    while acknowledged.load(Ordering::SeqCst) < BEFORE_KILL {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    for writer in writers {
        writer.join().unwrap();
    }

    let server = Server::start(&database.url);
    let users = scim_users(&server.base, &scim);
    assert!(
        users.len() >= BEFORE_KILL,
        "every acknowledged create was kept"
    );
    let events = api_events(&server.base, &api);
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=events.len() as i64).collect::<Vec<_>>(),
        "no gap"
    );
    let created: BTreeSet<String> = events
        .iter()
        .filter(|e| e["type"] == "user.created" && e["source"] == "scim")
        .map(|e| e["data"]["user"]["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        created, users,
        "one user.created per user SCIM lists, no more"
    );
    let ids: BTreeSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");

    // At least once: the dead server's lease runs out and the new one delivers the rest.
    let mut delivered = BTreeSet::new();
    for _ in 0..1800 {
        delivered = receiver.received().into_iter().collect();
        if ids.iter().all(|id| delivered.contains(*id)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let wanted: BTreeSet<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    assert_eq!(
        delivered, wanted,
        "every event reached the receiver, de-duplicated by webhook-id"
    );

    let stored = database.open();
    let org = stored.org(&WorkspaceName::parse("crash").unwrap()).unwrap();
    let direct = tessera_service::Storage::events_after(&stored, org.id, 0, 1000, &[]).unwrap();
    assert_eq!(direct.len(), events.len().min(1000));
    assert_eq!(
        serde_json::to_value(&direct).unwrap(),
        json!(events[..direct.len()])
    );
}

#[test]
fn a_killed_server_loses_no_event_on_sqlite() {
    crash_mid_burst(&TestDatabase::sqlite().unwrap());
}

#[test]
fn a_killed_server_loses_no_event_on_postgres() {
    if let Some(database) = TestDatabase::postgres() {
        crash_mid_burst(&database);
    }
}
