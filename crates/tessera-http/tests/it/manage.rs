//! Managing users and teams, on SQLite and PostgreSQL: `GET /`, the user profile and
//! reactivation in the API and the pages (U4, U5, U7, U8, T5), team pages, creation
//! and the T2 merge, the manual sync (S3); and the Chromium walk of all of it.

use crate::browser;
use crate::pages::{PASSWORD, csrf_of, seed, signed_in};
use crate::support::{TestServer, client, t0};
use reqwest::blocking::Client;
use serde_json::{Value, json};
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, Role, Source, UserId, UserName, UserStatus,
    WorkspaceName,
};
use tessera_policy::{Command, ProvisionedGroup, ProvisionedUser, Subject};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, NewUser, Store};

fn org(store: &Store) -> OrgId {
    store
        .org(&WorkspaceName::parse("acme").unwrap())
        .unwrap()
        .id
}

/// A JIT account (created by a first SAML login) that an admin has deactivated.
fn deactivated_jit_user(store: &Store, org: OrgId, email: &str) -> UserId {
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        given_name: None,
        family_name: None,
        status: UserStatus::Deactivated,
        role: Role::Viewer,
        login_method: LoginMethod::Sso,
        created_by: Source::Saml,
    };
    store
        .create_user(org, &user, &Actor::operator(), t0())
        .unwrap()
        .id
}

fn scim(store: &Store, org: OrgId, command: Command) -> Option<Subject> {
    store.execute(org, &command, t0()).unwrap().subject
}

/// A SCIM-managed user the IdP has deactivated.
fn deactivated_scim_user(store: &Store, org: OrgId, email: &str) -> UserId {
    let user = ProvisionedUser {
        email: Some(Email::parse(email).unwrap()),
        active: false,
        ..ProvisionedUser::new(UserName::parse(email).unwrap())
    };
    let Some(Subject::User(id)) = scim(store, org, Command::ScimCreateUser(user)) else {
        panic!("no user")
    };
    id
}

fn idp_team(store: &Store, org: OrgId, name: &str, members: Vec<String>) {
    let group = ProvisionedGroup {
        display_name: name.into(),
        external_id: None,
        members,
    };
    scim(store, org, Command::ScimCreateGroup(group));
}

fn local_team(store: &Store, org: OrgId, name: &str) -> tessera_core::TeamId {
    let command = Command::CreateTeam {
        by: tessera_policy::Actor::Operator,
        name: name.into(),
        description: String::new(),
    };
    let Some(Subject::Team(id)) = scim(store, org, command) else {
        panic!("no team")
    };
    id
}

fn connect(store: &Store, org: OrgId) {
    let command = Command::CompleteConnection {
        by: tessera_policy::Actor::Operator,
        mode: ConnectionMode::Scim,
    };
    scim(store, org, command);
}

fn no_redirects() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn the_root_sends_people_to_the_login_page_or_to_the_app() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        let root = no_redirects().get(server.url("/")).send().unwrap();
        assert_eq!(root.status(), 303);
        assert_eq!(root.headers()["location"], "/login");
        let admin = signed_in(&server, "admin@acme.example");
        let home = admin.get(server.url("/")).send().unwrap();
        assert_eq!(home.url().path(), "/app", "{:?}", db.backend);
        assert_eq!(home.status(), 200);
    }
}

/// The API as the org's account admin (an admin API token).
struct Api<'a> {
    server: &'a TestServer,
    http: Client,
    token: String,
}

impl Api<'_> {
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = self.server.url(&format!("/api/v1/orgs/acme{path}"));
        let mut request = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }
}

fn api(server: &TestServer) -> Api<'_> {
    let token = server
        .store
        .issue_admin_token(
            org(&server.store),
            &Email::parse("admin@acme.example").unwrap(),
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    Api {
        server,
        http: client(),
        token,
    }
}

