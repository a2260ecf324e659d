//! The admin pages: account admins only, CSRF on forms, escaping, security headers;
//! and the end-to-end walk in headless Chromium (when Chromium and the test's npm
//! packages are installed).

use crate::browser;
use crate::support::{TestServer, t0};
use reqwest::blocking::Client;
use tessera_core::{
    Email, LoginMethod, OrgKind, Role, Source, UserStatus, WorkspaceName, hash_password,
};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, NewUser, Store};

const OKTA: &str = include_str!("../../../../fixtures/saml/idp-metadata/okta.xml");
pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// An enabled production org `acme` with an account admin and a viewer, both with a password.
pub(crate) fn seed(store: &Store) {
    let ws = WorkspaceName::parse("acme").unwrap();
    let org = store
        .create_org(&ws, OrgKind::Production, &Actor::operator(), t0())
        .unwrap();
    store
        .set_sso_enabled(&ws, true, &Actor::operator(), t0())
        .unwrap();
    for (email, role) in [
        ("admin@acme.example", Role::AccountAdmin),
        ("viewer@acme.example", Role::Viewer),
    ] {
        let user = NewUser {
            email: Email::parse(email).unwrap(),
            given_name: None,
            family_name: None,
            status: UserStatus::Active,
            role,
            login_method: LoginMethod::Password,
            created_by: Source::Cli,
        };
        let user = store
            .create_user(org.id, &user, &Actor::operator(), t0())
            .unwrap();
        store
            .set_password_hash(org.id, user.id, &hash_password(PASSWORD).unwrap(), t0())
            .unwrap();
    }
}

