//! Salesforce login end to end against real OpenID providers (npm's oidc-provider as
//! Salesforce production and sandbox, `salesforce_support.rs`): the browser goes from
//! Tessera to the issuer and back, the server exchanges the code and checks the ID
//! token, and the account decision (links, L3, W2) signs in or refuses; on SQLite and
//! PostgreSQL, and across two servers sharing PostgreSQL.

use crate::salesforce_support::{Browser, CLIENT_ID, CLIENT_SECRET, Providers, account, origin};
use crate::support::{TestServer, enabled_org, new_user, t0};
use actix_web::cookie::SameSite;
use reqwest::blocking::Response;
use serde_json::Value;
use std::sync::Arc;
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, OrgKind, Role, Secret, Source, SystemClock,
    UserStatus, WorkspaceName,
};
use tessera_service::events::{EventSource, EventType};
use tessera_service::{ServiceError, Storage, transact};
use tessera_store::Backend;
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, AuditFilter, NewUser, Store};

/// What the connected app is registered with, as the browser sees Tessera.
const PUBLIC: &str = "http://tessera.test";
const CALLBACK: &str = "http://tessera.test/login/salesforce/callback";
const SF_ORG: &str = "00D000000000001AAA";
const SF_SANDBOX_ORG: &str = "00D000000000002AAA";
const SF_USER: &str = "005000000000001AAA";
/// The host the identity URLs (`sub`) name.
const HOST: &str = "login.salesforce.test";
const SF_EMAIL: &str = "sf@acme.example";

/// Providers for one production and one sandbox account, and a server on `db` that
/// uses them (reached at `PUBLIC` through the browser's route).
struct Scenario {
    providers: Providers,
    /// Serving until the scenario ends.
    _server: TestServer,
    browser: Browser,
}

impl Scenario {
    fn start(db: &TestDatabase, production: Value, sandbox: Value, tamper: Option<&str>) -> Self {
        let mut providers = Providers::start(production, sandbox, tamper);
        providers.serve(&[CALLBACK.to_owned()]);
        let server = salesforce_server(db, &providers);
        let mut browser = Browser::new();
        browser.route.insert(PUBLIC.into(), server.url(""));
        Self {
            providers,
            _server: server,
            browser,
        }
    }

    /// [`Scenario::start`] with Salesforce user `SF_USER` having `email` (verified
    /// or not) in the production org and (verified) in the sandbox org.
    fn for_email(db: &TestDatabase, email: &str, verified: bool, tamper: Option<&str>) -> Self {
        Self::start(
            db,
            account(HOST, SF_ORG, SF_USER, email, verified),
            account(HOST, SF_SANDBOX_ORG, SF_USER, email, true),
            tamper,
        )
    }

    /// Starts a login of `ws` at `environment` and follows it through the provider up
    /// to the callback URL (not visited).
    fn up_to_callback(&mut self, environment: &str, ws: &str, next: &str) -> String {
        let start = format!("{PUBLIC}/login/salesforce/{environment}?ws={ws}&next={next}");
        self.browser.follow_until(&start, None, CALLBACK)
    }

    /// Visits the callback as the provider's redirect does: a cross-site navigation.
    fn callback(&mut self, url: &str) -> Response {
        let from = origin(&self.providers.production);
        self.browser.get(url, Some(&from))
    }
}

fn salesforce_server(db: &TestDatabase, providers: &Providers) -> TestServer {
    let (production, sandbox) = (providers.production.clone(), providers.sandbox.clone());
    TestServer::start_with_clock(db, Arc::new(SystemClock), move |c| {
        c.demo_org = false;
        c.public_url = PUBLIC.into();
        c.salesforce_client_id = Some(CLIENT_ID.into());
        c.salesforce_client_secret = Some(Secret::new(CLIENT_SECRET.into()));
        c.salesforce_production_url = production;
        c.salesforce_sandbox_url = sandbox;
    })
}