// covers U4, U5, T5
#[test]
fn u4_the_api_reactivates_a_jit_user_into_all_users_or_a_team_and_u5_refuses_scim_users() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        let org = org(&server.store);
        let api = api(&server);
        let post = reqwest::Method::POST;

        let left = deactivated_jit_user(&server.store, org, "left@acme.example");
        let (status, back) = api.call(post.clone(), &format!("/users/{left}/reactivate"), None);
        assert_eq!(status, 200, "{back}");
        assert_eq!(
            back["status"], "pending",
            "never signed in: {:?}",
            db.backend
        );
        let (_, teams) = api.call(reqwest::Method::GET, &format!("/users/{left}/teams"), None);
        assert_eq!(teams[0]["name"], "All Users", "{teams}");

        let again = deactivated_jit_user(&server.store, org, "again@acme.example");
        let support = local_team(&server.store, org, "Support");
        idp_team(&server.store, org, "Engineering", vec![]);
        let body = json!({ "team_id": support.to_string() });
        let (status, back) = api.call(
            post.clone(),
            &format!("/users/{again}/reactivate"),
            Some(body),
        );
        assert_eq!((status, back["status"].as_str()), (200, Some("pending")));
        let (_, teams) = api.call(reqwest::Method::GET, &format!("/users/{again}/teams"), None);
        let names: Vec<&str> = teams
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["All Users", "Support"]);

        let gone = deactivated_scim_user(&server.store, org, "gone@acme.example");
        let (status, refused) = api.call(post.clone(), &format!("/users/{gone}/reactivate"), None);
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["error"]["rule"], "U5");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("managed by the IdP and cannot be reactivated")
        );
        let user = server.store.user(org, gone).unwrap().unwrap();
        assert_eq!(user.status, UserStatus::Deactivated, "nothing written");

        let (status, _) = api.call(
            reqwest::Method::GET,
            &format!("/users/{}/teams", UserId::random()),
            None,
        );
        assert_eq!(status, 404);
    }
}

// covers T5, U8
#[test]
fn t5_a_users_teams_mark_the_idp_teams() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        let org = org(&server.store);
        let user = ProvisionedUser {
            email: Some(Email::parse("dev@acme.example").unwrap()),
            ..ProvisionedUser::new(UserName::parse("dev@acme.example").unwrap())
        };
        scim(&server.store, org, Command::ScimCreateUser(user));
        let api = api(&server);
        let (_, users) = api.call(reqwest::Method::GET, "/users?status=pending", None);
        let dev = users[0]["id"].as_str().unwrap().to_owned();
        let scim_id = api
            .call(reqwest::Method::GET, &format!("/users/{dev}"), None)
            .1["scim_managed"]
            .clone();
        assert_eq!(scim_id, true);
        let store = &server.store;
        let scim_ref = store_scim_id(&server, &dev);
        idp_team(store, org, "Engineering", vec![scim_ref]);
        let (_, teams) = api.call(reqwest::Method::GET, &format!("/users/{dev}/teams"), None);
        let engineering = teams
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Engineering")
            .unwrap();
        assert_eq!(engineering["idp_managed"], true);
        assert_eq!(engineering["editable"], false, "{:?}", db.backend);
    }
}

/// The SCIM id the IdP knows a user by, read from the SCIM API.
fn store_scim_id(server: &TestServer, user: &str) -> String {
    let org = org(&server.store);
    let email = server
        .store
        .user(org, user.parse().unwrap())
        .unwrap()
        .unwrap()
        .email;
    let token = server
        .store
        .issue_scim_token(org, &Actor::operator(), t0())
        .unwrap();
    let filter = format!("userName eq \"{email}\"");
    let found: Value = client()
        .get(server.url("/scim/v2/acme/Users"))
        .query(&[("filter", filter.as_str())])
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    found["Resources"][0]["id"].as_str().unwrap().to_owned()
}

