//! SAML login end to end against a real IdP: pysaml2 (fixtures/saml/idp.py), configured
//! from our SP metadata, signs responses for IdP- and SP-initiated logins; the server
//! runs the whole flow (AuthnRequest out, signed response in, session cookie, /app), on
//! SQLite and PostgreSQL.

use crate::support::{TestServer, t0};
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use std::process::Command as Process;
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, OrgKind, Role, Source, UserStatus, WorkspaceName,
};
use tessera_policy::{Actor as PolicyActor, Command};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, IdpDetails, NewUser, Store, UserFilter};

const IDP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/saml/idp.py");

pub(crate) fn idp(args: &[&str]) -> String {
    let output = Process::new("python3")
        .args(["-W", "ignore", IDP])
        .args(args)
        .output()
        .expect("python3 runs (just setup installs pysaml2 and xmlsec1)");
    assert!(
        output.status.success(),
        "idp.py {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// An org connected in `mode` to the pysaml2 IdP (with this IdP metadata) through the
/// real walkthrough, with an account admin who existed before (password login).
pub(crate) fn connected_with(
    store: &Store,
    name: &str,
    mode: ConnectionMode,
    metadata: &str,
) -> OrgId {
    let ws = WorkspaceName::parse(name).unwrap();
    let org = store
        .create_org(&ws, OrgKind::Production, &Actor::operator(), t0())
        .unwrap();
    store
        .set_sso_enabled(&ws, true, &Actor::operator(), t0())
        .unwrap();
    store
        .create_user(
            org.id,
            &NewUser {
                email: Email::parse(&format!("boss@{name}.example")).unwrap(),
                given_name: None,
                family_name: None,
                status: UserStatus::Active,
                role: Role::AccountAdmin,
                login_method: LoginMethod::Password,
                created_by: Source::Cli,
            },
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    let by = PolicyActor::Operator;
    store.set_connection_mode(org.id, mode, by, t0()).unwrap();
    let sheet = store.export_mapping(org.id, by, t0()).unwrap();
    store
        .import_mapping(org.id, &sheet.file_name, &sheet.bytes, false, by, t0())
        .unwrap();
    store
        .set_idp(
            org.id,
            &IdpDetails::from_metadata(metadata, t0()).unwrap(),
            by,
            t0(),
        )
        .unwrap();
    if mode == ConnectionMode::Scim {
        store.issue_connection_scim_token(org.id, by, t0()).unwrap();
    }
    store.complete_connection(org.id, by, t0()).unwrap();
    org.id
}

/// A browser and the pysaml2 IdP against a test server. The browser keeps the SAML
/// request cookie (`tessera_saml_req`) that `start_login` receives and sends it with
/// `post`, as a browser does for a `SameSite=None` cookie on the IdP's cross-site POST.
pub(crate) struct Sso {
    pub server: TestServer,
    sp_metadata: tempfile::NamedTempFile,
    pub http: Client,
    request_cookie: std::cell::RefCell<Option<String>>,
}

impl Sso {
    pub fn start(db: &TestDatabase, mode: ConnectionMode) -> (Self, OrgId) {
        Self::start_with(db, mode, |_| {})
    }

    pub fn start_with(
        db: &TestDatabase,
        mode: ConnectionMode,
        adjust: impl FnOnce(&mut tessera_http::Config),
    ) -> (Self, OrgId) {
        Self::start_with_metadata(db, mode, adjust, &idp(&["metadata"]))
    }

    /// [`Sso::start_with`], the org connected with this IdP metadata.
    pub fn start_with_metadata(
        db: &TestDatabase,
        mode: ConnectionMode,
        adjust: impl FnOnce(&mut tessera_http::Config),
        metadata: &str,
    ) -> (Self, OrgId) {
        let server = TestServer::start_with(db, |c| {
            c.demo_org = false;
            adjust(c);
        });
        let org = connected_with(&server.store, "acme", mode, metadata);
        let http = Client::builder().redirect(Policy::none()).build().unwrap();
        let xml = http
            .get(server.url("/saml/acme/metadata"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let sp_metadata = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(sp_metadata.path(), xml).unwrap();
        (
            Self {
                server,
                sp_metadata,
                http,
                request_cookie: Default::default(),
            },
            org,
        )
    }

    pub fn sign(&self, name_id: &str, in_response_to: Option<&str>, extra: &[&str]) -> String {
        let path = self.sp_metadata.path().to_str().unwrap().to_owned();
        let now = t0().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut args = vec![
            "sign",
            "--sp-metadata",
            &path,
            "--name-id",
            name_id,
            "--now",
            &now,
        ];
        if let Some(id) = in_response_to {
            args.extend(["--in-response-to", id]);
        }
        args.extend_from_slice(extra);
        idp(&args)
    }

    /// The org's L1 switch, as the operator sets it.
    pub fn set_idp_initiated(&self, org: OrgId, allowed: bool) {
        let options = tessera_store::SamlOptions {
            allow_idp_initiated: Some(allowed),
            ..Default::default()
        };
        self.server
            .store
            .set_saml_options(org, &options, &Actor::operator(), t0())
            .unwrap();
    }

    /// Posts `response` to the ACS with the browser's request cookie, if it has one.
    pub fn post(&self, response: &str, relay_state: Option<&str>) -> Response {
        let cookie = self.request_cookie.borrow().clone();
        self.post_with_cookie(response, relay_state, cookie.as_deref())
    }

    /// Posts `response` to the ACS with `cookie` (`name=value`) or none, e.g. as a
    /// browser sends a cross-site POST without a `SameSite=Lax` cookie.
    pub fn post_with_cookie(
        &self,
        response: &str,
        relay_state: Option<&str>,
        cookie: Option<&str>,
    ) -> Response {
        let mut form = vec![("SAMLResponse", response)];
        if let Some(relay) = relay_state {
            form.push(("RelayState", relay));
        }
        let mut post = self
            .http
            .post(self.server.url("/saml/acme/acs"))
            .form(&form);
        if let Some(cookie) = cookie {
            post = post.header("cookie", cookie);
        }
        post.send().unwrap()
    }

    /// The `GET /saml/acme/login` answer, with the browser's request cookie sent.
    pub fn login_redirect(&self, relay_state: &str) -> Response {
        let mut get = self.http.get(self.server.url(&format!(
            "/saml/acme/login?RelayState={}",
            urlencode(relay_state)
        )));
        if let Some(cookie) = self.request_cookie.borrow().as_deref() {
            get = get.header("cookie", cookie);
        }
        get.send().unwrap()
    }

    /// Starts an SP-initiated login and returns the AuthnRequest's ID; the browser keeps
    /// the request cookie.
    pub fn start_login(&self, relay_state: &str) -> String {
        let response = self.login_redirect(relay_state);
        assert_eq!(response.status(), 302);
        let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
        let pair = set_cookie.split(';').next().unwrap().to_owned();
        assert!(pair.contains("tessera_saml_req="), "{set_cookie}");
        *self.request_cookie.borrow_mut() = Some(pair);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with("https://idp.example.org/sso?SAMLRequest="),
            "{location}"
        );
        let encoded = location
            .split("SAMLRequest=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        let decoded: String = form_urlencoded::parse(format!("x={encoded}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned();
        let xml = String::from_utf8(
            tessera_saml::decode_redirect(&decoded, &Default::default()).unwrap(),
        )
        .unwrap();
        let start = xml.find(" ID=\"").unwrap() + 5;
        xml[start..start + xml[start..].find('"').unwrap()].to_owned()
    }

    pub fn app(&self, response: &Response) -> String {
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let app = self
            .http
            .get(self.server.url("/app"))
            .header("cookie", cookie)
            .send()
            .unwrap();
        assert_eq!(app.status(), 200);
        app.text().unwrap()
    }
}

pub(crate) fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub(crate) fn refused(response: Response) -> String {
    assert_eq!(response.status(), 403);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session on a refusal"
    );
    response.text().unwrap()
}

// covers L1, U3
#[test]
fn l1_u3_an_idp_initiated_login_creates_the_jit_account_and_a_session() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let response = sso.sign(
            "new@acme.example",
            None,
            &["--attr", "firstName=Ada", "--attr", "lastName=Lovelace"],
        );
        let accepted = sso.post(&response, Some("/app?tab=teams"));
        assert_eq!(
            accepted.status(),
            303,
            "{:?}: {}",
            db.backend,
            accepted.text().unwrap_or_default()
        );
        assert_eq!(accepted.headers()["location"], "/app?tab=teams");
        assert!(sso.app(&accepted).contains("new@acme.example"));
        let user = sso
            .server
            .store
            .user_by_email(org, &Email::parse("new@acme.example").unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(
            (user.status, user.role, user.login_method),
            (UserStatus::Active, Role::Viewer, LoginMethod::Sso)
        );
        assert_eq!(user.given_name.as_deref(), Some("Ada"));

        // covers the replay check: the same response a second time is refused.
        let replayed = refused(sso.post(&response, None));
        assert!(replayed.contains("could not be accepted"), "{replayed}");
        let audit = sso.server.store.audit(org, &Default::default()).unwrap();
        assert!(
            audit.iter().any(|e| e.action == "saml.login_refused"),
            "{audit:?}"
        );
        // The outbox: the JIT account, the login and the refused replay.
        let events = login_events(&sso, org);
        assert!(
            events.contains(&(
                "user.created".into(),
                "saml".into(),
                "new@acme.example".into()
            )),
            "{events:?}"
        );
        assert!(
            events.contains(&(
                "login.succeeded".into(),
                "saml".into(),
                "new@acme.example".into()
            )),
            "{events:?}"
        );
        let refused = events.last().unwrap();
        assert_eq!(refused.0, "login.refused", "{events:?}");
        assert_eq!(refused.2, "replayed", "the reason code");
    }
}

// covers the replay check under a race: recording an assertion id is atomic on both
// backends, so of the same response posted eight times at once one signs in.
#[test]
fn the_same_response_posted_eight_times_at_once_signs_in_once() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let response = sso.sign("race@acme.example", None, &[]);
        let (http, acs) = (&sso.http, sso.server.url("/saml/acme/acs"));
        let form = [("SAMLResponse", response.as_str())];
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let posts: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| http.post(&acs).form(&form).send().unwrap().status()))
                .collect();
            posts
                .into_iter()
                .map(|post| post.join().unwrap().as_u16())
                .collect()
        });
        let mut sorted = statuses.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            [303, 403, 403, 403, 403, 403, 403, 403],
            "{:?}",
            db.backend
        );
        let events = login_events(&sso, org);
        let count = |kind: &str, detail: &str| {
            events
                .iter()
                .filter(|(t, _, d)| t == kind && d == detail)
                .count()
        };
        assert_eq!(
            count("login.succeeded", "race@acme.example"),
            1,
            "{events:?}"
        );
        assert_eq!(count("login.refused", "replayed"), 7, "{events:?}");
    }
}

