//! The admin JSON API, on SQLite and PostgreSQL: authentication, org scoping, and each
//! operation's allowed and refused paths.

use crate::support::{TestServer, client, t0};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};
use tessera_core::{Email, LoginMethod, OrgKind, Role, Source, UserStatus, WorkspaceName};
use tessera_policy::{Command, ProvisionedGroup, ProvisionedUser};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, NewUser, Store};

struct Api {
    server: TestServer,
    http: Client,
    token: String,
    org: tessera_core::OrgId,
}

fn admin_user(email: &str) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        given_name: None,
        family_name: None,
        status: UserStatus::Active,
        role: Role::AccountAdmin,
        login_method: LoginMethod::Password,
        created_by: Source::Cli,
    }
}

/// Creates an org `name` with an account admin, and returns an admin token for it.
pub(crate) fn org_with_admin(store: &Store, name: &str) -> (tessera_core::OrgId, String) {
    let org = store
        .create_org(
            &WorkspaceName::parse(name).unwrap(),
            OrgKind::Production,
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    let email = format!("admin@{name}.example");
    store
        .create_user(org.id, &admin_user(&email), &Actor::operator(), t0())
        .unwrap();
    let token = store
        .issue_admin_token(
            org.id,
            &Email::parse(&email).unwrap(),
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    (org.id, token)
}

impl Api {
    fn start(db: &TestDatabase) -> Self {
        let server = TestServer::start_with(db, |config| config.demo_org = false);
        let (org, token) = org_with_admin(&server.store, "acme");
        Self {
            server,
            http: client(),
            token,
            org,
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.server.url(&format!("/api/v1/orgs/acme{path}")))
            .bearer_auth(&self.token)
    }

    fn get(&self, path: &str) -> Response {
        self.req(reqwest::Method::GET, path).send().unwrap()
    }

    fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Response {
        self.req(method, path).json(&body).send().unwrap()
    }

    fn scim(&self, command: Command) -> tessera_policy::Decision {
        self.server.store.execute(self.org, &command, t0()).unwrap()
    }
}

fn json_of(response: Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

fn refused(response: Response, status: u16, rule: &str) -> String {
    let body = json_of(response, status);
    assert_eq!(body["error"]["rule"], rule, "{body}");
    let message = body["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with(&format!("{rule}: ")), "{message}");
    message
}

fn provisioned(address: &str) -> ProvisionedUser {
    ProvisionedUser {
        email: Some(Email::parse(address).unwrap()),
        ..ProvisionedUser::new(tessera_core::UserName::parse(address).unwrap())
    }
}

#[test]
fn requests_without_a_valid_admin_token_get_401() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Api::start(&db);
    let url = api.server.url("/api/v1/orgs/acme/users");
    let none = api.http.get(&url).send().unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let wrong = api
        .http
        .get(&url)
        .bearer_auth("tsr_adm_not-a-real-token")
        .send()
        .unwrap();
    assert_eq!(json_of(wrong, 401)["error"]["rule"], Value::Null);
}

#[test]
fn an_admin_of_one_org_gets_404_for_another_org() {
    for db in TestDatabase::all() {
        let api = Api::start(&db);
        let (other, _) = org_with_admin(&api.server.store, "other");
        let other_user = api.server.store.users(other, &Default::default()).unwrap()[0].id;
        for path in [
            "/api/v1/orgs/other/users".to_owned(),
            format!("/api/v1/orgs/other/users/{other_user}"),
            "/api/v1/orgs/other/teams".to_owned(),
            "/api/v1/orgs/nosuchorg/users".to_owned(),
        ] {
            let response = api
                .http
                .get(api.server.url(&path))
                .bearer_auth(&api.token)
                .send()
                .unwrap();
            assert_eq!(response.status(), 404, "{path}");
        }
        // Nor can another org's user be reached through one's own org.
        let own = api.get(&format!("/users/{other_user}"));
        assert_eq!(own.status(), 404, "{:?}", db.backend);
        let write = api.send(
            reqwest::Method::PUT,
            &format!("/users/{other_user}/role"),
            json!({"role": "expert"}),
        );
        assert_eq!(write.status(), 404);
        assert_eq!(
            api.server
                .store
                .user(other, other_user)
                .unwrap()
                .unwrap()
                .role,
            Role::AccountAdmin
        );
    }
}

// covers U1, U2, U7, U8
#[test]
fn u8_users_list_filters_by_status_and_marks_idp_connected_users() {
    for db in TestDatabase::all() {
        let api = Api::start(&db);
        api.scim(Command::ScimCreateUser(provisioned("scim@acme.example")));
        let invited = json_of(
            api.send(
                reqwest::Method::POST,
                "/users",
                json!({"email": "Inv@Acme.example"}),
            ),
            201,
        );
        assert_eq!(invited["status"], "pending");
        assert_eq!(invited["status_label"], "Pending");
        assert_eq!(
            invited["idp_connected"], false,
            "U7: invited users are not IdP-connected"
        );

        let all = json_of(api.get("/users"), 200);
        assert_eq!(all.as_array().unwrap().len(), 3);
        let pending = json_of(api.get("/users?status=pending"), 200);
        let emails: Vec<&str> = pending
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap())
            .collect();
        assert_eq!(emails, ["Inv@Acme.example", "scim@acme.example"]);
        let connected = json_of(api.get("/users?idp_connected=true"), 200);
        assert_eq!(connected.as_array().unwrap().len(), 1);
        assert_eq!(connected[0]["email"], "scim@acme.example");
        assert_eq!(connected[0]["scim_managed"], true);
        let accepted = json_of(api.get("/users?status=active"), 200);
        assert_eq!(accepted[0]["status_label"], "Accepted");
        let bad = json_of(api.get("/users?status=sleeping"), 400);
        assert!(
            bad["error"]["message"]
                .as_str()
                .unwrap()
                .contains("sleeping")
        );
    }
}

// covers U7
#[test]
fn u7_inviting_an_existing_email_or_a_bad_one_is_refused() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Api::start(&db);
    let dup = json_of(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "ADMIN@acme.example"}),
        ),
        409,
    );
    assert!(
        dup["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already uses the email"),
        "{dup}"
    );
    let bad = json_of(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "not-an-email"}),
        ),
        400,
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not an email"),
        "{bad}"
    );
    let unknown = json_of(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "a@b.example", "rol": "x"}),
        ),
        400,
    );
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rol"),
        "{unknown}"
    );
    assert_eq!(
        json_of(api.get("/users"), 200).as_array().unwrap().len(),
        1,
        "nothing written"
    );
}

