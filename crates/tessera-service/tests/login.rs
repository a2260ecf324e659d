//! The SAML login service over the in-memory backend, with the committed responses of
//! `fixtures/saml/responses` (signed by the pysaml2 IdP for org `acme` at
//! `https://sso.tessera.test`, valid 10:00–10:05 on 2026-11-20).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, OrgKind, TokenHash, UserName, UserStatus,
    WorkspaceName,
};
use tessera_policy::{Command, ProvisionedUser};
use tessera_saml::SpKeyPair;
use tessera_service::login::*;
use tessera_service::memory::{MemoryStorage, NewOrg};
use tessera_service::{ErrorKind, ServiceError, transact};

/// The id of the AuthnRequest that `sp-initiated.xml` answers.
const REQUEST_ID: &str = "id-4f2a0c7e9b1d4e6f8a3c5b7d9e1f2a3b";
const BROWSER: &str = "tsr_saml_this-browser";

fn fixture(path: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/saml/");
    std::fs::read_to_string(format!("{dir}{path}")).unwrap()
}

fn response(name: &str) -> String {
    tessera_saml::encode_post(&fixture(&format!("responses/{name}")))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 10, 1, 0).unwrap()
}

fn acme() -> WorkspaceName {
    WorkspaceName::parse("acme").unwrap()
}

struct Setup {
    storage: Arc<MemoryStorage>,
    service: LoginService,
    org: OrgId,
}

/// Org `acme` in `mode`, connected to the pysaml2 IdP when `idp`, SSO switched `sso`.
fn setup(mode: ConnectionMode, idp: bool, sso: bool, per_minute: u32) -> Setup {
    let storage = Arc::new(MemoryStorage::new());
    let new = NewOrg {
        workspace: acme(),
        kind: OrgKind::Production,
        sso_enabled: sso,
        connection_mode: Some(mode),
        connected_at: Some(now() - Duration::days(1)),
    };
    let org = storage.create_org(new, now()).unwrap();
    if idp {
        let settings =
            IdpSettings::from_metadata(&fixture("idp-metadata/pysaml2-idp.xml")).unwrap();
        storage.set_idp_settings(org, settings).unwrap();
    }
    let keys = SpKeyPair::from_pem(&fixture("keys/sp.key"), &fixture("keys/sp.crt")).unwrap();
    let config = LoginConfig {
        refusals_recorded_per_minute: per_minute,
        ..LoginConfig::new("https://sso.tessera.test", Some(keys))
    };
    let service = LoginService::new(storage.clone(), config);
    Setup {
        storage,
        service,
        org,
    }
}

fn jit() -> Setup {
    setup(ConnectionMode::Jit, true, true, 60)
}

impl Setup {
    fn post(
        &self,
        saml_response: &str,
        relay_state: Option<&str>,
        browser: Option<&str>,
    ) -> AcsOutcome {
        let ws = acme();
        let posted = AcsRequest {
            workspace: &ws,
            saml_response,
            relay_state,
            browser,
        };
        self.service.consume(&posted, now()).unwrap()
    }

    /// Stores the AuthnRequest `sp-initiated.xml` answers, as a login start would.
    fn outstanding(&self, relay_state: &str) {
        let saved = SavedRequest {
            id: REQUEST_ID.into(),
            relay_state: Some(relay_state.into()),
            browser_hash: TokenHash::of(BROWSER),
            created_at: now(),
            expires_at: now() + REQUEST_LIFETIME,
        };
        transact::write(self.storage.as_ref(), self.org, |tx| {
            tx.save_saml_request(&saved, 10).map_err(ServiceError::from)
        })
        .unwrap();
    }

