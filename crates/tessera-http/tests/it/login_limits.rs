//! The brute-force brake on password sign-in (issue #9 item 6): failures per account
//! and per client, counted in the database so every server applies them, answered with
//! 429 and `Retry-After` before any hash is checked; and no answer that tells whether
//! an account exists.

use crate::login::{PASSWORD, browser, csrf, org, post, sign_in, user};
use crate::support::{TestServer, t0};
use reqwest::blocking::Client;
use reqwest::redirect::Policy;
use std::net::{IpAddr, Ipv4Addr};
use tessera_core::{LoginMethod, Role};
use tessera_store::testing::TestDatabase;
use tessera_store::{SessionKind, Store};

/// A browser whose requests come from `127.0.0.x`.
fn browser_at(x: u8) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, x)))
        .build()
        .unwrap()
}

fn viewer(
    server: &TestServer,
    org: tessera_core::OrgId,
    email: &str,
    method: LoginMethod,
) -> tessera_core::UserId {
    user(&server.store, org, email, method, Role::Viewer)
}

/// The status and page, with what was typed masked (so pages can be compared).
fn typed_out(
    response: reqwest::blocking::Response,
    ws: &str,
    email: &str,
) -> (reqwest::StatusCode, String) {
    let status = response.status();
    let text = response.text().unwrap().replace(email, "EMAIL");
    match ws {
        "" => (status, text),
        ws => (status, text.replace(ws, "WS")),
    }
}

fn acme_with_ada(store: &Store) {
    let acme = org(store, "acme");
    for email in ["ada@acme.example", "bob@acme.example"] {
        user(store, acme, email, LoginMethod::Password, Role::Viewer);
    }
}

// covers L3
#[test]
fn the_eleventh_attempt_gets_429_even_with_the_right_password_on_every_server() {
    for db in TestDatabase::all() {
        let first = TestServer::start_with(&db, |c| c.demo_org = false);
        let second = TestServer::start_with(&db, |c| c.demo_org = false);
        acme_with_ada(&first.store);
        let attacker = browser();
        for attempt in 1..=10 {
            let server = if attempt % 2 == 0 { &second } else { &first };
            let wrong = sign_in(
                &attacker,
                server,
                "acme",
                "ada@acme.example",
                "not the password",
            );
            assert_eq!(wrong.status(), 401, "{:?}: attempt {attempt}", db.backend);
        }
        for server in [&first, &second] {
            let blocked = sign_in(&attacker, server, "acme", "ada@acme.example", PASSWORD);
            assert_eq!(
                blocked.status(),
                429,
                "{:?}: the servers share the count",
                db.backend
            );
            assert_eq!(
                blocked.headers()["retry-after"],
                "900",
                "the window began at t0"
            );
            assert!(
                blocked
                    .headers()
                    .get("set-cookie")
                    .is_none_or(|c| { !c.to_str().unwrap().starts_with("tessera_session") })
            );
            assert!(blocked.text().unwrap().contains("Too many failed sign-ins"));
        }
        let ada_elsewhere = browser_at(2);
        let still = sign_in(&ada_elsewhere, &first, "acme", "ada@acme.example", PASSWORD);
        assert_eq!(
            still.status(),
            429,
            "the account limit holds for every client"
        );
        let bob = sign_in(
            &browser_at(3),
            &second,
            "acme",
            "bob@acme.example",
            PASSWORD,
        );
        assert_eq!(
            bob.status(),
            303,
            "another account from another client signs in"
        );
    }
}

#[test]
fn a_client_that_tries_many_accounts_is_stopped() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| {
        c.demo_org = false;
        c.login_max_failures_per_client = 3;
    });
    acme_with_ada(&server.store);
    let sprayer = browser_at(4);
    for email in ["a@acme.example", "b@acme.example", "c@acme.example"] {
        assert_eq!(
            sign_in(&sprayer, &server, "acme", email, PASSWORD).status(),
            401
        );
    }
    let blocked = sign_in(&sprayer, &server, "acme", "ada@acme.example", PASSWORD);
    assert_eq!(
        blocked.status(),
        429,
        "the client's limit, whatever the account"
    );
    assert_eq!(blocked.headers()["retry-after"], "900");
    let ada = sign_in(
        &browser_at(5),
        &server,
        "acme",
        "ada@acme.example",
        PASSWORD,
    );
    assert_eq!(ada.status(), 303, "the account itself is not locked");
}

