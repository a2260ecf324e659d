//! What keeps one tenant or an anonymous client from taking the SCIM server down or
//! past a gate (issue 9): the operator's SSO switch (W3), the per-org rate limit, the
//! bounded filter scan on a large org, and 4xx (never 5xx) for client mistakes.
// covers W3

use crate::scim_support::{ScimServer, WS, answer, make_org, user};
use crate::support::t0;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use tessera_core::WorkspaceName;
use tessera_store::Actor;
use tessera_store::testing::TestDatabase;

fn assert_scim_error(body: &Value, status: &str) {
    assert_eq!(
        body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
        "{body}"
    );
    assert_eq!(body["status"], status, "{body}");
}

fn set_sso(server: &ScimServer, enabled: bool) {
    let ws = WorkspaceName::parse(WS).unwrap();
    server
        .store()
        .set_sso_enabled(&ws, enabled, &Actor::operator(), t0())
        .unwrap();
}

#[test]
fn w3_sso_switched_off_refuses_scim_with_403_and_writes_nothing() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        assert_eq!(scim.post("/Users", &user("ada@acme.example")).status, 201);

        set_sso(&server, false);
        let read = scim.get("/Users");
        assert_eq!(read.status, 403, "{}", read.body);
        assert_scim_error(&read.body, "403");
        assert!(read.body["detail"].as_str().unwrap().contains("W3"));
        let write = scim.post("/Users", &user("bob@acme.example"));
        assert_eq!(write.status, 403, "{}", write.body);
        assert_eq!(
            scim.post("/Groups", &json!({"displayName": "Ops"})).status,
            403
        );

        set_sso(&server, true);
        let listed = scim.get("/Users");
        assert_eq!(listed.status, 200);
        assert_eq!(
            listed.body["totalResults"], 1,
            "the refused POST wrote nothing"
        );
        assert_eq!(scim.get("/Groups").body["totalResults"], 0);
        assert_eq!(scim.post("/Users", &user("bob@acme.example")).status, 201);
    }
}

#[test]
fn one_org_flooding_gets_429_while_another_keeps_working() {
    for db in TestDatabase::all() {
        let server = ScimServer::start_with(&db, |config| {
            config.scim_rate_limit_per_second = 1;
            config.scim_rate_limit_burst = 3;
        });
        let (_, other_token) = make_org(server.store(), "globex");
        let http = Client::new();
        let acme = server.url("/Users");
        // Bad tokens are refused before the limiter: they spend nothing of acme's budget.
        for _ in 0..20 {
            let refused = http
                .get(&acme)
                .bearer_auth("tsr_scim_wrong")
                .send()
                .unwrap();
            assert_eq!(refused.status(), 401);
        }
        let statuses: Vec<u16> = (0..3)
            .map(|_| http.get(&acme).bearer_auth(&server.token).send().unwrap())
            .map(|r| r.status().as_u16())
            .collect();
        assert_eq!(statuses, [200, 200, 200], "the burst is acme's own");
        let limited = (0..10)
            .map(|_| http.get(&acme).bearer_auth(&server.token).send().unwrap())
            .find(|r| r.status() == 429)
            .expect("a flood past the burst is refused");
        let retry_after: u64 = limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=2).contains(&retry_after), "{retry_after}");
        let body = answer(limited).body;
        assert_scim_error(&body, "429");

        let globex = server.server.url("/scim/v2/globex/Users");
        let other = http.get(&globex).bearer_auth(&other_token).send().unwrap();
        assert_eq!(other.status(), 200, "another org is not starved");
    }
}

/// `GET {path}` with the org's token.
fn get(server: &ScimServer, path_and_query: &str) -> (u16, Value) {
    let got = server.client().get(path_and_query);
    (got.status, got.body)
}

#[test]
fn an_unindexed_filter_on_a_large_org_is_scanned_in_batches_or_refused_past_the_cap() {
    for db in TestDatabase::all() {
        let server = ScimServer::start_with(&db, |config| config.scim_filter_scan_limit = 30_000);
        server.store().insert_bulk_scim_users(server.org_id, 20_000);

        let (status, body) = get(&server, "/Users?filter=userName+sw+%22user0199%22&count=10");
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["totalResults"], 100);
        assert_eq!(body["Resources"].as_array().unwrap().len(), 10);
        assert_eq!(body["Resources"][0]["userName"], "user019900@bulk.example");

        let (status, body) = get(
            &server,
            "/Users?filter=userName+pr&count=5000&startIndex=19501",
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["totalResults"], 20_000);
        assert_eq!(body["itemsPerPage"], 500, "the rest after index 19,501");
        let (_, body) = get(&server, "/Users?filter=userName+pr&count=5000");
        assert_eq!(
            body["itemsPerPage"], 1000,
            "count is capped at filter.maxResults"
        );
        let (status, body) = get(&server, "/Users?startIndex=99999999999999999999");
        assert_eq!((status, body["totalResults"].clone()), (200, json!(20_000)));
        assert_eq!(body["Resources"], json!([]));
    }
}