/// Posts a form of an admin page with the page's CSRF token.
fn post(admin: &Client, server: &TestServer, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let page = admin.get(server.url("/admin/users")).send().unwrap();
    let csrf = csrf_of(&page.text().unwrap());
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let response = admin.post(server.url(path)).form(&form).send().unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

// covers U4, U5, U6, U7, U8, T5
#[test]
fn the_profile_pages_invite_change_roles_deactivate_and_reactivate_by_adding_to_a_team() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        let org = org(&server.store);
        let store = &server.store;
        let support = local_team(store, org, "Support").to_string();
        idp_team(store, org, "Engineering", vec![]);
        let engineering = store
            .teams(org)
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Engineering")
            .unwrap()
            .id
            .to_string();
        let admin = signed_in(&server, "admin@acme.example");

        // U7: invited by email, not IdP-connected; the profile opens.
        let users = admin.get(server.url("/admin/users")).send().unwrap();
        assert!(users.text().unwrap().contains("never provision"));
        let fields = [("email", "guest@partner.example"), ("role", "expert")];
        let (status, profile) = post(&admin, &server, "/admin/users/invite", &fields);
        assert_eq!(status, 200, "{profile}");
        assert!(
            profile.contains("guest@partner.example")
                && profile.contains("Not connected to the IdP")
        );
        let guest = store
            .user_by_email(org, &Email::parse("guest@partner.example").unwrap())
            .unwrap()
            .unwrap();
        assert_eq!((guest.role, guest.idp_connected), (Role::Expert, false));
        let (status, again) = post(&admin, &server, "/admin/users/invite", &fields);
        assert_eq!(status, 409, "{again}");
        assert!(again.contains("id=\"error\""), "{again}");

        // U6: the role form; U3: deactivate.
        let base = format!("/admin/users/{}", guest.id);
        post(
            &admin,
            &server,
            &format!("{base}/role"),
            &[("role", "team_admin")],
        );
        post(&admin, &server, &format!("{base}/deactivate"), &[]);
        let guest = store.user(org, guest.id).unwrap().unwrap();
        assert_eq!(
            (guest.role, guest.status),
            (Role::TeamAdmin, UserStatus::Deactivated)
        );

        // U4: the deactivated filter lists them; adding them to a team reactivates them.
        let listed = admin
            .get(server.url("/admin/users?status=deactivated"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(listed.contains(&format!("href=\"{base}\"")), "{listed}");
        let (_, page) = post(
            &admin,
            &server,
            &format!("{base}/teams"),
            &[("team", &support)],
        );
        assert!(page.contains("Support"));
        assert_ne!(
            store.user(org, guest.id).unwrap().unwrap().status,
            UserStatus::Deactivated
        );

        // T5: the IdP team shows, disabled, in the picker, and adding is refused.
        let profile = admin.get(server.url(&base)).send().unwrap().text().unwrap();
        assert!(
            profile.contains(&format!(
                "<option value=\"{engineering}\" disabled>Engineering (IdP-managed"
            )),
            "{profile}"
        );
        let (status, refused) = post(
            &admin,
            &server,
            &format!("{base}/teams"),
            &[("team", &engineering)],
        );
        assert_eq!(status, 409);
        assert!(refused.contains("T5: "), "{refused}");

        // U4 again, by the Reactivate button (back to All Users).
        let jit = deactivated_jit_user(store, org, "left@acme.example");
        post(
            &admin,
            &server,
            &format!("/admin/users/{jit}/reactivate"),
            &[],
        );
        assert_eq!(
            store.user(org, jit).unwrap().unwrap().status,
            UserStatus::Pending
        );

        // U5: a SCIM-managed user is neither deactivated nor reactivated here.
        let gone = deactivated_scim_user(store, org, "gone@acme.example");
        let profile = admin
            .get(server.url(&format!("/admin/users/{gone}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(profile.contains("IdP · SCIM") && !profile.contains("id=\"reactivate\""));
        let (status, refused) = post(
            &admin,
            &server,
            &format!("/admin/users/{gone}/reactivate"),
            &[],
        );
        assert_eq!(status, 409);
        assert!(refused.contains("U5: "), "{refused}");
        assert_eq!(
            store.user(org, gone).unwrap().unwrap().status,
            UserStatus::Deactivated,
            "{:?}",
            db.backend
        );
    }
}

// covers T2, T4, T6, S3
#[test]
fn the_team_pages_create_list_members_merge_duplicates_and_the_connect_page_syncs() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        let org = org(&server.store);
        let store = &server.store;
        let admin = signed_in(&server, "admin@acme.example");

        // T6: a new local team, then its member list.
        let (status, _) = post(&admin, &server, "/admin/teams", &[("name", "Design")]);
        assert_eq!(status, 200);
        let design = store
            .teams(org)
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Design")
            .unwrap();
        let fields = [
            ("team", design.id.to_string()),
            ("email", "viewer@acme.example".into()),
            ("back", "team".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (_, members) = post(&admin, &server, "/admin/teams/members", &fields);
        assert!(
            members.contains("id=\"members\"") && members.contains("viewer@acme.example"),
            "{members}"
        );
        let (status, empty) = post(&admin, &server, "/admin/teams", &[("name", " ")]);
        assert_eq!(status, 400);
        assert!(empty.contains("Enter the new team"));

        // T2: the IdP pushes a group of the same name: both flagged, previewed, merged.
        idp_team(store, org, "Design", vec![]);
        let teams = admin
            .get(server.url("/admin/teams"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(teams.contains("id=\"merge-preview\""), "{teams}");
        assert!(teams.contains("1 member(s) move"), "{teams}");
        assert_eq!(
            store.teams(org).unwrap().len(),
            4,
            "the preview changes nothing"
        );
        post(&admin, &server, "/admin/teams/merge", &[]);
        let designs: Vec<_> = store
            .teams(org)
            .unwrap()
            .into_iter()
            .filter(|t| t.name == "Design")
            .collect();
        assert_eq!(designs.len(), 1);
        assert_eq!((designs[0].members, designs[0].duplicate), (1, false));

        // S3: the sync button shows once connected, and runs the sync.
        let connect_page = admin
            .get(server.url("/admin/connect"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(!connect_page.contains("id=\"sync\""));
        connect(store, org);
        let connect_page = admin
            .get(server.url("/admin/connect"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(connect_page.contains("id=\"sync\""));
        let (status, synced) = post(&admin, &server, "/admin/connect/sync", &[]);
        assert_eq!(status, 200);
        assert!(synced.contains("Manual sync finished"), "{synced}");
        let audit = store
            .audit(
                org,
                &tessera_store::AuditFilter {
                    action: Some("org.synced".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(audit.len(), 1, "{:?}", db.backend);
    }
}

// covers U4, U6, U7, U8, T2, T4, T5, T6, S3, L5
#[test]
fn an_account_admin_manages_users_and_teams_in_chromium() {
    if !browser::available() {
        return;
    }
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| {
        c.demo_org = false;
        c.workers = Some(2);
    });
    seed(&server.store);
    let store = &server.store;
    let org = org(store);
    deactivated_jit_user(store, org, "left@acme.example");
    local_team(store, org, "Support");
    let design = local_team(store, org, "Design");
    let viewer = store
        .user_by_email(org, &Email::parse("viewer@acme.example").unwrap())
        .unwrap()
        .unwrap();
    let add = Command::AddTeamMember {
        by: tessera_policy::Actor::Operator,
        team: design,
        user: viewer.id,
    };
    scim(store, org, add);
    connect(store, org);
    idp_team(store, org, "Design", vec![]);
    idp_team(store, org, "Engineering", vec!["not-pushed-yet".into()]);
    let url = server.url("");
    browser::walk(
        "manage.test.mjs",
        "manage",
        [url.as_str(), "acme", "admin@acme.example", PASSWORD],
    );
}
