//! The SCIM protocol edges: authentication, errors as SCIM Errors, atomic PATCH,
//! If-Match, projection, paging, discovery, and the team rules on groups.
// covers C3, T1, T2, U5, U6, S4

use crate::scim_support::{ScimServer, WS, answer, make_org, patch_op, user};
use serde_json::json;
use tessera_policy::{Actor, Command};
use tessera_store::testing::TestDatabase;

fn sqlite_server() -> (TestDatabase, ScimServer) {
    let db = TestDatabase::sqlite().unwrap();
    let server = ScimServer::start(&db);
    (db, server)
}

#[test]
fn missing_wrong_and_other_org_tokens_are_401_scim_errors() {
    let (_db, server) = sqlite_server();
    let (_, other_token) = make_org(server.store(), "globex");
    let http = reqwest::blocking::Client::new();
    let url = server.url("/Users");
    let cases = [
        http.get(&url),
        http.get(&url).bearer_auth("tsr_scim_wrong"),
        http.get(&url).bearer_auth(&other_token),
        http.get(&url).basic_auth("user", Some("pass")),
        http.get(server.server.url("/scim/v2/nosuchorg/Users"))
            .bearer_auth(&server.token),
    ];
    for request in cases {
        let got = answer(request.send().unwrap());
        assert_eq!(got.status, 401, "{}", got.body);
        assert_eq!(
            got.body["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:Error"
        );
        assert_eq!(got.body["status"], "401");
        assert!(got.content_type.starts_with("application/scim+json"));
    }
    let right = answer(http.get(&url).bearer_auth(&server.token).send().unwrap());
    assert_eq!(right.status, 200);
}

#[test]
fn client_mistakes_are_4xx_scim_errors_with_their_keyword() {
    let (_db, server) = sqlite_server();
    let scim = server.client();
    let id = scim.post("/Users", &user("x@example.com")).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let raw = |method: reqwest::Method, path: &str, body: &str| {
        answer(
            scim.http
                .request(method, server.url(path))
                .bearer_auth(&server.token)
                .header("Content-Type", "application/json")
                .body(body.to_owned())
                .send()
                .unwrap(),
        )
    };
    use reqwest::Method;
    let cases = [
        (
            raw(Method::GET, "/Users?filter=userName+eq", ""),
            400,
            Some("invalidFilter"),
        ),
        (
            raw(Method::GET, "/Users?count=abc", ""),
            400,
            Some("invalidValue"),
        ),
        (
            raw(Method::POST, "/Users", "{not json"),
            400,
            Some("invalidSyntax"),
        ),
        (
            raw(Method::POST, "/Users", "[1,2]"),
            400,
            Some("invalidSyntax"),
        ),
        (
            raw(Method::POST, "/Users", r#"{"name": {}}"#),
            400,
            Some("invalidValue"),
        ),
        (
            raw(Method::POST, "/Users", r#"{"userName": "no-email-here"}"#),
            400,
            Some("invalidValue"),
        ),
        (
            raw(
                Method::PATCH,
                &format!("/Users/{id}"),
                r#"{"Operations": [{"op": "jump"}]}"#,
            ),
            400,
            Some("invalidSyntax"),
        ),
        (
            raw(
                Method::PATCH,
                &format!("/Users/{id}"),
                r#"{"Operations": [{"op": "replace", "path": "id", "value": "other"}]}"#,
            ),
            400,
            Some("mutability"),
        ),
        (raw(Method::GET, "/Users/no-such-id", ""), 404, None),
        (raw(Method::GET, "/Bulk", ""), 404, None),
        (raw(Method::GET, "/Users/a/b/c", ""), 404, None),
        (raw(Method::DELETE, "/Users", ""), 405, None),
    ];
    for (got, status, keyword) in cases {
        assert_eq!(got.status, status, "{}", got.body);
        assert_eq!(got.body["status"], status.to_string());
        assert_eq!(got.body["scimType"].as_str(), keyword, "{}", got.body);
        assert!(got.content_type.starts_with("application/scim+json"));
    }
}

#[test]
fn oversized_bodies_are_413_scim_errors() {
    let (_db, server) = sqlite_server();
    let mut body = user("big@example.com");
    body["displayName"] = json!("x".repeat(70 * 1024));
    let got = server.client().post("/Users", &body);
    assert_eq!(got.status, 413);
    assert_eq!(got.body["status"], "413");
    assert!(got.content_type.starts_with("application/scim+json"));
}

#[test]
fn an_invalid_operation_anywhere_in_a_patch_changes_nothing() {
    let (_db, server) = sqlite_server();
    let scim = server.client();
    let created = scim.post("/Users", &user("atomic@example.com"));
    let id = created.body["id"].as_str().unwrap();
    let body = patch_op(json!([
        {"op": "replace", "path": "displayName", "value": "Changed"},
        {"op": "replace", "path": "active", "value": false},
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "not an email"}
    ]));
    let refused = scim.patch(&format!("/Users/{id}"), &body);
    assert_eq!(refused.status, 400, "{}", refused.body);
    let after = scim.get(&format!("/Users/{id}"));
    assert_eq!(after.body, created.body);
}

#[test]
fn if_match_is_honoured_when_sent() {
    let (_db, server) = sqlite_server();
    let scim = server.client();
    let created = scim.post("/Users", &user("etag@example.com"));
    let id = created.body["id"].as_str().unwrap();
    let version = created.body["meta"]["version"].as_str().unwrap().to_owned();
    let body = patch_op(json!([{"op": "replace", "path": "displayName", "value": "One"}]));
    let send = |tag: &str| {
        answer(
            scim.http
                .patch(server.url(&format!("/Users/{id}")))
                .bearer_auth(&server.token)
                .header("If-Match", tag)
                .body(body.to_string())
                .send()
                .unwrap(),
        )
    };
    assert_eq!(send("W/\"not-it\"").status, 412);
    let ok = send(&version);
    assert_eq!(ok.status, 200);
    assert_ne!(ok.body["meta"]["version"], json!(version));
    assert_eq!(
        send(&version).status,
        412,
        "the old version no longer matches"
    );
}

#[test]
fn built_in_team_names_are_refused_naming_the_rule() {
    // covers T1
    let (_db, server) = sqlite_server();
    let scim = server.client();
    for name in ["All Users", "account admins", " ALL USERS "] {
        let got = scim.post("/Groups", &json!({"displayName": name}));
        assert_eq!(got.status, 400, "{}", got.body);
        assert!(
            got.body["detail"].as_str().unwrap().starts_with("T1"),
            "{}",
            got.body
        );
    }
}

#[test]
fn a_local_team_name_is_taken_anyway_and_both_are_flagged() {
    // covers T2
    let (_db, server) = sqlite_server();
    let now = crate::support::t0();
    let command = Command::CreateTeam {
        by: Actor::Operator,
        name: "Marketing".into(),
        description: String::new(),
    };
    server
        .store()
        .execute(server.org_id, &command, now)
        .unwrap();
    let got = server
        .client()
        .post("/Groups", &json!({"displayName": "marketing"}));
    assert_eq!(got.status, 201, "{}", got.body);
    let teams = server.store().teams(server.org_id).unwrap();
    let flagged: Vec<_> = teams.iter().filter(|t| t.duplicate).collect();
    assert_eq!(flagged.len(), 2, "{teams:?}");
}

#[test]
fn deleted_users_keep_their_data_and_read_as_404() {
    // covers U5, U6
    let (_db, server) = sqlite_server();
    let scim = server.client();
    let id = scim.post("/Users", &user("gone@example.com")).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(scim.delete(&format!("/Users/{id}")).status, 204);
    assert_eq!(scim.get(&format!("/Users/{id}")).status, 404);
    assert_eq!(scim.delete(&format!("/Users/{id}")).status, 404);
    let email = tessera_core::Email::parse("gone@example.com").unwrap();
    let kept = server
        .store()
        .user_by_email(server.org_id, &email)
        .unwrap()
        .unwrap();
    assert_eq!(kept.status, tessera_core::UserStatus::Deactivated);
    assert!(!kept.scim_managed);
    assert_eq!(kept.role, tessera_core::Role::Viewer);
}

#[test]
fn lists_page_in_a_stable_order_and_project_attributes() {
    let (_db, server) = sqlite_server();
    let scim = server.client();
    for i in 0..7 {
        assert_eq!(
            scim.post("/Users", &user(&format!("p{i}@example.com")))
                .status,
            201
        );
    }
    let mut seen = Vec::new();
    for start in [1, 4, 7] {
        let page = scim.get(&format!(
            "/Users?startIndex={start}&count=3&attributes=userName"
        ));
        assert_eq!(page.body["totalResults"], 7);
        assert_eq!(page.body["startIndex"], start);
        for resource in page.body["Resources"].as_array().unwrap() {
            assert!(resource.get("emails").is_none(), "{resource}");
            seen.push(resource["id"].as_str().unwrap().to_owned());
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "every user once, in id order");
    let none = scim.get("/Users?count=0");
    assert_eq!(none.body["totalResults"], 7);
    assert_eq!(none.body["Resources"], json!([]));
    let filtered =
        scim.get("/Users?filter=userName+sw+%22p1%22+or+userName+eq+%22p2%40example.com%22");
    assert_eq!(filtered.body["totalResults"], 2);
}

#[test]
fn groups_leave_out_members_when_excluded() {
    let (_db, server) = sqlite_server();
    let scim = server.client();
    let member = scim.post("/Users", &user("m@example.com")).body["id"].clone();
    let group = scim.post(
        "/Groups",
        &json!({"displayName": "G", "members": [{"value": member}]}),
    );
    let id = group.body["id"].as_str().unwrap();
    assert_eq!(group.body["members"][0]["value"], member);
    let without = scim.get(&format!("/Groups/{id}?excludedAttributes=members"));
    assert!(without.body.get("members").is_none(), "{}", without.body);
    let listed = scim.get("/Groups?excludedAttributes=members");
    assert!(listed.body["Resources"][0].get("members").is_none());
    let asked = scim.patch(
        &format!("/Groups/{id}?attributes=displayName"),
        &patch_op(json!([{"op": "replace", "path": "displayName", "value": "H"}])),
    );
    assert_eq!(asked.status, 200);
    assert_eq!(asked.body["displayName"], "H");
}

#[test]
fn discovery_documents_are_served() {
    let (_db, server) = sqlite_server();
    let scim = server.client();
    let config = scim.get("/ServiceProviderConfig");
    assert_eq!(config.status, 200);
    assert_eq!(config.body["patch"]["supported"], true);
    assert_eq!(config.body["filter"]["supported"], true);
    let types = scim.get("/ResourceTypes");
    assert_eq!(types.body["totalResults"], 2);
    assert_eq!(scim.get("/ResourceTypes/User").status, 200);
    let schemas = scim.get("/Schemas");
    assert!(schemas.body["totalResults"].as_u64().unwrap() >= 3);
    assert_eq!(
        scim.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")
            .status,
        200
    );
    assert_eq!(scim.get("/Schemas/urn:nope").status, 404);
    assert!(
        config.body["meta"]["location"]
            .as_str()
            .unwrap()
            .contains(&format!("/scim/v2/{WS}"))
    );
}

#[test]
fn every_change_is_audited_as_scim() {
    // covers S4
    let (_db, server) = sqlite_server();
    let scim = server.client();
    scim.post("/Users", &user("audited@example.com"));
    let entries = server
        .store()
        .audit(server.org_id, &tessera_store::AuditFilter::default())
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "user.created" && e.actor == "scim")
    );
}

#[test]
fn a_groups_etag_moves_when_its_members_change() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let member = scim.post("/Users", &user("etag.member@example.com"));
        let member = member.body["id"].as_str().unwrap().to_owned();
        let group = scim.post("/Groups", &json!({"displayName": "Tagged"}));
        let path = format!("/Groups/{}", group.body["id"].as_str().unwrap());
        let before = group.body["meta"]["version"].clone();
        let add = patch_op(json!([{"op": "add", "path": "members", "value": [{"value": member}]}]));
        let answered = format!("{path}?excludedAttributes=members");
        let added = scim.patch(&answered, &add);
        assert_ne!(added.body["meta"]["version"], before, "{}", added.body);
        assert_eq!(
            scim.get(&path).body["meta"]["version"],
            added.body["meta"]["version"]
        );
        let remove =
            patch_op(json!([{"op": "remove", "path": format!("members[value eq \"{member}\"]")}]));
        let removed = scim.patch(&answered, &remove);
        assert_ne!(
            removed.body["meta"]["version"],
            added.body["meta"]["version"]
        );

        // If-Match on a group: the old version is refused, the current one accepted.
        let send = |tag: &str| {
            answer(
                scim.http
                    .patch(server.url(&path))
                    .bearer_auth(&server.token)
                    .header("If-Match", tag)
                    .body(add.to_string())
                    .send()
                    .unwrap(),
            )
        };
        let stale = added.body["meta"]["version"].as_str().unwrap();
        assert_eq!(send(stale).status, 412);
        let current = removed.body["meta"]["version"].as_str().unwrap();
        assert_eq!(send(current).status, 200);
    }
}

