//! The embedding example (`tessera-service`'s `axum_scim`, the SCIM service on axum over
//! the in-memory backend) answers every recorded IdP lifecycle exactly as
//! `tessera-server` does: same statuses, bodies, `ETag`s and `Location`s, once the
//! values that differ by nature (generated ids, timestamps, the host) are named
//! canonically. Also: its 413 and 401 are the server's.
// covers U1, U2, U5, U6, T2, T3, T7, T8, S2, S3, S4 (through the replays)

use crate::scim_support::ScimServer;
use reqwest::Method;
use reqwest::blocking::Client;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tessera_store::testing::TestDatabase;

const IDPS: [&str; 7] = [
    "okta",
    "entra",
    "entra-2020",
    "onelogin",
    "jumpcloud",
    "pingfederate",
    "pingone",
];
const TOKEN: &str = "embedded-example-token";

/// Builds the example (cargo reports where the executable is).
fn example_binary() -> PathBuf {
    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "tessera-service",
            "--example",
            "axum_scim",
        ])
        .args(["--message-format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the example's executable")
}

/// The example, serving one org `acme` with [`TOKEN`], and its root URL.
struct Example {
    child: Child,
    root: String,
}

impl Example {
    /// Started with `tessera-server`'s default public URL, as the test servers are.
    fn start(binary: &PathBuf) -> Self {
        let public_url = tessera_http::Config::default().public_url;
        let mut child = Command::new(binary)
            .args(["--bind", "127.0.0.1:0", "--org", &format!("acme={TOKEN}")])
            .args(["--public-url", &public_url])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the example starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let root = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        Self { child, root }
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One answer, with what differs by nature named canonically.
#[derive(Debug, PartialEq)]
struct Step {
    name: String,
    status: u16,
    etag: Option<String>,
    location: Option<String>,
    body: Value,
}

/// Names generated ids `id-1`, `id-2`, … in order of appearance.
#[derive(Default)]
struct Canon {
    ids: HashMap<String, String>,
}

impl Canon {
    fn text(&mut self, text: &str) -> String {
        let mut text = text.to_owned();
        let uuids: Vec<String> = text
            .char_indices()
            .filter_map(|(i, _)| text.get(i..i + 36))
            .filter(|s| is_uuid(s))
            .map(str::to_owned)
            .collect();
        for uuid in uuids {
            let next = format!("id-{}", self.ids.len() + 1);
            let name = self.ids.entry(uuid.clone()).or_insert(next).clone();
            text = text.replace(&uuid, &name);
        }
        text
    }

    fn value(&mut self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.text(text)),
            // Lists are in SCIM id order, and SCIM ids are random: compare as sets.
            Value::Array(items) => {
                let mut items: Vec<Value> = items.iter().map(|v| self.value(v)).collect();
                items.sort_by_key(Value::to_string);
                Value::Array(items)
            }
            Value::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, v)| match key.as_str() {
                        "created" | "lastModified" => (key.clone(), Value::from("TIME")),
                        _ => (key.clone(), self.value(v)),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn substitute(text: &str, saved: &HashMap<String, String>) -> String {
    saved.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("${{{name}}}"), value)
    })
}

/// Replays `idp`'s lifecycle against the server at `root`.
fn replay(idp: &str, root: &str, token: &str) -> Vec<Step> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scim")
        .join(idp)
        .join("lifecycle.jsonl");
    let lines = std::fs::read_to_string(file).unwrap();
    let http = Client::new();
    let mut saved = HashMap::new();
    let mut canon = Canon::default();
    let mut steps = Vec::new();
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let step: Value = serde_json::from_str(line).unwrap();
        let method = Method::from_bytes(step["method"].as_str().unwrap().as_bytes()).unwrap();
        let path = substitute(step["path"].as_str().unwrap(), &saved);
        let mut request = http
            .request(method, format!("{root}/scim/v2/acme{path}"))
            .bearer_auth(token);
        for (header, value) in step["headers"].as_object().into_iter().flatten() {
            request = request.header(header.as_str(), value.as_str().unwrap());
        }
        if let Some(body) = step.get("body") {
            request = request.body(substitute(&body.to_string(), &saved));
        }
        let response = request.send().unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let (etag, location) = (header("etag"), header("location"));
        let status = response.status().as_u16();
        let body: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap_or(Value::Null);
        for (variable, pointer) in step["save"].as_object().into_iter().flatten() {
            let value = body.pointer(pointer.as_str().unwrap()).unwrap();
            saved.insert(variable.clone(), value.as_str().unwrap().to_owned());
        }
        steps.push(Step {
            name: step["name"].as_str().unwrap().to_owned(),
            status,
            etag,
            location: location.map(|l| canon.text(&l)),
            body: canon.value(&body),
        });
    }
    steps
}

#[test]
fn the_axum_example_answers_every_idp_lifecycle_as_the_server_does() {
    let binary = example_binary();
    for idp in IDPS {
        let db = TestDatabase::sqlite().unwrap();
        let server = ScimServer::start(&db);
        let served = replay(idp, &server.server.url(""), &server.token);
        let example = Example::start(&binary);
        let embedded = replay(idp, &example.root, TOKEN);
        assert_eq!(served.len(), embedded.len());
        for (ours, theirs) in served.iter().zip(&embedded) {
            assert_eq!(ours, theirs, "{idp}: {}", ours.name);
        }
        server.store().ping().unwrap();
    }
}

#[test]
fn the_axum_example_refuses_as_the_server_does() {
    let example = Example::start(&example_binary());
    let db = TestDatabase::sqlite().unwrap();
    let server = ScimServer::start_with(&db, |config| config.body_limit_bytes = 1024 * 1024);
    let http = Client::new();
    let oversized = vec![b' '; 1024 * 1024 + 1];
    for root in [server.server.url(""), example.root.clone()] {
        let users = format!("{root}/scim/v2/acme/Users");
        let unauthenticated = http.get(&users).send().unwrap();
        assert_eq!(unauthenticated.status(), 401);
        assert!(unauthenticated.headers().contains_key("www-authenticate"));
        let too_large = http
            .post(&users)
            .bearer_auth(if root == example.root {
                TOKEN
            } else {
                &server.token
            })
            .body(oversized.clone())
            .send()
            .unwrap();
        assert_eq!(too_large.status(), 413, "{root}");
        let body: Value = too_large.json().unwrap();
        assert_eq!(body["status"], "413", "{root}: a SCIM Error body");
        let unknown = http
            .get(format!("{root}/scim/v2/acme/Bulk"))
            .send()
            .unwrap();
        assert_eq!(unknown.status(), 404, "{root}");
    }
}