    fn refusal_reasons(&self) -> Vec<String> {
        let rows = self.storage.snapshot(self.org).unwrap();
        rows.audit()
            .iter()
            .filter(|e| e.action == "saml.login_refused")
            .map(|e| e.details["reason"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn signed_in(outcome: AcsOutcome) -> SignIn {
    match outcome {
        AcsOutcome::SignIn(sign_in) => sign_in,
        AcsOutcome::Refused(refusal) => panic!("refused: {refusal:?}"),
    }
}

fn refusal(outcome: AcsOutcome) -> LoginRefusal {
    match outcome {
        AcsOutcome::Refused(refusal) => refusal,
        AcsOutcome::SignIn(sign_in) => panic!("signed in: {sign_in:?}"),
    }
}

// covers L1, U3
#[test]
fn l1_u3_an_idp_initiated_response_signs_in_a_new_jit_account_once() {
    let s = jit();
    let sign_in = signed_in(s.post(&response("idp-initiated.xml"), Some("/deals/7"), None));
    assert_eq!((sign_in.org, sign_in.next.as_str()), (s.org, "/deals/7"));
    let rows = s.storage.snapshot(s.org).unwrap();
    let user = rows.users().find(|u| u.id == sign_in.user).unwrap();
    assert_eq!(user.email, Email::parse("jane.doe@corp.example").unwrap());
    assert_eq!(
        (user.status, user.login_method),
        (UserStatus::Active, LoginMethod::Sso)
    );
    assert_eq!(user.given_name.as_deref(), Some("Jane"));

    let replayed = refusal(s.post(&response("idp-initiated.xml"), None, None));
    assert_eq!(replayed.reason, RefusalReason::Response("replayed"));
    assert!(replayed.message.contains("could not be accepted"));
    assert_eq!(s.refusal_reasons(), ["replayed"]);
}

// covers L2
#[test]
fn l2_the_relay_state_stored_with_the_request_wins_over_the_posted_one() {
    let s = jit();
    s.outstanding("/deals/42");
    let sign_in = signed_in(s.post(
        &response("sp-initiated.xml"),
        Some("/elsewhere"),
        Some(BROWSER),
    ));
    assert_eq!(sign_in.next, "/deals/42");
}

#[test]
fn a_relay_state_off_this_host_lands_on_the_app() {
    let s = jit();
    let sign_in = signed_in(s.post(
        &response("idp-initiated.xml"),
        Some("https://evil.example/"),
        None,
    ));
    assert_eq!(sign_in.next, "/app");
}

// covers L2 (login CSRF)
#[test]
fn l2_an_answer_posted_by_another_browser_is_refused_and_recorded() {
    let s = jit();
    s.outstanding("/deals/42");
    let other = refusal(s.post(
        &response("sp-initiated.xml"),
        None,
        Some("tsr_saml_another"),
    ));
    assert_eq!(other.reason.code(), "request_from_other_browser");
    assert_eq!(s.refusal_reasons(), ["request_from_other_browser"]);
}

#[test]
fn an_answer_to_an_unknown_request_is_refused() {
    let s = jit();
    let unknown = refusal(s.post(&response("sp-initiated.xml"), None, Some(BROWSER)));
    assert_eq!(
        unknown.reason,
        RefusalReason::Response("unknown_in_response_to")
    );
}

// covers C1
#[test]
fn c1_in_scim_mode_an_unknown_email_is_refused_by_the_policy() {
    let s = setup(ConnectionMode::Scim, true, true, 60);
    let refused = refusal(s.post(&response("idp-initiated.xml"), None, None));
    assert_eq!(refused.reason, RefusalReason::Policy(Some("C1")));
    assert_eq!(refused.reason.code(), "C1");
    assert_eq!(
        tessera_service::ServiceError::from(refused).kind,
        ErrorKind::Forbidden
    );
    assert!(
        s.refusal_reasons().is_empty(),
        "policy refusals are not SAML refusals"
    );
}

// covers C1 and the replay check of a refused login
#[test]
fn c1_a_response_a_rule_refused_is_a_replay_once_the_rule_would_let_it_in() {
    let s = setup(ConnectionMode::Scim, true, true, 60);
    let refused = refusal(s.post(&response("idp-initiated.xml"), None, None));
    assert_eq!(refused.reason, RefusalReason::Policy(Some("C1")));
    let mut jane = ProvisionedUser::new(UserName::parse("jane.doe@corp.example").unwrap());
    jane.email = Some(Email::parse("jane.doe@corp.example").unwrap());
    transact::write(s.storage.as_ref(), s.org, |tx| {
        transact::decide_and_apply(tx, &Command::ScimCreateUser(jane.clone()), now())
    })
    .unwrap();
    let again = refusal(s.post(&response("idp-initiated.xml"), None, None));
    assert_eq!(
        again.reason,
        RefusalReason::Response("replayed"),
        "the refused response was decided once"
    );
}

#[test]
fn refusal_records_stay_within_the_per_minute_budget() {
    let s = setup(ConnectionMode::Jit, true, true, 2);
    for _ in 0..5 {
        let garbage = refusal(s.post("bm90IGEgU0FNTCByZXNwb25zZQ==", None, None));
        assert_eq!(garbage.reason.code(), "malformed_xml");
    }
    assert_eq!(s.refusal_reasons(), ["malformed_xml", "malformed_xml"]);
}

#[test]
fn without_an_idp_login_and_acs_are_a_conflict_and_an_unknown_workspace_not_found() {
    let s = setup(ConnectionMode::Jit, false, true, 60);
    let start = s.service.start(&acme(), None, BROWSER, now()).unwrap_err();
    assert_eq!(start.kind, ErrorKind::Conflict);
    assert!(
        start.message.contains("Sign in with your email instead"),
        "{start:?}"
    );
    let ws = acme();
    let posted = AcsRequest {
        workspace: &ws,
        saml_response: "x",
        relay_state: None,
        browser: None,
    };
    assert_eq!(
        s.service.consume(&posted, now()).unwrap_err().kind,
        ErrorKind::Conflict
    );
    let nobody = WorkspaceName::parse("globex").unwrap();
    let missing = s.service.start(&nobody, None, BROWSER, now()).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
}

// covers W3
#[test]
fn w3_with_sso_switched_off_login_and_acs_are_refused() {
    let s = setup(ConnectionMode::Jit, true, false, 60);
    let start = s.service.start(&acme(), None, BROWSER, now()).unwrap_err();
    assert_eq!((start.kind, start.rule), (ErrorKind::Conflict, Some("W3")));
    let ws = acme();
    let saml_response = response("idp-initiated.xml");
    let posted = AcsRequest {
        workspace: &ws,
        saml_response: &saml_response,
        relay_state: None,
        browser: None,
    };
    let acs = s.service.consume(&posted, now()).unwrap_err();
    assert_eq!((acs.kind, acs.rule), (ErrorKind::Conflict, Some("W3")));
    assert!(
        s.storage
            .snapshot(s.org)
            .unwrap()
            .users()
            .all(|u| u.email.as_str() != "jane.doe@corp.example")
    );
}

// covers L2
#[test]
fn l2_a_login_start_redirects_to_the_idp_and_keeps_the_sanitised_relay_state() {
    let s = jit();
    let redirect = s
        .service
        .start(&acme(), Some("//evil.example"), BROWSER, now())
        .unwrap();
    assert!(
        redirect
            .url
            .starts_with("https://idp.example.org/sso?SAMLRequest="),
        "{}",
        redirect.url
    );
    assert!(
        !redirect.url.contains("Signature="),
        "the IdP does not want signed requests"
    );
    assert_eq!(redirect.binding_lifetime_secs, 600);
    let encoded = redirect.url.split("SAMLRequest=").nth(1).unwrap();
    let decoded: String = form_urlencoded::parse(format!("x={encoded}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    let xml =
        String::from_utf8(tessera_saml::decode_redirect(&decoded, &Default::default()).unwrap())
            .unwrap();
    let id = xml
        .split(" ID=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let stored = transact::write(s.storage.as_ref(), s.org, |tx| {
        tx.take_saml_request(&id).map_err(ServiceError::from)
    })
    .unwrap()
    .unwrap();
    assert_eq!(
        stored.relay_state, None,
        "a relay state off this host is not kept"
    );
    assert!(stored.browser_hash.unwrap().matches(BROWSER));
    assert_eq!(stored.expires_at, now() + REQUEST_LIFETIME);
}

#[test]
fn binding_values_are_kept_when_well_formed_and_fresh_otherwise() {
    assert_eq!(browser_binding(Some(BROWSER)), BROWSER);
    let fresh = browser_binding(Some("forged"));
    assert!(
        fresh.starts_with("tsr_saml_") && fresh.len() > 40,
        "{fresh}"
    );
    assert_ne!(browser_binding(None), browser_binding(None));
    assert_eq!(
        presented_binding(&"tsr_saml_x".repeat(20)),
        None,
        "too long"
    );
}

#[test]
fn the_storage_port_reports_a_replayed_assertion_id_and_purges_expired_ones() {
    let s = jit();
    let remember = |id: &str, at: DateTime<Utc>| {
        transact::write(s.storage.as_ref(), s.org, |tx| {
            tx.remember_assertion(id, at + Duration::minutes(5), at)
                .map_err(ServiceError::from)
        })
        .unwrap()
    };
    assert!(remember("a1", now()));
    assert!(!remember("a1", now() + Duration::minutes(1)));
    assert!(
        remember("a1", now() + Duration::minutes(6)),
        "expired ids are purged"
    );
}