#[test]
fn an_unindexed_filter_past_the_scan_cap_is_400_too_many_and_indexed_ones_still_work() {
    for db in TestDatabase::all() {
        let server = ScimServer::start_with(&db, |config| config.scim_filter_scan_limit = 5_000);
        server.store().insert_bulk_scim_users(server.org_id, 6_000);

        let (status, body) = get(&server, "/Users?filter=name.givenName+co+%22a%22");
        assert_eq!(status, 400, "{body}");
        assert_scim_error(&body, "400");
        assert_eq!(body["scimType"], "tooMany");
        assert!(body["detail"].as_str().unwrap().contains("6000"), "{body}");

        let (status, body) = get(
            &server,
            "/Users?filter=userName+eq+%22user000042%40bulk.example%22",
        );
        assert_eq!(
            (status, body["totalResults"].clone()),
            (200, json!(1)),
            "{body}"
        );
        let (status, body) = get(&server, "/Users?count=2");
        assert_eq!((status, body["totalResults"].clone()), (200, json!(6_000)));
    }
}

#[test]
fn the_server_config_advertises_the_page_cap() {
    let db = TestDatabase::sqlite().unwrap();
    let server = ScimServer::start(&db);
    let (_, config) = get(&server, "/ServiceProviderConfig");
    assert_eq!(config["filter"]["maxResults"], 1000, "{config}");
}

/// Method, path and query, body, content type, extra headers.
type OddRequest<'a> = (
    &'a str,
    String,
    Option<&'a str>,
    &'a str,
    Vec<(&'a str, &'a str)>,
);

#[test]
fn odd_and_hostile_requests_never_get_a_5xx() {
    let db = TestDatabase::sqlite().unwrap();
    let server = ScimServer::start(&db);
    let scim = server.client();
    let id = scim.post("/Users", &user("ada@acme.example")).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = scim.post("/Groups", &json!({"displayName": "Ops"})).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deep = format!("{}userName pr{}", "(".repeat(2000), ")".repeat(2000));
    let long_chain = vec![r#"userName eq "x""#; 600].join(" or ");
    let many_attributes = vec!["userName"; 1000].join(",");
    let huge_string = format!("filter=userName+eq+%22{}%22", "a".repeat(17_000));
    let long_id = "x".repeat(5000);
    let cases: Vec<OddRequest> = vec![
        (
            "POST",
            "/Users".into(),
            Some("{not json"),
            "application/scim+json",
            vec![],
        ),
        ("POST", "/Users".into(), Some("[1,2]"), "text/plain", vec![]),
        (
            "POST",
            "/Users".into(),
            Some(r#"{"userName": 1e400}"#),
            "application/json",
            vec![],
        ),
        (
            "POST",
            "/Users".into(),
            Some(r#"{"userName": ""}"#),
            "application/json",
            vec![],
        ),
        (
            "POST",
            "/Groups".into(),
            Some(r#"{"displayName": null}"#),
            "application/json",
            vec![],
        ),
        (
            "PATCH",
            format!("/Users/{id}"),
            Some(r#"{"Operations": 5}"#),
            "application/json",
            vec![],
        ),
        (
            "PATCH",
            format!("/Users/{id}"),
            Some(r#"{"Operations":[{"op":"replace","path":"emails[type eq ","value":1}]}"#),
            "application/json",
            vec![],
        ),
        (
            "PATCH",
            format!("/Groups/{group}"),
            Some(r#"{"Operations":[{"op":"move","path":"members"}]}"#),
            "application/json",
            vec![],
        ),
        (
            "PUT",
            format!("/Users/{id}"),
            Some(r#"{"userName":"ada@acme.example"}"#),
            "application/json",
            vec![("If-Match", "garbage\"")],
        ),
        (
            "PUT",
            format!("/Users/{id}"),
            Some(r#"{"userName":"ada@acme.example"}"#),
            "application/json",
            vec![("If-Match", "W/\"")],
        ),
        (
            "DELETE",
            format!("/Groups/{group}"),
            None,
            "",
            vec![("If-Match", "W/\"999\"")],
        ),
        ("GET", format!("/Users/{long_id}"), None, "", vec![]),
        ("GET", "/Users/%00%FF".into(), None, "", vec![]),
        (
            "GET",
            "/Users?count=99999999999999999999999999&startIndex=-99999999999999999999".into(),
            None,
            "",
            vec![],
        ),
        ("GET", "/Users?count=1e30".into(), None, "", vec![]),
        (
            "GET",
            format!("/Users?filter={}", urlencode(&deep)),
            None,
            "",
            vec![],
        ),
        (
            "GET",
            format!("/Users?filter={}", urlencode(&long_chain)),
            None,
            "",
            vec![],
        ),
        ("GET", format!("/Users?{huge_string}"), None, "", vec![]),
        (
            "GET",
            format!("/Users?attributes={many_attributes}"),
            None,
            "",
            vec![],
        ),
        ("GET", "/Users?sortBy=%5B%5D".into(), None, "", vec![]),
        (
            "POST",
            "/Users/.search".into(),
            Some(r#"{"count": "many"}"#),
            "application/json",
            vec![],
        ),
    ];
    for (method, path, body, content_type, headers) in cases {
        let mut request = scim
            .http
            .request(method.parse().unwrap(), server.url(&path))
            .bearer_auth(&server.token);
        if let Some(body) = body {
            request = request
                .header("Content-Type", content_type)
                .body(body.to_owned());
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let got = answer(request.send().unwrap());
        let shown = &path[..path.len().min(80)];
        assert!(
            got.status < 500,
            "{method} {shown}: {} {}",
            got.status,
            got.body
        );
        if got.status >= 400 {
            assert_scim_error(&got.body, &got.status.to_string());
        }
    }
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