/// A pending account of `org` with this login method.
fn seed(store: &Store, org: OrgId, email: &str, method: LoginMethod, by: Source) {
    let user = NewUser {
        status: UserStatus::Pending,
        login_method: method,
        created_by: by,
        ..new_user(email, Role::Viewer)
    };
    store
        .create_user(org, &user, &Actor::operator(), t0())
        .unwrap();
}

/// A production org `acme` with the pending Salesforce account `sf@acme.example`.
fn acme_with_salesforce_account(store: &Store) -> OrgId {
    let org = enabled_org(store, "acme").id;
    seed(
        store,
        org,
        SF_EMAIL,
        LoginMethod::Salesforce,
        Source::Salesforce,
    );
    org
}

fn sandbox_org(store: &Store, name: &str) -> OrgId {
    let ws = WorkspaceName::parse(name).unwrap();
    store
        .create_org(&ws, OrgKind::Sandbox, &Actor::operator(), t0())
        .unwrap()
        .id
}

/// The account's status and whether a Salesforce identity is linked to it.
fn account_state(store: &Store, org: OrgId, email: &str) -> (UserStatus, bool) {
    let user = store
        .user_by_email(org, &Email::parse(email).unwrap())
        .unwrap()
        .unwrap();
    let linked = transact::read(store, org, |tx| {
        tx.user_has_salesforce_link(user.id)
            .map_err(ServiceError::from)
    })
    .unwrap();
    (user.status, linked)
}

/// The reason codes of the org's refused Salesforce logins, oldest first.
fn refusals(store: &Store, org: OrgId) -> Vec<String> {
    let filter = AuditFilter {
        action: Some("salesforce.login_refused".into()),
        ..AuditFilter::default()
    };
    let mut reasons: Vec<String> = store
        .audit(org, &filter)
        .unwrap()
        .into_iter()
        .inspect(|entry| assert_eq!(entry.source, Source::Salesforce))
        .map(|entry| entry.details["reason"].as_str().unwrap().to_owned())
        .collect();
    reasons.reverse();
    reasons
}

/// The org's login events as `(type, source, reason)`, oldest first.
fn login_events(store: &Store, org: OrgId) -> Vec<(EventType, EventSource, Option<String>)> {
    let types = [EventType::LoginSucceeded, EventType::LoginRefused];
    store
        .events_after(org, 0, 100, &types)
        .unwrap()
        .into_iter()
        .map(|event| {
            let reason = event.data["reason"].as_str().map(str::to_owned);
            (event.event_type, event.source, reason)
        })
        .collect()
}

fn body(response: Response) -> String {
    response.text().unwrap()
}

/// The organisation the pysaml2 IdP is connected to (JIT), with a password admin.
fn connected(store: &Store) -> OrgId {
    crate::saml::connected_with(
        store,
        "acme",
        ConnectionMode::Jit,
        &crate::saml::idp(&["metadata"]),
    )
}