/// `(type, source, the user's email or the refusal's reason)` of the org's events.
fn login_events(sso: &Sso, org: tessera_core::OrgId) -> Vec<(String, String, String)> {
    let events =
        tessera_service::Storage::events_after(&sso.server.store, org, 0, 1000, &[]).unwrap();
    events
        .into_iter()
        .map(|e| {
            let what = e.data["user"]["email"]
                .as_str()
                .or(e.data["reason"].as_str())
                .unwrap_or_default()
                .to_owned();
            (e.event_type.to_string(), e.source.as_str().to_owned(), what)
        })
        .collect()
}

// covers L2, L3
#[test]
fn l2_an_sp_initiated_login_comes_back_to_its_relay_state_once() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let id = sso.start_login("/deals/42");
        assert!(id.len() >= 3 + 32, "128 random bits: {id}");
        let response = sso.sign("boss@acme.example", Some(&id), &[]);
        let accepted = sso.post(&response, None);
        assert_eq!(accepted.status(), 303, "{:?}", db.backend);
        assert_eq!(accepted.headers()["location"], "/deals/42");
        // L3: the admin who existed before SSO keeps their password login.
        let boss = sso
            .server
            .store
            .user_by_email(org, &Email::parse("boss@acme.example").unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(boss.login_method, LoginMethod::Password);
        // The request id is consumed: a second response to it is refused.
        refused(sso.post(&sso.sign("boss@acme.example", Some(&id), &[]), None));
        // An id we never issued is refused.
        refused(sso.post(
            &sso.sign(
                "boss@acme.example",
                Some("id-00000000000000000000000000000000"),
                &[],
            ),
            None,
        ));
    }
}