// covers C5
#[test]
fn c5_salesforce_invitations_are_refused_once_connected() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Api::start(&db);
    let before = json_of(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "sf1@acme.example", "channel": "salesforce"}),
        ),
        201,
    );
    assert_eq!(before["login_method"], "salesforce");
    api.scim(Command::CompleteConnection {
        by: tessera_policy::Actor::Operator,
        mode: tessera_core::ConnectionMode::Scim,
    });
    refused(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "sf2@acme.example", "channel": "salesforce"}),
        ),
        409,
        "C5",
    );
    json_of(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "mail@acme.example"}),
        ),
        201,
    );
}

// covers U6, U5, U3
#[test]
fn u6_roles_change_in_the_app_and_u5_scim_users_cannot_be_deactivated_there() {
    for db in TestDatabase::all() {
        let api = Api::start(&db);
        let scim = api.scim(Command::ScimCreateUser(provisioned("ada@acme.example")));
        let Some(tessera_policy::Subject::User(ada)) = scim.subject else {
            panic!("no subject")
        };
        let updated = json_of(
            api.send(
                reqwest::Method::PUT,
                &format!("/users/{ada}/role"),
                json!({"role": "team_admin"}),
            ),
            200,
        );
        assert_eq!(updated["role"], "team_admin");
        refused(
            api.send(
                reqwest::Method::POST,
                &format!("/users/{ada}/deactivate"),
                json!({}),
            ),
            409,
            "U5",
        );
        refused(
            api.req(reqwest::Method::DELETE, &format!("/users/{ada}"))
                .send()
                .unwrap(),
            409,
            "U5",
        );
        assert_eq!(
            api.server.store.user(api.org, ada).unwrap().unwrap().status,
            UserStatus::Pending
        );

        let local = json_of(
            api.send(
                reqwest::Method::POST,
                "/users",
                json!({"email": "local@acme.example"}),
            ),
            201,
        );
        let local_id = local["id"].as_str().unwrap();
        let gone = json_of(
            api.send(
                reqwest::Method::POST,
                &format!("/users/{local_id}/deactivate"),
                json!({}),
            ),
            200,
        );
        assert_eq!(gone["status"], "deactivated");
        let bad_role = json_of(
            api.send(
                reqwest::Method::PUT,
                &format!("/users/{ada}/role"),
                json!({"role": "owner"}),
            ),
            400,
        );
        assert!(
            bad_role["error"]["message"]
                .as_str()
                .unwrap()
                .contains("owner")
        );
    }
}

