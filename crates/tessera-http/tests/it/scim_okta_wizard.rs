//! Okta wizard apps send a user's group memberships inside the User on POST and PUT.
// covers S3, S4

use crate::scim_support::{Scim, ScimServer, user};
use reqwest::Method;
use serde_json::{Value, json};
use tessera_store::testing::TestDatabase;

fn group(scim: &Scim, name: &str) -> String {
    let created = scim.post("/Groups", &json!({"displayName": name, "members": []}));
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

fn members(scim: &Scim, group: &str) -> Vec<String> {
    let answer = scim.get(&format!("/Groups/{group}"));
    let mut ids: Vec<String> = answer.body["members"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn with_groups(user_name: &str, groups: &[&str]) -> Value {
    let mut body = user(user_name);
    body["groups"] = groups
        .iter()
        .map(|g| json!({"value": g, "display": "x"}))
        .collect();
    body
}

#[test]
fn groups_inside_the_user_set_its_idp_memberships() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let sales = group(&scim, "Sales");
        let eng = group(&scim, "Engineering");
        let other = scim.post("/Users", &user("bystander@example.com"));
        let other = other.body["id"].as_str().unwrap().to_owned();
        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": other}]}]});
        assert_eq!(scim.patch(&format!("/Groups/{sales}"), &patch).status, 200);

        let created = scim.post(
            "/Users",
            &with_groups("wiz@example.com", &[&sales, "no-such-group"]),
        );
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_str().unwrap().to_owned();
        let mut both = vec![id.clone(), other.clone()];
        both.sort();
        assert_eq!(members(&scim, &sales), both);
        assert!(members(&scim, &eng).is_empty());

        let put = |groups: &[&str]| {
            let mut body = with_groups("wiz@example.com", groups);
            if groups.is_empty() {
                body["groups"] = json!([]);
            }
            scim.send(Method::PUT, &format!("/Users/{id}"), Some(&body))
        };
        let replaced = put(&[&eng]);
        assert_eq!(replaced.status, 200, "{}", replaced.body);
        assert_eq!(members(&scim, &sales), vec![other.clone()]);
        assert_eq!(members(&scim, &eng), vec![id.clone()]);
        let read = scim.get(&format!("/Users/{id}"));
        assert_eq!(
            read.body["groups"][0]["value"],
            eng.as_str(),
            "{}",
            read.body
        );
        assert_eq!(read.body["groups"][0]["display"], "Engineering");
        assert_eq!(read.body["groups"].as_array().map(Vec::len), Some(1));
        let listed = scim.get("/Users?filter=userName+eq+%22wiz%40example.com%22");
        assert_eq!(
            listed.body["Resources"][0]["groups"][0]["value"],
            eng.as_str()
        );

        // Okta sends `groups: []` on every PUT, group push or not: it changes nothing.
        assert_eq!(put(&[]).status, 200);
        assert_eq!(members(&scim, &eng), vec![id.clone()]);

        // One transaction: a refused user write leaves the memberships as they were.
        scim.post("/Users", &user("taken@example.com"));
        let mut clash = with_groups("taken@example.com", &[&sales]);
        clash["id"] = Value::String(id.clone());
        let refused = scim.send(Method::PUT, &format!("/Users/{id}"), Some(&clash));
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert_eq!(members(&scim, &sales), vec![other.clone()]);
        assert_eq!(members(&scim, &eng), vec![id.clone()]);

        let bad = scim.post(
            "/Users",
            &json!({"userName": "b@example.com", "groups": "x"}),
        );
        assert_eq!(bad.status, 400);
        assert_eq!(bad.body["scimType"], "invalidValue");
    }
}