#[test]
fn an_absolute_or_script_relay_state_is_never_followed() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, _) = Sso::start(&db, ConnectionMode::Jit);
    for relay in [
        "https://evil.example/",
        "//evil.example",
        "javascript:alert(1)",
    ] {
        let accepted = sso.post(&sso.sign("someone@acme.example", None, &[]), Some(relay));
        assert_eq!(accepted.status(), 303);
        assert_eq!(accepted.headers()["location"], "/app", "{relay}");
    }
}

// covers U3
#[test]
fn u3_a_deactivated_jit_user_is_refused_with_a_clear_page() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
    assert_eq!(
        sso.post(&sso.sign("gone@acme.example", None, &[]), None)
            .status(),
        303
    );
    let user = sso
        .server
        .store
        .user_by_email(org, &Email::parse("gone@acme.example").unwrap())
        .unwrap()
        .unwrap();
    sso.server
        .store
        .execute(
            org,
            &Command::DeactivateUser {
                by: PolicyActor::Operator,
                user: user.id,
            },
            t0(),
        )
        .unwrap();
    let page = refused(sso.post(&sso.sign("gone@acme.example", None, &[]), None));
    assert!(page.contains("deactivated"), "{page}");
    let events = login_events(&sso, org);
    assert_eq!(
        events.last().unwrap(),
        &("login.refused".into(), "saml".into(), "U3".into()),
        "{events:?}"
    );
}