// covers T1, T4, T5, T6
#[test]
fn teams_local_ones_are_editable_idp_ones_only_in_description() {
    for db in TestDatabase::all() {
        let api = Api::start(&db);
        let local = json_of(
            api.send(
                reqwest::Method::POST,
                "/teams",
                json!({"name": "Support", "description": "help"}),
            ),
            201,
        );
        assert_eq!(local["kind"], "local");
        assert_eq!(local["editable"], true);
        let id = local["id"].as_str().unwrap().to_owned();
        let renamed = json_of(
            api.send(
                reqwest::Method::PATCH,
                &format!("/teams/{id}"),
                json!({"name": "Customer Support"}),
            ),
            200,
        );
        assert_eq!(renamed["name"], "Customer Support");
        refused(
            api.send(
                reqwest::Method::POST,
                "/teams",
                json!({"name": "all users"}),
            ),
            409,
            "T1",
        );

        let group = api.scim(Command::ScimCreateGroup(ProvisionedGroup {
            display_name: "Engineering".into(),
            external_id: None,
            members: vec![],
        }));
        let Some(tessera_policy::Subject::Team(eng)) = group.subject else {
            panic!("no subject")
        };
        let teams = json_of(api.get("/teams"), 200);
        let listed = teams
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Engineering")
            .unwrap();
        assert_eq!(listed["idp_managed"], true);
        assert_eq!(listed["editable"], false);
        let message = refused(
            api.send(
                reqwest::Method::PATCH,
                &format!("/teams/{eng}"),
                json!({"name": "Eng"}),
            ),
            409,
            "T4",
        );
        assert!(message.contains("renamed"));
        refused(
            api.req(reqwest::Method::DELETE, &format!("/teams/{eng}"))
                .send()
                .unwrap(),
            409,
            "T4",
        );
        let edited = json_of(
            api.send(
                reqwest::Method::PATCH,
                &format!("/teams/{eng}"),
                json!({"description": "builds it", "access_settings": {"content": "all"}}),
            ),
            200,
        );
        assert_eq!(edited["description"], "builds it");
        let admin = api
            .server
            .store
            .users(api.org, &Default::default())
            .unwrap()[0]
            .id;
        refused(
            api.send(
                reqwest::Method::POST,
                &format!("/teams/{eng}/members"),
                json!({"user_id": admin.to_string()}),
            ),
            409,
            "T5",
        );

        let added = json_of(
            api.send(
                reqwest::Method::POST,
                &format!("/teams/{id}/members"),
                json!({"user_id": admin.to_string()}),
            ),
            200,
        );
        assert_eq!(added["members"], 1);
        let members = json_of(api.get(&format!("/teams/{id}/members")), 200);
        assert_eq!(members[0]["email"], "admin@acme.example");
        json_of(
            api.req(
                reqwest::Method::DELETE,
                &format!("/teams/{id}/members/{admin}"),
            )
            .send()
            .unwrap(),
            200,
        );
        assert_eq!(
            api.req(reqwest::Method::DELETE, &format!("/teams/{id}"))
                .send()
                .unwrap()
                .status(),
            204
        );
        assert_eq!(api.get(&format!("/teams/{id}/members")).status(), 404);
    }
}

// covers U4
#[test]
fn u4_adding_a_deactivated_jit_user_to_a_team_reactivates_them() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Api::start(&db);
    let user = json_of(
        api.send(
            reqwest::Method::POST,
            "/users",
            json!({"email": "jit@acme.example"}),
        ),
        201,
    );
    let user_id = user["id"].as_str().unwrap();
    json_of(
        api.send(
            reqwest::Method::POST,
            &format!("/users/{user_id}/deactivate"),
            json!({}),
        ),
        200,
    );
    let team = json_of(
        api.send(reqwest::Method::POST, "/teams", json!({"name": "Back"})),
        201,
    );
    let team_id = team["id"].as_str().unwrap();
    json_of(
        api.send(
            reqwest::Method::POST,
            &format!("/teams/{team_id}/members"),
            json!({"user_id": user_id}),
        ),
        200,
    );
    let back = json_of(api.get(&format!("/users/{user_id}")), 200);
    assert_ne!(back["status"], "deactivated", "{back}");
}

