//! Login (email first, L2/L3), sessions shared through the database (L4), the
//! extension's tokens, CSRF and redirects.

use crate::support::{TestServer, t0};
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use tessera_core::{
    Email, LoginMethod, OrgKind, Role, Source, UserStatus, WorkspaceName, hash_password,
};
use tessera_policy::{Command, ProvisionedUser};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, NewUser, Store};

pub(crate) const PASSWORD: &str = "correct horse battery staple";

pub(crate) fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub(crate) fn user(
    store: &Store,
    org: tessera_core::OrgId,
    email: &str,
    method: LoginMethod,
    role: Role,
) -> tessera_core::UserId {
    let user = store
        .create_user(
            org,
            &NewUser {
                email: Email::parse(email).unwrap(),
                given_name: None,
                family_name: None,
                status: UserStatus::Pending,
                role,
                login_method: method,
                created_by: Source::Cli,
            },
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    store
        .set_password_hash(org, user.id, &hash_password(PASSWORD).unwrap(), t0())
        .unwrap();
    user.id
}

pub(crate) fn org(store: &Store, name: &str) -> tessera_core::OrgId {
    store
        .create_org(
            &WorkspaceName::parse(name).unwrap(),
            OrgKind::Production,
            &Actor::operator(),
            t0(),
        )
        .unwrap()
        .id
}

/// The CSRF token of the login page (its cookie lands in the client's jar).
pub(crate) fn csrf(client: &Client, server: &TestServer) -> String {
    let page = client
        .get(server.url("/login"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let start = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

pub(crate) fn post(
    client: &Client,
    server: &TestServer,
    path: &str,
    form: &[(&str, &str)],
) -> Response {
    client.post(server.url(path)).form(form).send().unwrap()
}

pub(crate) fn sign_in(
    client: &Client,
    server: &TestServer,
    ws: &str,
    email: &str,
    password: &str,
) -> Response {
    let token = csrf(client, server);
    post(
        client,
        server,
        "/login/password",
        &[
            ("csrf", &token),
            ("ws", ws),
            ("email", email),
            ("password", password),
            ("next", "/app"),
        ],
    )
}

// covers L2, L3, U1
#[test]
fn l3_a_password_account_signs_in_and_sees_app() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = org(&server.store, "acme");
        let id = user(
            &server.store,
            acme,
            "ada@acme.example",
            LoginMethod::Password,
            Role::Viewer,
        );
        let client = browser();
        let token = csrf(&client, &server);
        let ask = post(
            &client,
            &server,
            "/login",
            &[("csrf", &token), ("email", "Ada@Acme.example"), ("ws", "")],
        );
        assert_eq!(ask.status(), 200);
        let ask = ask.text().unwrap();
        assert!(
            ask.contains("Enter your workspace name too.") && !ask.contains("acme"),
            "no workspace is looked up from the email: {ask}"
        );
        let step = post(
            &client,
            &server,
            "/login",
            &[
                ("csrf", &token),
                ("email", "Ada@Acme.example"),
                ("ws", "acme"),
                ("next", "/app"),
            ],
        );
        assert_eq!(step.status(), 200);
        let body = step.text().unwrap();
        assert!(body.contains("name=\"password\""), "password step: {body}");
        assert!(
            !body.contains("identity provider"),
            "no SSO before a connection"
        );

        let wrong = sign_in(
            &client,
            &server,
            "acme",
            "ada@acme.example",
            "wrong password!",
        );
        assert_eq!(wrong.status(), 401);
        assert!(wrong.text().unwrap().contains("Wrong email or password."));

        let ok = sign_in(&client, &server, "acme", "ada@acme.example", PASSWORD);
        assert_eq!(ok.status(), 303, "{:?}", db.backend);
        assert_eq!(ok.headers()["location"], "/app");
        let cookie = ok.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("tessera_session=tsr_web_"), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "plain http public URL: no Secure flag"
        );
        let app = client
            .get(server.url("/app"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(
            app.contains("ada@acme.example") && app.contains("All Users"),
            "{app}"
        );
        let user = server.store.user(acme, id).unwrap().unwrap();
        assert_eq!(
            user.status,
            UserStatus::Active,
            "U1: first login makes the user active"
        );
    }
}

// covers L2, L3
#[test]
fn l3_sso_created_accounts_are_sent_to_the_idp_and_never_take_a_password() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = org(&server.store, "acme");
    user(
        &server.store,
        acme,
        "old@acme.example",
        LoginMethod::Password,
        Role::Viewer,
    );
    server
        .store
        .execute(
            acme,
            &Command::CompleteConnection {
                by: tessera_policy::Actor::Operator,
                mode: tessera_core::ConnectionMode::Scim,
            },
            t0(),
        )
        .unwrap();
    let decision = server
        .store
        .execute(
            acme,
            &Command::ScimCreateUser(ProvisionedUser {
                email: Some(Email::parse("new@acme.example").unwrap()),
                ..ProvisionedUser::new(tessera_core::UserName::parse("new@acme.example").unwrap())
            }),
            t0(),
        )
        .unwrap();
    let Some(tessera_policy::Subject::User(new)) = decision.subject else {
        panic!()
    };
    // Even with a password hash planted, an SSO-only account cannot use it.
    server
        .store
        .set_password_hash(acme, new, &hash_password(PASSWORD).unwrap(), t0())
        .unwrap();
    let client = browser();
    let token = csrf(&client, &server);
    let sso = post(
        &client,
        &server,
        "/login",
        &[
            ("csrf", &token),
            ("email", "new@acme.example"),
            ("ws", "acme"),
        ],
    );
    assert_eq!(sso.status(), 303);
    let location = sso.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/saml/acme/login?login_hint=new%40acme.example"),
        "{location}"
    );
    assert_eq!(
        sign_in(&client, &server, "acme", "new@acme.example", PASSWORD).status(),
        401
    );

    let both = post(
        &client,
        &server,
        "/login",
        &[
            ("csrf", &token),
            ("email", "old@acme.example"),
            ("ws", "acme"),
        ],
    );
    let body = both.text().unwrap();
    assert!(
        body.contains("name=\"password\"") && body.contains("identity provider"),
        "L3: both ways: {body}"
    );
}

#[test]
fn forms_without_the_csrf_cookie_are_refused() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = org(&server.store, "acme");
    user(
        &server.store,
        acme,
        "ada@acme.example",
        LoginMethod::Password,
        Role::Viewer,
    );
    let attacker = browser();
    let response = post(
        &attacker,
        &server,
        "/login/password",
        &[
            ("csrf", "guess"),
            ("ws", "acme"),
            ("email", "ada@acme.example"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none(), "no session");
}

#[test]
fn next_only_goes_to_paths_on_this_host() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = org(&server.store, "acme");
    user(
        &server.store,
        acme,
        "ada@acme.example",
        LoginMethod::Password,
        Role::Viewer,
    );
    for (next, expected) in [
        ("https://evil.example/", "/app"),
        ("//evil.example", "/app"),
        ("javascript:alert(1)", "/app"),
        ("/app?tab=teams", "/app?tab=teams"),
    ] {
        let client = browser();
        let token = csrf(&client, &server);
        let response = post(
            &client,
            &server,
            "/login/password",
            &[
                ("csrf", &token),
                ("ws", "acme"),
                ("email", "ada@acme.example"),
                ("password", PASSWORD),
                ("next", next),
            ],
        );
        assert_eq!(response.headers()["location"], expected, "{next}");
    }
}

// covers L4
#[test]
fn l4_sessions_live_in_the_database_and_logout_ends_them() {
    for db in TestDatabase::all() {
        let first = TestServer::start_with(&db, |c| c.demo_org = false);
        let second = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = org(&first.store, "acme");
        user(
            &first.store,
            acme,
            "ada@acme.example",
            LoginMethod::Password,
            Role::Viewer,
        );
        let client = browser();
        let ok = sign_in(&client, &first, "acme", "ada@acme.example", PASSWORD);
        let cookie = ok.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let other = Client::builder().redirect(Policy::none()).build().unwrap();
        let seen = other
            .get(second.url("/app"))
            .header("cookie", &cookie)
            .send()
            .unwrap();
        assert_eq!(
            seen.status(),
            200,
            "another server process knows the session"
        );

        let token = csrf(&client, &first);
        let out = post(&client, &first, "/logout", &[("csrf", &token)]);
        assert_eq!(out.status(), 303);
        let after = other
            .get(second.url("/app"))
            .header("cookie", &cookie)
            .send()
            .unwrap();
        assert_eq!(after.status(), 303);
        assert_eq!(after.headers()["location"], "/login?next=%2Fapp");
    }
}

// covers L4
#[test]
fn l4_the_extension_trades_its_session_for_refresh_and_access_tokens() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = org(&server.store, "acme");
    user(
        &server.store,
        acme,
        "ada@acme.example",
        LoginMethod::Password,
        Role::Viewer,
    );
    let client = browser();
    sign_in(&client, &server, "acme", "ada@acme.example", PASSWORD);
    let refresh: serde_json::Value = client
        .post(server.url("/auth/token"))
        .json(&serde_json::json!({"grant_type": "session"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let refresh_token = refresh["refresh_token"].as_str().unwrap();
    assert!(refresh_token.starts_with("tsr_rt_"));
    let extension = Client::new();
    let access: serde_json::Value = extension
        .post(server.url("/auth/token"))
        .json(&serde_json::json!({"grant_type": "refresh_token", "refresh_token": refresh_token}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(access["expires_in"], 900);
    let me: serde_json::Value = extension
        .get(server.url("/api/v1/me"))
        .bearer_auth(access["access_token"].as_str().unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["user"]["email"], "ada@acme.example");
    let bad = extension
        .post(server.url("/auth/token"))
        .json(&serde_json::json!({"grant_type": "refresh_token", "refresh_token": "tsr_rt_forged"}))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 401);
    let no_session = extension
        .post(server.url("/auth/token"))
        .json(&serde_json::json!({"grant_type": "session"}))
        .send()
        .unwrap();
    assert_eq!(no_session.status(), 401);
    // A refresh token is not an access token.
    let misuse = extension
        .get(server.url("/api/v1/me"))
        .bearer_auth(refresh_token)
        .send()
        .unwrap();
    assert_eq!(misuse.status(), 401);

    // Signing out of the browser revokes what its session handed the extension.
    let token = csrf(&client, &server);
    assert_eq!(
        post(&client, &server, "/logout", &[("csrf", &token)]).status(),
        303
    );
    let refreshed = extension
        .post(server.url("/auth/token"))
        .json(&serde_json::json!({"grant_type": "refresh_token", "refresh_token": refresh_token}))
        .send()
        .unwrap();
    assert_eq!(refreshed.status(), 401, "refresh token revoked by logout");
    let me = extension
        .get(server.url("/api/v1/me"))
        .bearer_auth(access["access_token"].as_str().unwrap())
        .send()
        .unwrap();
    assert_eq!(me.status(), 401, "access token revoked by logout");
}

#[test]
fn the_admin_api_accepts_an_account_admins_session_for_their_org_only() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = org(&server.store, "acme");
        org(&server.store, "other");
        user(
            &server.store,
            acme,
            "boss@acme.example",
            LoginMethod::Password,
            Role::AccountAdmin,
        );
        user(
            &server.store,
            acme,
            "ada@acme.example",
            LoginMethod::Password,
            Role::Viewer,
        );
        let admin = browser();
        sign_in(&admin, &server, "acme", "boss@acme.example", PASSWORD);
        let users = admin
            .get(server.url("/api/v1/orgs/acme/users"))
            .send()
            .unwrap();
        assert_eq!(users.status(), 200, "{:?}", db.backend);
        assert_eq!(
            admin
                .get(server.url("/api/v1/orgs/other/users"))
                .send()
                .unwrap()
                .status(),
            404
        );
        let created = admin
            .post(server.url("/api/v1/orgs/acme/teams"))
            .json(&serde_json::json!({"name": "Ops"}))
            .send()
            .unwrap();
        assert_eq!(created.status(), 201);
        let forged = admin
            .post(server.url("/api/v1/orgs/acme/teams"))
            .header("origin", "https://evil.example")
            .json(&serde_json::json!({"name": "Evil"}))
            .send()
            .unwrap();
        assert_eq!(forged.status(), 403);

        let viewer = browser();
        sign_in(&viewer, &server, "acme", "ada@acme.example", PASSWORD);
        assert_eq!(
            viewer
                .get(server.url("/api/v1/orgs/acme/users"))
                .send()
                .unwrap()
                .status(),
            403
        );
        assert_eq!(
            browser()
                .get(server.url("/api/v1/orgs/acme/users"))
                .send()
                .unwrap()
                .status(),
            401
        );
    }
}

// covers U7, U1
#[test]
fn u7_an_invited_person_sets_a_password_once_and_is_signed_in() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = org(&server.store, "acme");
        let invited = server
            .store
            .execute(
                acme,
                &Command::InviteUser {
                    by: tessera_policy::Actor::Operator,
                    email: Email::parse("new@acme.example").unwrap(),
                    role: Role::Viewer,
                    given_name: None,
                    family_name: None,
                    channel: tessera_policy::InviteChannel::Email,
                },
                t0(),
            )
            .unwrap();
        let Some(tessera_policy::Subject::User(id)) = invited.subject else {
            panic!()
        };
        let token = server
            .store
            .issue_invitation_link(acme, id, chrono::Duration::days(7), t0())
            .unwrap();
        let client = browser();
        let page = client
            .get(server.url(&format!("/invite/{token}")))
            .send()
            .unwrap();
        assert_eq!(page.status(), 200);
        let body = page.text().unwrap();
        assert!(
            body.contains("new@acme.example") && body.contains("name=\"confirm\""),
            "{body}"
        );
        let start = body.find("name=\"csrf\" value=\"").unwrap() + 19;
        let csrf = body[start..start + body[start..].find('"').unwrap()].to_owned();
        let url = server.url(&format!("/invite/{token}"));
        let short = client
            .post(&url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("password", "short"),
                ("confirm", "short"),
            ])
            .send()
            .unwrap();
        assert_eq!(short.status(), 400);
        assert!(short.text().unwrap().contains("at least 10 characters"));
        let ok = client
            .post(&url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ])
            .send()
            .unwrap();
        assert_eq!(ok.status(), 303, "{:?}", db.backend);
        assert!(
            client
                .get(server.url("/app"))
                .send()
                .unwrap()
                .text()
                .unwrap()
                .contains("new@acme.example")
        );
        assert_eq!(
            server.store.user(acme, id).unwrap().unwrap().status,
            UserStatus::Active
        );
        let reused = client.get(&url).send().unwrap();
        assert_eq!(reused.status(), 404, "a link works once");
        assert_eq!(
            sign_in(&browser(), &server, "acme", "new@acme.example", PASSWORD).status(),
            303
        );
    }
}