// covers C1
#[test]
fn c1_in_scim_mode_an_unprovisioned_email_cannot_log_in() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start(&db, ConnectionMode::Scim);
    let page = refused(sso.post(&sso.sign("stranger@acme.example", None, &[]), None));
    assert!(page.contains("provisioned"), "{page}");
    let users = sso.server.store.users(org, &UserFilter::default()).unwrap();
    assert_eq!(users.len(), 1, "no account was created");
}

#[test]
fn another_orgs_acs_refuses_this_idps_response_and_unknown_orgs_404() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, _) = Sso::start(&db, ConnectionMode::Jit);
    // "other" uses the same IdP software but is connected to nothing: no session.
    let other = WorkspaceName::parse("other").unwrap();
    sso.server
        .store
        .create_org(&other, OrgKind::Production, &Actor::operator(), t0())
        .unwrap();
    let response = sso.sign("new@acme.example", None, &[]);
    let wrong = sso
        .http
        .post(sso.server.url("/saml/other/acs"))
        .form(&[("SAMLResponse", response.as_str())])
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 409);
    let missing = sso
        .http
        .post(sso.server.url("/saml/nosuch/acs"))
        .form(&[("SAMLResponse", response.as_str())])
        .send()
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        sso.http
            .get(sso.server.url("/saml/nosuch/metadata"))
            .send()
            .unwrap()
            .status(),
        404
    );
}