// covers T2
#[test]
fn t2_merge_duplicates_dry_run_then_merge() {
    for db in TestDatabase::all() {
        let api = Api::start(&db);
        let local = json_of(
            api.send(reqwest::Method::POST, "/teams", json!({"name": "Sales"})),
            201,
        );
        let admin = api
            .server
            .store
            .users(api.org, &Default::default())
            .unwrap()[0]
            .id;
        let local_id = local["id"].as_str().unwrap();
        json_of(
            api.send(
                reqwest::Method::POST,
                &format!("/teams/{local_id}/members"),
                json!({"user_id": admin.to_string()}),
            ),
            200,
        );
        api.scim(Command::ScimCreateGroup(ProvisionedGroup {
            display_name: "Sales".into(),
            external_id: None,
            members: vec![],
        }));
        let flagged = json_of(api.get("/teams"), 200);
        let sales: Vec<&Value> = flagged
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["name"] == "Sales")
            .collect();
        assert_eq!(sales.len(), 2);
        assert!(sales.iter().all(|t| t["duplicate"] == true));

        let plan = json_of(
            api.send(
                reqwest::Method::POST,
                "/teams/merge-duplicates?dry_run=true",
                json!({}),
            ),
            200,
        );
        assert_eq!(
            plan["merges"][0]["moving_members"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            json_of(api.get("/teams"), 200).as_array().unwrap().len(),
            4,
            "a dry run changes nothing"
        );
        json_of(
            api.send(reqwest::Method::POST, "/teams/merge-duplicates", json!({})),
            200,
        );
        let after = json_of(api.get("/teams"), 200);
        let sales: Vec<&Value> = after
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["name"] == "Sales")
            .collect();
        assert_eq!(sales.len(), 1);
        assert_eq!(sales[0]["idp_managed"], true);
        assert_eq!(sales[0]["members"], 1);
        assert_eq!(sales[0]["duplicate"], false);
    }
}

// covers S4, S3
#[test]
fn s4_the_audit_log_filters_by_actor_action_and_source_and_sync_runs() {
    for db in TestDatabase::all() {
        let api = Api::start(&db);
        api.scim(Command::ScimCreateUser(provisioned("ada@acme.example")));
        json_of(
            api.send(reqwest::Method::POST, "/teams", json!({"name": "Ops"})),
            201,
        );
        let by_scim = json_of(api.get("/audit?source=scim"), 200);
        assert!(!by_scim.as_array().unwrap().is_empty());
        assert!(
            by_scim
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["source"] == "scim")
        );
        let created = json_of(
            api.get("/audit?action=team.created&actor=admin@acme.example"),
            200,
        );
        assert_eq!(created.as_array().unwrap().len(), 1, "{created}");
        assert_eq!(created[0]["target_label"], "Ops");
        let future = json_of(api.get("/audit?since=2030-01-01T00:00:00Z"), 200);
        assert!(future.as_array().unwrap().is_empty());
        let bad = json_of(api.get("/audit?limit=0"), 400);
        assert!(bad["error"]["message"].as_str().unwrap().contains("limit"));
        json_of(api.send(reqwest::Method::POST, "/sync", json!({})), 200);
    }
}

#[test]
fn a_demoted_admins_token_stops_working() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Api::start(&db);
    let second = api
        .server
        .store
        .create_user(
            api.org,
            &admin_user("second@acme.example"),
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    let token = api
        .server
        .store
        .issue_admin_token(
            api.org,
            &Email::parse("second@acme.example").unwrap(),
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    let url = api.server.url("/api/v1/orgs/acme/users");
    assert_eq!(
        api.http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status(),
        200
    );
    json_of(
        api.send(
            reqwest::Method::PUT,
            &format!("/users/{}/role", second.id),
            json!({"role": "viewer"}),
        ),
        200,
    );
    assert_eq!(
        api.http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status(),
        401
    );
}

#[test]
fn every_documented_route_exists() {
    let db = TestDatabase::sqlite().unwrap();
    let api = Api::start(&db);
    let doc: Value = api
        .http
        .get(api.server.url("/api/v1/openapi.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let unknown = "00000000-0000-4000-8000-000000000000";
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let url = path
                .replace("{ws}", "acme")
                .replace("{user}", unknown)
                .replace("{team}", unknown);
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = api
                .http
                .request(method.clone(), api.server.url(&url))
                .bearer_auth(&api.token)
                .json(&json!({}))
                .send()
                .unwrap();
            // An unregistered route answers actix's bare 404; ours always carry JSON.
            let is_json = response
                .headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap().contains("json"));
            assert!(
                is_json || response.status() == 204,
                "{method} {path}: {}",
                response.status()
            );
            checked += 1;
        }
    }
    assert!(checked >= 18, "{checked}");
}
