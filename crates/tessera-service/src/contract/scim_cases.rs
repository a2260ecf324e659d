//! SCIM through the service: what IdPs notice when a backend gets a listing, a
//! version, a membership or an org boundary wrong.

use super::{Backend, Case, t0, workspace};
use crate::scim::{ScimConfig, ScimRequest, ScimService};
use serde_json::{Value, json};

pub(super) const CASES: [Case; 5] = [
    (
        "users are created, read and found by index and by scan",
        users_are_found,
    ),
    ("pages are stable and counted", pages_are_counted),
    (
        "a stale If-Match is refused and writes nothing",
        stale_if_match_writes_nothing,
    ),
    (
        "groups carry members and their ETag follows them",
        groups_follow_members,
    ),
    ("one org never sees another's data or token", orgs_are_apart),
];

/// A SCIM client of one org on one service.
pub(super) struct Client {
    service: ScimService,
    workspace: &'static str,
    token: String,
}

/// An answer: status, ETag, JSON body.
pub(super) struct Answer {
    pub(super) status: u16,
    etag: Option<String>,
    pub(super) body: Value,
}

impl Client {
    pub(super) fn new(backend: &dyn Backend, name: &'static str) -> Self {
        let (_, token) = backend.scim_org(&workspace(name), t0());
        Self::on(backend.storage(), name, token)
    }

    fn on(storage: std::sync::Arc<dyn crate::Storage>, name: &'static str, token: String) -> Self {
        let mut config = ScimConfig::new("https://sso.example.com");
        config.rate_limit_per_second = 0;
        Self {
            service: ScimService::new(storage, config),
            workspace: name,
            token,
        }
    }

    pub(super) fn send(
        &self,
        method: &str,
        target: &str,
        if_match: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let authorization = format!("Bearer {}", self.token);
        let request = ScimRequest {
            method,
            path,
            query,
            authorization: Some(&authorization),
            if_match,
            body: body.as_bytes(),
        };
        let response = self.service.serve(self.workspace, &request, t0());
        Answer {
            status: response.status,
            etag: response.header("ETag").map(str::to_owned),
            body: serde_json::from_slice(&response.body).unwrap_or(Value::Null),
        }
    }

    pub(super) fn create_user(&self, name: &str) -> Value {
        let answer = self.send("POST", "/Users", None, Some(user(name)));
        assert_eq!(answer.status, 201, "create {name}: {}", answer.body);
        answer.body
    }
}

fn user(name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "externalId": format!("ext-{name}"),
        "name": { "givenName": "Contract", "familyName": name },
        "emails": [{ "value": name, "primary": true }],
        "active": true,
    })
}