#[test]
fn a_group_patch_answers_the_whole_group_or_204_past_1000_members() {
    for db in TestDatabase::all() {
        let server = ScimServer::start_with(&db, |config| config.body_limit_bytes = 256 * 1024);
        let scim = server.client();
        let group = scim.post("/Groups", &json!({"displayName": "Projected"}));
        let path = format!("/Groups/{}", group.body["id"].as_str().unwrap());
        server.store().insert_bulk_scim_users(server.org_id, 1001);
        let first: Vec<_> = (0..1000)
            .map(|i| json!({"value": format!("bulk-{i:06}")}))
            .collect();
        let add = |members: Vec<serde_json::Value>| {
            patch_op(json!([{"op": "add", "path": "members", "value": members}]))
        };

        let small = scim.patch(&path, &add(first));
        assert_eq!(small.status, 200, "{}", small.body);
        assert_eq!(small.body["members"].as_array().unwrap().len(), 1000);
        assert_eq!(small.body["displayName"], "Projected");

        let last = add(vec![json!({"value": "bulk-001000"})]);
        let large = scim
            .http
            .patch(server.url(&path))
            .bearer_auth(&server.token)
            .body(last.to_string())
            .send()
            .unwrap();
        assert_eq!(large.status(), 204, "1,001 members are not serialised");
        let etag = large.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(large.text().unwrap(), "");
        let current = scim.get(&format!("{path}?excludedAttributes=members"));
        assert_eq!(json!(etag), current.body["meta"]["version"]);

        let without = scim.patch(&format!("{path}?excludedAttributes=members"), &last);
        assert_eq!(without.status, 200);
        assert_eq!(without.body["displayName"], "Projected");
        assert!(without.body.get("members").is_none());
        let only_name = scim.patch(&format!("{path}?attributes=displayName"), &last);
        assert_eq!(only_name.status, 200);
        assert!(only_name.body.get("members").is_none());
    }
}

#[test]
fn removing_active_leaves_the_account_active_and_the_resource_without_active() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let created = scim.post("/Users", &user("removal@example.com"));
        let path = format!("/Users/{}", created.body["id"].as_str().unwrap());
        let off = patch_op(json!([{"op": "replace", "path": "active", "value": false}]));
        assert_eq!(scim.patch(&path, &off).body["active"], false);

        let removed = scim.patch(
            &path,
            &patch_op(json!([{"op": "remove", "path": "active"}])),
        );
        assert_eq!(removed.status, 200, "{}", removed.body);
        assert!(removed.body.get("active").is_none(), "{}", removed.body);
        assert!(scim.get(&path).body.get("active").is_none());
        let deactivated = tessera_store::UserFilter {
            status: Some(tessera_core::UserStatus::Deactivated),
            idp_connected: None,
            offset: 0,
            limit: 10,
        };
        let deactivated = server.store().users(server.org_id, &deactivated).unwrap();
        assert!(deactivated.is_empty(), "the account is active again");

        assert_eq!(scim.patch(&path, &off).body["active"], false, "false again");
    }
}