// covers L3
#[test]
fn unknown_accounts_wrong_passwords_and_sso_accounts_answer_alike() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| {
        c.demo_org = false;
        c.login_max_failures_per_account = 2;
    });
    let acme = org(&server.store, "acme");
    viewer(&server, acme, "ada@acme.example", LoginMethod::Password);
    viewer(&server, acme, "sso@acme.example", LoginMethod::Sso);
    let client = browser();
    // The same email everywhere, so the pages may differ only in what was typed.
    let answer = |ws: &str, email: &str, password: &str| {
        typed_out(sign_in(&client, &server, ws, email, password), ws, email)
    };
    let known = answer("acme", "ada@acme.example", "not the password");
    assert_eq!(known.0, 401);
    assert!(known.1.contains("Wrong email or password."));
    for (ws, email, password) in [
        ("acme", "nobody@acme.example", PASSWORD),
        ("nosuchws", "ada@acme.example", PASSWORD),
        ("acme", "sso@acme.example", PASSWORD),
    ] {
        assert_eq!(answer(ws, email, password), known, "{ws} {email}");
    }
    // Unknown accounts are throttled like known ones (each has one failure so far).
    let status =
        |email: &str, password: &str| sign_in(&client, &server, "acme", email, password).status();
    assert_eq!(status("nobody@acme.example", PASSWORD), 401);
    assert_eq!(status("nobody@acme.example", PASSWORD), 429);
    assert_eq!(status("ada@acme.example", "still not it"), 401);
    assert_eq!(status("ada@acme.example", PASSWORD), 429);
}

// covers L4
#[test]
fn l4_a_web_session_ends_at_its_absolute_lifetime_however_used() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| {
        c.demo_org = false;
        c.session_absolute_lifetime_days = 90;
    });
    let acme = org(&server.store, "acme");
    let ada = viewer(&server, acme, "ada@acme.example", LoginMethod::Password);
    let session = |days_ago: i64| {
        let started = t0() - chrono::Duration::days(days_ago);
        let token = server
            .store
            .create_session(
                acme,
                ada,
                SessionKind::Web,
                chrono::Duration::days(100),
                started,
            )
            .unwrap();
        Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap()
            .get(server.url("/app"))
            .header("cookie", format!("tessera_session={token}"))
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(session(89), 200);
    assert_eq!(session(90), 303, "signed in 90 days ago: sign in again");
}

// covers L2, L3
#[test]
fn the_email_step_tells_a_stranger_nothing_about_an_email() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let acme = org(&server.store, "acme");
    let globex = org(&server.store, "globex");
    viewer(&server, acme, "ada@acme.example", LoginMethod::Password);
    viewer(&server, globex, "ada@acme.example", LoginMethod::Password);
    let gone = viewer(&server, acme, "gone@acme.example", LoginMethod::Password);
    let deactivate = tessera_policy::Command::DeactivateUser {
        by: tessera_policy::Actor::Operator,
        user: gone,
    };
    server.store.execute(acme, &deactivate, t0()).unwrap();
    let client = browser();
    let token = csrf(&client, &server);
    let answer = |ws: &str, email: &str| {
        let response = post(
            &client,
            &server,
            "/login",
            &[("csrf", &token), ("ws", ws), ("email", email)],
        );
        typed_out(response, ws, email)
    };
    let in_two = answer("", "ada@acme.example");
    assert_eq!(
        in_two,
        answer("", "nobody@acme.example"),
        "no workspace named: one answer"
    );
    assert!(
        !in_two.1.contains("globex") && !in_two.1.contains("several"),
        "{}",
        in_two.1
    );
    let known = answer("acme", "ada@acme.example");
    assert!(known.1.contains("name=\"password\""), "{}", known.1);
    for (ws, email) in [
        ("acme", "nobody@acme.example"),
        ("acme", "gone@acme.example"),
        ("nosuchws", "ada@acme.example"),
    ] {
        assert_eq!(answer(ws, email), known, "{ws} {email}");
    }
}

#[test]
fn behind_a_trusted_proxy_the_forwarded_client_is_counted() {
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| {
        c.demo_org = false;
        c.login_max_failures_per_client = 2;
        c.trusted_proxies = vec![IpAddr::V4(Ipv4Addr::LOCALHOST)];
    });
    acme_with_ada(&server.store);
    let attempt = |client: &Client, forwarded_for: &str, email: &str| {
        let token = csrf(client, &server);
        client
            .post(server.url("/login/password"))
            .header("x-forwarded-for", forwarded_for)
            .form(&[
                ("csrf", token.as_str()),
                ("ws", "acme"),
                ("email", email),
                ("password", "not the password"),
            ])
            .send()
            .unwrap()
            .status()
    };
    let proxy = browser();
    assert_eq!(attempt(&proxy, "10.0.0.1", "a@acme.example"), 401);
    assert_eq!(
        attempt(&proxy, "192.0.2.9, 10.0.0.1", "b@acme.example"),
        401
    );
    assert_eq!(
        attempt(&proxy, "10.0.0.1", "c@acme.example"),
        429,
        "10.0.0.1's limit"
    );
    assert_eq!(
        attempt(&proxy, "10.0.0.2", "c@acme.example"),
        401,
        "another client"
    );
    // An untrusted peer cannot pick its address: its own is counted.
    let direct = browser_at(6);
    for forged in ["10.0.0.3", "10.0.0.4"] {
        assert_eq!(attempt(&direct, forged, "d@acme.example"), 401);
    }
    assert_eq!(attempt(&direct, "10.0.0.5", "e@acme.example"), 429);
}