#[test]
fn l3_c5_a_grandfathered_salesforce_account_signs_in_lands_on_next_and_stays_linked() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = connected(&store);
        seed(
            &store,
            org,
            "sf@acme.example",
            LoginMethod::Salesforce,
            Source::Salesforce,
        );
        let mut s = Scenario::for_email(&db, "SF@acme.example", true, None);
        // The login page offers both buttons next to the email field.
        let page = body(s.browser.get(&format!("{PUBLIC}/login"), None));
        assert!(
            page.contains("formaction=\"/login/salesforce/production\""),
            "{page}"
        );
        assert!(
            page.contains("formaction=\"/login/salesforce/sandbox\""),
            "{page}"
        );
        let callback = s.up_to_callback("production", "acme", "/deals/42");
        assert!(callback.contains("iss="), "RFC 9207: {callback}");
        // The state cookie is Lax (sent with the cross-site redirect back); the CSRF
        // cookie is Strict, so the callback below goes without it.
        let jar = &s.browser.jars[PUBLIC];
        let state = &jar["tessera_sf_state"];
        assert_eq!(state.same_site, Some(SameSite::Lax));
        assert!(state.http_only);
        assert_eq!(jar["tessera_csrf"].same_site, Some(SameSite::Strict));
        let signed_in = s.callback(&callback);
        assert_eq!(
            signed_in.status(),
            303,
            "{:?}: {}",
            db.backend,
            body(signed_in)
        );
        assert_eq!(signed_in.headers()["location"], "/deals/42");
        let app = body(s.browser.get(&format!("{PUBLIC}/app"), None));
        assert!(app.contains("sf@acme.example"), "{app}");
        assert_eq!(
            account_state(&store, org, "sf@acme.example"),
            (UserStatus::Active, true)
        );
        let linked = store
            .audit(
                org,
                &AuditFilter {
                    action: Some("user.linked".into()),
                    source: Some(Source::Salesforce),
                    ..AuditFilter::default()
                },
            )
            .unwrap();
        assert_eq!(linked.len(), 1);
        drop(s);

        // The stored link decides from now on: Salesforce now sends another, unverified
        // email for the same user, and the same account signs in.
        let mut s = Scenario::for_email(&db, "renamed@elsewhere.example", false, None);
        let callback = s.up_to_callback("production", "acme", "/app");
        let again = s.callback(&callback);
        assert_eq!(again.status(), 303, "{}", body(again));
        let app = body(s.browser.get(&format!("{PUBLIC}/app"), None));
        assert!(app.contains("sf@acme.example"), "{app}");
        let succeeded = (EventType::LoginSucceeded, EventSource::Salesforce, None);
        assert_eq!(login_events(&store, org), [succeeded.clone(), succeeded]);
    }
}

#[test]
fn l3_sso_provisioned_and_password_accounts_are_refused() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = connected(&store);
        seed(
            &store,
            org,
            "jit@acme.example",
            LoginMethod::Sso,
            Source::Saml,
        );
        for email in ["jit@acme.example", "boss@acme.example"] {
            let mut s = Scenario::for_email(&db, email, true, None);
            let callback = s.up_to_callback("production", "acme", "/app");
            let refused = s.callback(&callback);
            assert_eq!(refused.status(), 403, "{email}");
            assert!(!s.browser.jars[PUBLIC].contains_key("tessera_session"));
            let page = body(refused);
            assert!(page.contains("L3: this account signs in with"), "{page}");
            assert!(!account_state(&store, org, email).1, "{email} was linked");
        }
        assert_eq!(refusals(&store, org), ["login_method", "login_method"]);
        let refused = (
            EventType::LoginRefused,
            EventSource::Salesforce,
            Some("login_method".to_owned()),
        );
        assert_eq!(login_events(&store, org), [refused.clone(), refused]);
    }
}

#[test]
fn w2_sandbox_identities_sign_in_to_sandbox_orgs_only_and_production_to_production() {
    for db in TestDatabase::all() {
        let store = db.open();
        let production = enabled_org(&store, "acme").id;
        let sandbox = sandbox_org(&store, "acmetest");
        for org in [production, sandbox] {
            seed(
                &store,
                org,
                "sf@acme.example",
                LoginMethod::Salesforce,
                Source::Salesforce,
            );
        }
        let mut s = Scenario::for_email(&db, "sf@acme.example", true, None);
        for (environment, ws, org) in [
            ("sandbox", "acme", production),
            ("production", "acmetest", sandbox),
        ] {
            let callback = s.up_to_callback(environment, ws, "/app");
            let refused = s.callback(&callback);
            assert_eq!(refused.status(), 403, "{environment} identity at {ws}");
            assert!(body(refused).contains("W2: this workspace is a"));
            assert_eq!(
                account_state(&store, org, "sf@acme.example"),
                (UserStatus::Pending, false)
            );
            assert_eq!(refusals(&store, org), ["environment_mismatch"]);
        }
        let callback = s.up_to_callback("sandbox", "acmetest", "/app");
        let signed_in = s.callback(&callback);
        assert_eq!(signed_in.status(), 303, "{}", body(signed_in));
        assert_eq!(
            account_state(&store, sandbox, "sf@acme.example"),
            (UserStatus::Active, true)
        );
    }
}