#[test]
fn an_expired_or_forged_invitation_link_is_refused() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = org(&server.store, "acme");
    let id = user(
        &server.store,
        acme,
        "ada@acme.example",
        LoginMethod::Password,
        Role::Viewer,
    );
    let old = server
        .store
        .issue_invitation_link(
            acme,
            id,
            chrono::Duration::days(7),
            t0() - chrono::Duration::days(8),
        )
        .unwrap();
    let client = browser();
    assert_eq!(
        client
            .get(server.url(&format!("/invite/{old}")))
            .send()
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        client
            .get(server.url("/invite/tsr_inv_forged"))
            .send()
            .unwrap()
            .status(),
        404
    );
    let first = server
        .store
        .issue_invitation_link(acme, id, chrono::Duration::days(7), t0())
        .unwrap();
    let second = server
        .store
        .issue_invitation_link(acme, id, chrono::Duration::days(7), t0())
        .unwrap();
    assert_eq!(
        client
            .get(server.url(&format!("/invite/{first}")))
            .send()
            .unwrap()
            .status(),
        404,
        "a new link replaces the old"
    );
    assert_eq!(
        client
            .get(server.url(&format!("/invite/{second}")))
            .send()
            .unwrap()
            .status(),
        200
    );
}

// covers C4
#[test]
fn c4_connecting_the_idp_logs_nobody_out() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let acme = org(&server.store, "acme");
        user(
            &server.store,
            acme,
            "ada@acme.example",
            LoginMethod::Password,
            Role::Viewer,
        );
        let client = browser();
        sign_in(&client, &server, "acme", "ada@acme.example", PASSWORD);
        assert_eq!(client.get(server.url("/app")).send().unwrap().status(), 200);
        server
            .store
            .execute(
                acme,
                &Command::CompleteConnection {
                    by: tessera_policy::Actor::Operator,
                    mode: tessera_core::ConnectionMode::Jit,
                },
                t0(),
            )
            .unwrap();
        assert_eq!(
            client.get(server.url("/app")).send().unwrap().status(),
            200,
            "{:?}",
            db.backend
        );
    }
}

#[test]
fn the_demo_admin_gets_a_link_to_set_a_password() {
    let db = TestDatabase::sqlite().unwrap();
    let store = db.open();
    let clock = tessera_core::FixedClock::new(t0());
    let (org, link) = tessera_http::ensure_demo_org(&store, &clock, "http://127.0.0.1:8080/")
        .unwrap()
        .unwrap();
    assert_eq!(org.name.as_str(), "demo");
    assert!(
        link.starts_with("http://127.0.0.1:8080/invite/tsr_inv_"),
        "{link}"
    );
    assert!(
        tessera_http::ensure_demo_org(&store, &clock, "http://x")
            .unwrap()
            .is_none(),
        "only once"
    );
    let server = TestServer::start(&db);
    let path = &link["http://127.0.0.1:8080".len()..];
    let page = browser().get(server.url(path)).send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("admin@demo.example"));
}