pub(crate) fn csrf_of(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

pub(crate) fn signed_in(server: &TestServer, email: &str) -> Client {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let login = client
        .get(server.url("/login"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let form = [
        ("csrf", csrf_of(&login)),
        ("ws", "acme".into()),
        ("email", email.into()),
        ("password", PASSWORD.into()),
        ("next", "/app".into()),
    ];
    let response = client
        .post(server.url("/login/password"))
        .form(&form)
        .send()
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    client
}

// covers C2, T4, T5
#[test]
fn pages_need_an_account_admin_a_csrf_token_and_escape_what_they_show() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        assert_eq!(
            Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(server.url("/admin/connect"))
                .send()
                .unwrap()
                .status(),
            303,
            "to the login page"
        );
        let viewer = signed_in(&server, "viewer@acme.example");
        assert_eq!(
            viewer
                .get(server.url("/admin/users"))
                .send()
                .unwrap()
                .status(),
            403
        );

        let admin = signed_in(&server, "admin@acme.example");
        let page = admin.get(server.url("/admin/connect")).send().unwrap();
        assert_eq!(page.status(), 200);
        for header in [
            "content-security-policy",
            "x-frame-options",
            "x-content-type-options",
            "referrer-policy",
        ] {
            assert!(page.headers().contains_key(header), "{header}");
        }
        let forged = admin
            .post(server.url("/admin/connect/mode"))
            .form(&[("mode", "scim"), ("csrf", "forged")])
            .send()
            .unwrap();
        assert_eq!(forged.status(), 403);
        let org = server
            .store
            .org(&WorkspaceName::parse("acme").unwrap())
            .unwrap();
        assert_eq!(
            server.store.walkthrough(org.id).unwrap().step.as_str(),
            "not_started"
        );

        let token = csrf_of(&page.text().unwrap());
        let started = admin
            .post(server.url("/admin/connect/mode"))
            .form(&[("mode", "scim"), ("csrf", token.as_str())])
            .send()
            .unwrap();
        assert!(
            started
                .text()
                .unwrap()
                .contains("Download user-mapping-acme.xlsx")
        );
        let refused = admin
            .post(server.url("/admin/connect/idp"))
            .form(&[("metadata_xml", OKTA), ("csrf", token.as_str())])
            .send()
            .unwrap();
        assert_eq!(refused.status(), 409);
        assert!(
            refused
                .text()
                .unwrap()
                .contains("C2: upload the filled-in mapping sheet first")
        );

        let command = tessera_policy::Command::CreateTeam {
            by: tessera_policy::Actor::Operator,
            name: "<script>alert(1)</script>".into(),
            description: String::new(),
        };
        server.store.execute(org.id, &command, t0()).unwrap();
        let teams = admin
            .get(server.url("/admin/teams"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(
            teams.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && !teams.contains("<script>alert")
        );
        let guide = admin
            .get(server.url("/admin/guides/entra"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(guide.contains("/saml/acme/acs") && guide.contains("objectId"));
    }
}

// covers C1, C2, C3, M1, M2, M3, U8, T2, T4, T5
#[test]
fn an_account_admin_walks_the_scim_connect_flow_in_chromium() {
    if !browser::available() {
        return;
    }
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| {
        c.demo_org = false;
        c.workers = Some(2);
        c.body_limit_bytes = 1024 * 1024;
    });
    seed(&server.store);
    let okta = browser::repo_file("fixtures/saml/idp-metadata/okta.xml");
    let okta = okta.to_str().unwrap();
    let url = server.url("");
    let args = [url.as_str(), "acme", "admin@acme.example", PASSWORD, okta];
    browser::walk("connect.test.mjs", "connect", args);
}

// covers T4, T5, T6
#[test]
fn the_teams_page_edits_idp_team_descriptions_removes_local_members_and_shows_refusals() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        seed(&server.store);
        let org = server
            .store
            .org(&WorkspaceName::parse("acme").unwrap())
            .unwrap()
            .id;
        let eng = server
            .store
            .execute(
                org,
                &tessera_policy::Command::ScimCreateGroup(tessera_policy::ProvisionedGroup {
                    display_name: "Engineering".into(),
                    external_id: None,
                    members: vec![],
                }),
                t0(),
            )
            .unwrap();
        let Some(tessera_policy::Subject::Team(eng)) = eng.subject else {
            panic!()
        };
        let admin = signed_in(&server, "admin@acme.example");
        let page = admin
            .get(server.url("/admin/teams"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let csrf = csrf_of(&page);

        // T4: an IdP team's description and access settings are editable here.
        let edited = admin
            .post(server.url(&format!("/admin/teams/{eng}/edit")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("description", "Builds it"),
                ("access_settings", r#"{"content":"all"}"#),
            ])
            .send()
            .unwrap();
        assert!(edited.status().is_success());
        let team = server
            .store
            .teams(org)
            .unwrap()
            .into_iter()
            .find(|t| t.id == eng)
            .unwrap();
        assert_eq!(team.description, "Builds it");
        assert_eq!(team.access_settings["content"], "all");

        // T4: renaming it is refused, and the page says why.
        let refused = admin
            .post(server.url(&format!("/admin/teams/{eng}/rename")))
            .form(&[("csrf", csrf.as_str()), ("name", "Eng")])
            .send()
            .unwrap();
        assert_eq!(refused.status(), 409);
        let refused = refused.text().unwrap();
        assert!(
            refused.contains("T4: an IdP-managed team cannot be renamed"),
            "{refused}"
        );

        // T6, T5: a local team's member can be added and removed here.
        server
            .store
            .execute(
                org,
                &tessera_policy::Command::CreateTeam {
                    by: tessera_policy::Actor::Operator,
                    name: "Support".into(),
                    description: String::new(),
                },
                t0(),
            )
            .unwrap();
        let support = server
            .store
            .teams(org)
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Support")
            .unwrap()
            .id;
        let support_id = support.to_string();
        let member = [
            ("csrf", csrf.as_str()),
            ("team", support_id.as_str()),
            ("email", "viewer@acme.example"),
        ];
        assert!(
            admin
                .post(server.url("/admin/teams/members"))
                .form(&member)
                .send()
                .unwrap()
                .status()
                .is_success()
        );
        let count = |store: &Store| {
            store
                .teams(org)
                .unwrap()
                .into_iter()
                .find(|t| t.id == support)
                .unwrap()
                .members
        };
        assert_eq!(count(&server.store), 1);
        assert!(
            admin
                .post(server.url("/admin/teams/members/remove"))
                .form(&member)
                .send()
                .unwrap()
                .status()
                .is_success()
        );
        assert_eq!(count(&server.store), 0, "{:?}", db.backend);
        let bad_json = admin
            .post(server.url(&format!("/admin/teams/{eng}/edit")))
            .form(&[("csrf", csrf.as_str()), ("access_settings", "[1,2]")])
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(bad_json.contains("must be a JSON object"), "{bad_json}");
    }
}

// covers T4: a link cannot make the teams page say what it likes
#[test]
fn the_teams_page_shows_no_text_a_link_carries() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    seed(&server.store);
    let admin = signed_in(&server, "admin@acme.example");
    let phishing = "Your account is locked. Call +1-555-0100 now";
    let query: String = form_urlencoded::byte_serialize(phishing.as_bytes()).collect();
    for page in ["teams", "connect", "users", "audit"] {
        let shown = admin
            .get(server.url(&format!("/admin/{page}?error={query}&message={query}")))
            .send()
            .unwrap();
        assert_eq!(shown.status(), 200, "{page}");
        let shown = shown.text().unwrap();
        assert!(
            !shown.contains("+1-555") && !shown.contains("id=\"error\""),
            "{page}: {shown}"
        );
    }
}

// covers U8
#[test]
fn the_users_page_pages_through_large_orgs() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    seed(&server.store);
    let org = server
        .store
        .org(&WorkspaceName::parse("acme").unwrap())
        .unwrap()
        .id;
    for n in 0..205 {
        let user = NewUser {
            email: Email::parse(&format!("user{n:03}@acme.example")).unwrap(),
            given_name: None,
            family_name: None,
            status: UserStatus::Pending,
            role: Role::Viewer,
            login_method: LoginMethod::Password,
            created_by: Source::Cli,
        };
        server
            .store
            .create_user(org, &user, &Actor::operator(), t0())
            .unwrap();
    }
    let admin = signed_in(&server, "admin@acme.example");
    let first = admin
        .get(server.url("/admin/users"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(first.matches("<tr data-email").count(), 200);
    assert!(first.contains("page=2") && !first.contains("Previous"));
    let second = admin
        .get(server.url("/admin/users?page=2"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(second.matches("<tr data-email").count(), 7);
    assert!(second.contains("Previous") && !second.contains("Next"));
    let pending = admin
        .get(server.url("/admin/users?status=pending&page=2"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(pending.matches("<tr data-email").count(), 5);
}

#[test]
fn the_webhooks_page_adds_with_the_secret_shown_once_replays_removes_and_refuses_private_urls() {
    let db = TestDatabase::sqlite().unwrap();
    let guarded = TestServer::start_with(&db, |c| c.demo_org = false);
    seed(&guarded.store);
    let admin = signed_in(&guarded, "admin@acme.example");
    let page = admin
        .get(guarded.url("/admin/webhooks"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let csrf = csrf_of(&page);
    let refused = admin
        .post(guarded.url("/admin/webhooks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("url", "http://169.254.169.254/latest"),
            ("types", ""),
        ])
        .send()
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().unwrap().contains("not a public address"));
    let forged = admin
        .post(guarded.url("/admin/webhooks"))
        .form(&[("csrf", "forged"), ("url", "https://example.com/hook")])
        .send()
        .unwrap();
    assert_eq!(forged.status(), 403, "CSRF like the other pages");
    drop(guarded);

    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| {
            c.demo_org = false;
            c.webhooks_allow_private_urls = true;
        });
        seed(&server.store);
        let admin = signed_in(&server, "admin@acme.example");
        let page = admin
            .get(server.url("/admin/webhooks"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let csrf = csrf_of(&page);
        let added = admin
            .post(server.url("/admin/webhooks"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("url", "http://127.0.0.1:9/hook"),
                ("types", "user.created"),
            ])
            .send()
            .unwrap();
        assert_eq!(added.status(), 201);
        let added = added.text().unwrap();
        assert!(added.contains("whsec_"), "the secret, once");
        let start = added.find("whep_").unwrap();
        let id = &added[start..start + 37];
        let listed = admin
            .get(server.url("/admin/webhooks"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(
            listed.contains(id) && !listed.contains("whsec_"),
            "listed without its secret"
        );
        let replayed = admin
            .post(server.url(&format!("/admin/webhooks/{id}/replay")))
            .form(&[("csrf", csrf.as_str()), ("from_seq", "1")])
            .send()
            .unwrap();
        assert!(replayed.status().is_success(), "{}", replayed.status());
        let removed = admin
            .post(server.url(&format!("/admin/webhooks/{id}/remove")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .unwrap();
        assert!(removed.status().is_success());
        assert!(!removed.text().unwrap().contains(id), "gone from the page");
    }
}