#[test]
fn sp_metadata_names_our_entity_id_and_acs() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, _) = Sso::start(&db, ConnectionMode::Jit);
    let xml = std::fs::read_to_string(sso.sp_metadata.path()).unwrap();
    assert!(
        xml.contains("entityID=\"http://127.0.0.1:8080/saml/acme/metadata\""),
        "{xml}"
    );
    assert!(
        xml.contains("Location=\"http://127.0.0.1:8080/saml/acme/acs\""),
        "{xml}"
    );
}

#[test]
fn sp_metadata_publishes_the_stored_certificate_and_encrypted_assertions_are_accepted() {
    for db in TestDatabase::all() {
        let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
        let xml = std::fs::read_to_string(sso.sp_metadata.path()).unwrap();
        assert!(xml.contains("X509Certificate"), "{xml}");
        // Encrypt for the certificate the server generated and published.
        let (_, certificate) = sso
            .server
            .store
            .sp_key_pair(t0(), || Err::<(String, String), ()>(()))
            .unwrap()
            .unwrap();
        let sp_cert = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(sp_cert.path(), certificate).unwrap();
        let sp_cert = sp_cert.path().to_str().unwrap().to_owned();
        for cipher in ["aes256-cbc", "aes128-gcm"] {
            let response = sso.sign(
                "enc@acme.example",
                None,
                &["--encrypt", cipher, "--sp-cert", &sp_cert],
            );
            let accepted = sso.post(&response, None);
            let status = accepted.status();
            let audit = sso.server.store.audit(org, &Default::default()).unwrap();
            assert_eq!(
                status,
                303,
                "{cipher} {:?}: {:?}",
                db.backend,
                audit.first()
            );
        }
        // A second server on the same database publishes the same certificate.
        let again = TestServer::start_with(&db, |c| c.demo_org = false);
        let other = sso
            .http
            .get(again.url("/saml/acme/metadata"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(other, xml);
    }
}

// covers L1
#[test]
fn l1_unsolicited_responses_are_refused_where_the_org_turned_them_off() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
    sso.set_idp_initiated(org, false);
    refused(sso.post(&sso.sign("new@acme.example", None, &[]), None));
    let id = sso.start_login("/app");
    assert_eq!(
        sso.post(&sso.sign("new@acme.example", Some(&id), &[]), None)
            .status(),
        303,
        "SP-initiated still works"
    );
}

#[test]
fn sha1_is_refused_by_default_and_accepted_with_a_warning_when_allowed() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
    refused(sso.post(
        &sso.sign("old@acme.example", None, &["--sig-alg", "rsa-sha1"]),
        None,
    ));
    let on = tessera_store::SamlOptions {
        allow_sha1: Some(true),
        ..Default::default()
    };
    sso.server
        .store
        .set_saml_options(org, &on, &Actor::operator(), t0())
        .unwrap();
    let accepted = sso.post(
        &sso.sign("old@acme.example", None, &["--sig-alg", "rsa-sha1"]),
        None,
    );
    assert_eq!(accepted.status(), 303);
    let audit = sso.server.store.audit(org, &Default::default()).unwrap();
    assert!(
        audit.iter().any(|e| e.action == "saml.sha1_accepted"),
        "{audit:?}"
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "org.saml_options_changed" && e.details["warning"].is_string())
    );
}

#[test]
fn an_orgs_attribute_override_picks_the_email_from_its_own_attribute() {
    let db = TestDatabase::sqlite().unwrap();
    let (sso, org) = Sso::start(&db, ConnectionMode::Jit);
    let custom = tessera_store::SamlOptions {
        attribute_overrides: Some(serde_json::json!({"email": ["corpMail"]})),
        ..Default::default()
    };
    sso.server
        .store
        .set_saml_options(org, &custom, &Actor::operator(), t0())
        .unwrap();
    let response = sso.sign(
        "employee-4711",
        None,
        &["--attr", "corpMail=grace@acme.example"],
    );
    assert_eq!(sso.post(&response, None).status(), 303);
    assert!(
        sso.server
            .store
            .user_by_email(org, &Email::parse("grace@acme.example").unwrap())
            .unwrap()
            .is_some()
    );
}
