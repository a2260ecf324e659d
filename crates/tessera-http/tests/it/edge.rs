//! The HTTP edge under hostile input: uploads are refused before their body is read,
//! forms with too many parts or a pathological boundary get a clear 400, chunked bodies
//! over the limit get 413 on every route that reads a body, and a cross-site GET of the
//! mapping sheet changes nothing.

use crate::support::{TestServer, client, enabled_org, new_user, t0};
use reqwest::blocking::{Body, RequestBuilder};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use tessera_core::{ConnectionMode, Email, OrgId, Role};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, SessionKind, Store};

const CSRF: &str = "csrf-test-token";

/// An enabled production org `acme` in scim mode, and a web session each for its
/// account admin and a viewer.
struct Acme {
    org: OrgId,
    admin: String,
    viewer: String,
}

fn seed(store: &Store) -> Acme {
    let org = enabled_org(store, "acme");
    let session = |email: &str, role| {
        let user = store
            .create_user(org.id, &new_user(email, role), &Actor::operator(), t0())
            .unwrap();
        let ttl = chrono::Duration::days(1);
        store
            .create_session(org.id, user.id, SessionKind::Web, ttl, t0())
            .unwrap()
    };
    let admin = session("admin@acme.example", Role::AccountAdmin);
    let viewer = session("viewer@acme.example", Role::Viewer);
    let by = tessera_policy::Actor::Operator;
    store
        .set_connection_mode(org.id, ConnectionMode::Scim, by, t0())
        .unwrap();
    Acme {
        org: org.id,
        admin,
        viewer,
    }
}

fn cookies(session: &str) -> String {
    format!("tessera_session={session}; tessera_csrf={CSRF}")
}

/// Sends a chunked POST whose body never ends: only `first_chunk` is sent. Returns the
/// status line of the answer, which the server must give without the rest of the body.
fn post_unfinished(server: &TestServer, path: &str, headers: &str, first_chunk: &[u8]) -> String {
    let mut tcp = TcpStream::connect(server.addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n{headers}\r\n",
        server.addr
    );
    tcp.write_all(head.as_bytes()).unwrap();
    tcp.write_all(format!("{:x}\r\n", first_chunk.len()).as_bytes())
        .unwrap();
    tcp.write_all(first_chunk).unwrap();
    tcp.write_all(b"\r\n").unwrap();
    let mut answer = [0u8; 12];
    tcp.read_exact(&mut answer)
        .expect("an answer before the body is complete");
    String::from_utf8_lossy(&answer).into_owned()
}

/// A multipart body of `parts` (name, file name, content) with `boundary`, closed or not.
fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &[u8])], close: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        let file = file_name
            .map(|f| format!("; filename=\"{f}\""))
            .unwrap_or_default();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    if close {
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    }
    body
}

fn page_upload(
    server: &TestServer,
    session: &str,
    boundary: &str,
    body: Vec<u8>,
) -> RequestBuilder {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(server.url("/admin/connect/upload"))
        .header("Cookie", cookies(session))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
}

fn message(response: reqwest::blocking::Response) -> String {
    response.text().unwrap()
}

// covers C2, M2
#[test]
fn an_upload_is_refused_before_its_body_is_read() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = seed(&server.store);
    // A boundary-like pattern the old parser rescanned for every byte.
    let boundary = "b".repeat(60);
    let pathological = format!("\r\n--{}", &boundary[..59]).repeat(100);
    let content_type = format!("Content-Type: multipart/form-data; boundary={boundary}\r\n");
    let cases = [
        ("anonymous", content_type.clone(), "401"),
        (
            "viewer",
            format!("{content_type}Cookie: {}\r\n", cookies(&acme.viewer)),
            "403",
        ),
        (
            "admin without the CSRF cookie",
            format!("{content_type}Cookie: tessera_session={}\r\n", acme.admin),
            "403",
        ),
        (
            "admin, from another site",
            format!(
                "{content_type}Cookie: {}\r\nSec-Fetch-Site: cross-site\r\n",
                cookies(&acme.admin)
            ),
            "403",
        ),
        (
            "admin with a forged token (only its first part is read)",
            format!("{content_type}Cookie: {}\r\n", cookies(&acme.admin)),
            "403",
        ),
    ];
    for (who, headers, status) in cases {
        let parts = [
            ("csrf", None, &b"forged"[..]),
            (
                "file",
                Some("user-mapping-acme.xlsx"),
                pathological.as_bytes(),
            ),
        ];
        let first = multipart(&boundary, &parts, false);
        let answer = post_unfinished(&server, "/admin/connect/upload", &headers, &first);
        assert!(answer.ends_with(status), "{who}: {answer}");
    }
    let api = format!("{content_type}Authorization: Bearer tsr_adm_not-a-token\r\n");
    let answer = post_unfinished(&server, "/api/v1/orgs/acme/mapping-sheet", &api, b"x");
    assert!(answer.ends_with("401"), "{answer}");
    let step = server.store.walkthrough(acme.org).unwrap().step;
    assert_eq!(step.as_str(), "enabled", "nothing changed");
}

