use crate::support::{TestServer, client};
use tessera_core::{OrgKind, Role, WorkspaceName};
use tessera_http::{DEMO_ADMIN_EMAIL, DEMO_ORG};
use tessera_store::UserFilter;
use tessera_store::testing::TestDatabase;

fn metrics_text(server: &TestServer) -> String {
    client()
        .get(server.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap()
}

#[test]
fn healthz_readyz_and_metrics_answer() {
    for db in TestDatabase::all() {
        let server = TestServer::start(&db);
        let http = client();
        let health = http.get(server.url("/healthz")).send().unwrap();
        assert_eq!(health.status(), 200);
        assert_eq!(health.text().unwrap(), "ok\n");
        let ready = http.get(server.url("/readyz")).send().unwrap();
        assert_eq!(ready.status(), 200, "{:?}", db.backend);
        let metrics = metrics_text(&server);
        assert!(
            metrics.contains(
                r#"tessera_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
            ),
            "{metrics}"
        );
        assert!(metrics.contains(r#"route="/readyz""#));
    }
}

#[test]
fn unknown_paths_are_404_and_counted_without_their_raw_path() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start(&db);
    let http = client();
    let response = http.get(server.url("/no/such/page/12345")).send().unwrap();
    assert_eq!(response.status(), 404);
    let metrics = metrics_text(&server);
    assert!(
        metrics.contains(r#"route="unmatched",status="404""#),
        "{metrics}"
    );
    assert!(!metrics.contains("12345"));
}

#[test]
fn made_up_methods_and_random_paths_leave_metrics_small() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start(&db);
    let http = client();
    for i in 0..300 {
        let method = reqwest::Method::from_bytes(format!("M{i}X").as_bytes()).unwrap();
        let response = http
            .request(method, server.url(&format!("/random/{i}/path-{i}")))
            .send()
            .unwrap();
        assert!(response.status().is_client_error());
    }
    let metrics = metrics_text(&server);
    let series = metrics.lines().filter(|l| !l.starts_with('#')).count();
    assert!(
        series < 40 && metrics.len() < 8 * 1024,
        "{series} series:\n{metrics}"
    );
    assert!(
        metrics.contains(
            r#"tessera_http_requests_total{method="other",route="unmatched",status="404"} 300"#
        ),
        "{metrics}"
    );
    assert!(!metrics.contains("M1X") && !metrics.contains("path-"));
}

#[test]
fn oversized_bodies_get_413_before_they_are_read() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start(&db);
    let body = vec![b'x'; 64 * 1024 + 1];
    let response = client()
        .post(server.url("/healthz"))
        .body(body)
        .send()
        .unwrap();
    assert_eq!(response.status(), 413);
    let error: serde_json::Value = response.json().unwrap();
    assert_eq!(
        error["error"]["message"],
        "the request body is larger than the 65536-byte limit"
    );
    assert_eq!(error["error"]["status"], 413);
}

#[test]
fn an_empty_database_gets_the_demo_org_once() {
    for db in TestDatabase::all() {
        {
            let server = TestServer::start(&db);
            let demo = server
                .store
                .org(&WorkspaceName::parse(DEMO_ORG).unwrap())
                .unwrap();
            assert_eq!(demo.kind, OrgKind::Production);
            assert!(demo.sso_enabled, "the demo org can try SSO at once");
            let users = server.store.users(demo.id, &UserFilter::default()).unwrap();
            assert_eq!(users.len(), 1);
            assert_eq!(users[0].email.as_str(), DEMO_ADMIN_EMAIL);
            assert_eq!(users[0].role, Role::AccountAdmin);
        }
        // A restart keeps the data and does not create a second demo org or admin.
        let server = TestServer::start(&db);
        let orgs = server.store.list_orgs().unwrap();
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0].users, 1);
    }
}

#[test]
fn the_demo_org_can_be_switched_off() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |config| config.demo_org = false);
    assert!(server.store.list_orgs().unwrap().is_empty());
}

#[test]
fn two_servers_on_one_database_both_serve_the_same_data() {
    for db in TestDatabase::all() {
        let first = TestServer::start(&db);
        let second = TestServer::start(&db);
        for server in [&first, &second] {
            assert_eq!(
                client().get(server.url("/readyz")).send().unwrap().status(),
                200
            );
        }
        assert_eq!(
            second.store.list_orgs().unwrap().len(),
            1,
            "one demo org between them"
        );
    }
}