#[test]
fn a_forged_reused_or_other_browsers_state_is_refused_with_nothing_written() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = acme_with_salesforce_account(&store);
        let mut s = Scenario::for_email(&db, "sf@acme.example", true, None);
        let callback = s.up_to_callback("production", "acme", "/app");
        let state = callback
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix("state="))
            .unwrap()
            .to_owned();
        let forged = callback.replace(&state, "forged-state-value");
        assert_eq!(s.callback(&forged).status(), 400);
        // Another browser (without the state cookie) cannot finish this browser's flow,
        // and its attempt used the state up.
        let mut other = Browser::new();
        other.route = s.browser.route.clone();
        let stolen = other.get(&callback, Some(&origin(&s.providers.production)));
        assert_eq!(stolen.status(), 400);
        assert_eq!(s.callback(&callback).status(), 400);
        assert_eq!(
            account_state(&store, org, "sf@acme.example"),
            (UserStatus::Pending, false)
        );
        // A fresh flow signs in once; its callback replayed is refused.
        let callback = s.up_to_callback("production", "acme", "/app");
        assert_eq!(s.callback(&callback).status(), 303);
        assert_eq!(s.callback(&callback).status(), 400);
        assert!(refusals(&store, org).is_empty());
    }
}

#[test]
fn bad_id_tokens_a_wrong_iss_and_an_unverified_email_are_refused_with_nothing_written() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = acme_with_salesforce_account(&store);
        let mut expected = Vec::new();
        for (tamper, verified, reason) in [
            (Some("nonce"), true, "nonce_mismatch"),
            (Some("expired"), true, "id_token_expired"),
            (Some("audience"), true, "audience_mismatch"),
            (Some("other_issuer"), true, "issuer_mismatch"),
            (Some("foreign_key"), true, "signature_invalid"),
            (None, false, "email_unverified"),
        ] {
            let mut s = Scenario::for_email(&db, "sf@acme.example", verified, tamper);
            let callback = s.up_to_callback("production", "acme", "/app");
            let refused = s.callback(&callback);
            assert_eq!(refused.status(), 403, "{tamper:?}: {}", body(refused));
            assert!(!s.browser.jars[PUBLIC].contains_key("tessera_session"));
            expected.push(reason);
            assert_eq!(refusals(&store, org), expected, "{:?}", db.backend);
            assert_eq!(
                account_state(&store, org, "sf@acme.example"),
                (UserStatus::Pending, false)
            );
            if tamper.is_none() {
                // RFC 9207: an `iss` that is not the issuer's is refused.
                let callback = s.up_to_callback("production", "acme", "/app");
                let iss = format!("iss={}", crate::saml::urlencode(&s.providers.sandbox));
                let wrong = callback
                    .split('&')
                    .map(|p| {
                        if p.starts_with("iss=") {
                            iss.as_str()
                        } else {
                            p
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("&");
                assert_eq!(s.callback(&wrong).status(), 403);
                expected.push("issuer_mismatch");
                assert_eq!(refusals(&store, org), expected);
            }
        }
    }
}

#[test]
fn a_flow_started_on_one_server_finishes_on_another_sharing_postgresql() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    assert_eq!(db.backend, Backend::Postgres);
    let store = db.open();
    let org = acme_with_salesforce_account(&store);
    let mut s = Scenario::for_email(&db, "sf@acme.example", true, None);
    let second = salesforce_server(&db, &s.providers);
    let callback = s.up_to_callback("production", "acme", "/deals/7");
    // The load balancer sends the callback to the other server.
    s.browser.route.insert(PUBLIC.into(), second.url(""));
    let signed_in = s.callback(&callback);
    assert_eq!(signed_in.status(), 303, "{}", body(signed_in));
    assert_eq!(signed_in.headers()["location"], "/deals/7");
    assert_eq!(
        account_state(&store, org, "sf@acme.example"),
        (UserStatus::Active, true)
    );
}