fn ids(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn users_are_found(backend: &dyn Backend) {
    let scim = Client::new(backend, "found");
    let ada = scim.create_user("ada@corp.example");
    scim.create_user("bob@corp.example");
    let id = ada["id"].as_str().unwrap();
    let read = scim.send("GET", &format!("/Users/{id}"), None, None);
    assert_eq!(read.status, 200);
    assert_eq!(read.body["userName"], "ada@corp.example");
    assert_eq!(read.etag.as_deref(), ada["meta"]["version"].as_str());
    for filter in [
        "userName%20eq%20%22ADA@corp.example%22",
        "externalId%20eq%20%22ext-ada@corp.example%22",
        "name.familyName%20eq%20%22ada@corp.example%22",
    ] {
        let found = scim.send("GET", &format!("/Users?filter={filter}"), None, None);
        assert_eq!(found.status, 200, "{filter}: {}", found.body);
        assert_eq!(ids(&found.body), vec![id.to_owned()], "{filter}");
        assert_eq!(found.body["totalResults"], 1, "{filter}");
    }
}

fn pages_are_counted(backend: &dyn Backend) {
    let scim = Client::new(backend, "paging");
    for i in 0..5 {
        scim.create_user(&format!("user{i}@corp.example"));
    }
    let all = scim.send("GET", "/Users", None, None);
    let mut sorted = ids(&all.body);
    sorted.sort();
    assert_eq!(ids(&all.body), sorted, "lists are in SCIM id order");
    let page = scim.send("GET", "/Users?startIndex=2&count=2", None, None);
    assert_eq!(page.body["totalResults"], 5);
    assert_eq!(ids(&page.body), sorted[1..3].to_vec());
    let scan = scim.send(
        "GET",
        "/Users?filter=active%20eq%20true&startIndex=5&count=2",
        None,
        None,
    );
    assert_eq!(scan.body["totalResults"], 5);
    assert_eq!(ids(&scan.body), sorted[4..].to_vec());
}

fn stale_if_match_writes_nothing(backend: &dyn Backend) {
    let scim = Client::new(backend, "versions");
    let created = scim.create_user("eve@corp.example");
    let path = format!("/Users/{}", created["id"].as_str().unwrap());
    let first = created["meta"]["version"].as_str().unwrap().to_owned();
    let rename =
        json!({ "Operations": [{ "op": "replace", "path": "displayName", "value": "Eve" }] });
    let patched = scim.send("PATCH", &path, Some(&first), Some(rename.clone()));
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_ne!(
        patched.etag.as_deref(),
        Some(first.as_str()),
        "the version moved"
    );
    let stale = scim.send("PATCH", &path, Some(&first), Some(rename));
    assert_eq!(stale.status, 412, "{}", stale.body);
    let read = scim.send("GET", &path, None, None);
    assert_eq!(read.etag, patched.etag, "the refused PATCH wrote nothing");
    let taken = scim.send("POST", "/Users", None, Some(user("EVE@corp.example")));
    assert_eq!(taken.status, 409, "U2: {}", taken.body);
    assert_eq!(taken.body["scimType"], "uniqueness");
    let all = scim.send("GET", "/Users", None, None);
    assert_eq!(
        all.body["totalResults"], 1,
        "the refused POST wrote nothing"
    );
}

fn groups_follow_members(backend: &dyn Backend) {
    let scim = Client::new(backend, "groups");
    let ann = scim.create_user("ann@corp.example");
    let ann_id = ann["id"].as_str().unwrap();
    let body = json!({ "displayName": "Builders", "members": [{ "value": ann_id }] });
    let group = scim.send("POST", "/Groups", None, Some(body));
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = group.body["id"].as_str().unwrap().to_owned();
    assert_eq!(group.body["members"][0]["value"], ann_id);
    let ben = scim.create_user("ben@corp.example");
    let add = json!({ "Operations": [{ "op": "add", "path": "members",
        "value": [{ "value": ben["id"] }] }] });
    let path = format!("/Groups/{group_id}");
    let patched = scim.send("PATCH", &path, None, Some(add));
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["members"].as_array().unwrap().len(), 2);
    assert_ne!(
        patched.etag, group.etag,
        "the group's ETag follows its members"
    );
    let read = scim.send("GET", &format!("/Users/{ann_id}"), None, None);
    assert_eq!(
        read.body["groups"][0]["value"],
        group_id.as_str(),
        "a user shows its groups"
    );
    let by_name = scim.send(
        "GET",
        "/Groups?filter=displayName%20eq%20%22builders%22",
        None,
        None,
    );
    assert_eq!(ids(&by_name.body), vec![group_id]);
}

fn orgs_are_apart(backend: &dyn Backend) {
    let one = Client::new(backend, "alpha");
    let created = one.create_user("amy@corp.example");
    let (_, token) = backend.scim_org(&workspace("beta"), t0());
    let two = Client::on(backend.storage(), "beta", token.clone());
    let path = format!("/Users/{}", created["id"].as_str().unwrap());
    assert_eq!(two.send("GET", &path, None, None).status, 404);
    assert_eq!(
        two.send("GET", "/Users", None, None).body["totalResults"],
        0
    );
    let crossed = Client::on(backend.storage(), "alpha", token);
    assert_eq!(
        crossed.send("GET", "/Users", None, None).status,
        401,
        "C3: beta's token"
    );
}