// covers M1, M2, M3
#[test]
fn the_page_upload_reads_one_csrf_field_and_one_file_and_refuses_odd_forms() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = seed(&server.store);
        let sheet = server
            .store
            .export_mapping(acme.org, tessera_policy::Actor::Operator, t0())
            .unwrap();
        let file = Some(sheet.file_name.as_str());
        let boundary = "----tessera-edge-boundary";

        let many = [("csrf", None, CSRF.as_bytes()); 6];
        let response = page_upload(
            &server,
            &acme.admin,
            boundary,
            multipart(boundary, &many, true),
        )
        .send()
        .unwrap();
        assert_eq!(response.status(), 400);
        assert!(message(response).contains("more than 4 parts"));

        let long = "x".repeat(71);
        let body = multipart(&long, &[("csrf", None, CSRF.as_bytes())], true);
        let response = page_upload(&server, &acme.admin, &long, body)
            .send()
            .unwrap();
        assert_eq!(response.status(), 400);
        assert!(message(response).contains("longer than 70"));

        // A file part full of near-boundaries that never closes.
        let near = format!("\r\n--{}", &boundary[..boundary.len() - 1]).repeat(1000);
        let parts = [
            ("csrf", None, CSRF.as_bytes()),
            ("file", file, near.as_bytes()),
        ];
        let mut body = multipart(boundary, &parts, false);
        body.truncate(body.len() - 2);
        let response = page_upload(&server, &acme.admin, boundary, body)
            .send()
            .unwrap();
        assert_eq!(response.status(), 400);
        assert!(message(response).contains("malformed"));

        let two = [
            ("csrf", None, CSRF.as_bytes()),
            ("file", file, &sheet.bytes[..]),
            ("file", file, &sheet.bytes[..]),
        ];
        let body = multipart(boundary, &two, true);
        let response = page_upload(&server, &acme.admin, boundary, body)
            .send()
            .unwrap();
        assert_eq!(response.status(), 400);
        assert!(message(response).contains("one file at a time"));
        let step = server.store.walkthrough(acme.org).unwrap().step;
        assert_eq!(step.as_str(), "mapping_downloaded", "nothing applied");

        let good = [
            ("csrf", None, CSRF.as_bytes()),
            ("file", file, &sheet.bytes[..]),
        ];
        let body = multipart(boundary, &good, true);
        let response = page_upload(&server, &acme.admin, boundary, body)
            .send()
            .unwrap();
        assert_eq!(response.status(), 303, "{:?}", db.backend);
        let step = server.store.walkthrough(acme.org).unwrap().step;
        assert_eq!(step.as_str(), "mapping_uploaded");
    }
}

/// A body of `size` bytes sent chunked (no `Content-Length`).
fn chunked(size: usize) -> Body {
    Body::new(std::io::Cursor::new(vec![b'{'; size]))
}

#[test]
fn chunked_bodies_over_the_limit_get_413_on_every_route_that_reads_one() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = seed(&server.store);
    let scim = server
        .store
        .issue_scim_token(acme.org, &Actor::operator(), t0())
        .unwrap();
    let admin_token = server
        .store
        .issue_admin_token(
            acme.org,
            &Email::parse("admin@acme.example").unwrap(),
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    let http = client();
    let over = 64 * 1024 + 1;
    let multipart = "multipart/form-data; boundary=XyZ";
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    let requests = [
        ("JSON API", "/api/v1/orgs/acme/teams", json, &admin_token),
        (
            "raw upload",
            "/api/v1/orgs/acme/mapping-sheet?file_name=a.xlsx",
            "application/octet-stream",
            &admin_token,
        ),
        (
            "multipart upload",
            "/api/v1/orgs/acme/mapping-sheet",
            multipart,
            &admin_token,
        ),
        ("login form", "/login", form, &String::new()),
        (
            "SCIM",
            "/scim/v2/acme/Users",
            "application/scim+json",
            &scim,
        ),
    ];
    let admin_form = http
        .post(server.url("/admin/connect/mode"))
        .header("Cookie", cookies(&acme.admin))
        .header("Content-Type", form);
    let requests = requests
        .into_iter()
        .map(|(route, path, content_type, token)| {
            let request = http
                .post(server.url(path))
                .header("Content-Type", content_type);
            (
                route,
                if token.is_empty() {
                    request
                } else {
                    request.bearer_auth(token)
                },
            )
        })
        .chain([("admin page form", admin_form)]);
    for (route, request) in requests {
        let response = request.body(chunked(over)).send().unwrap();
        assert_eq!(response.status(), 413, "{route}");
    }
    let step = server.store.walkthrough(acme.org).unwrap().step;
    assert_eq!(step.as_str(), "enabled");
}

// covers M1, C2
#[test]
fn a_cross_site_get_of_the_mapping_sheet_changes_nothing() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = seed(&server.store);
        let get = |site: Option<&str>| {
            let request = client()
                .get(server.url("/api/v1/orgs/acme/mapping-sheet"))
                .header("Cookie", format!("tessera_session={}", acme.admin));
            match site {
                Some(site) => request.header("Sec-Fetch-Site", site),
                None => request,
            }
            .send()
            .unwrap()
        };
        for site in [Some("cross-site"), Some("same-site"), None] {
            assert_eq!(get(site).status(), 403, "{site:?}");
            let step = server.store.walkthrough(acme.org).unwrap().step;
            assert_eq!(step.as_str(), "enabled", "{site:?} {:?}", db.backend);
        }
        let audit = server.store.audit(acme.org, &Default::default()).unwrap();
        assert!(!audit.iter().any(|e| e.action == "mapping.downloaded"));
        assert_eq!(get(Some("same-origin")).status(), 200);
        let step = server.store.walkthrough(acme.org).unwrap().step;
        assert_eq!(step.as_str(), "mapping_downloaded");
    }
}

#[test]
fn a_client_that_never_finishes_its_headers_is_dropped() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start(&db);
    let mut tcp = TcpStream::connect(server.addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let started = std::time::Instant::now();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer)
        .expect("the server closes the connection");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(15));
}
