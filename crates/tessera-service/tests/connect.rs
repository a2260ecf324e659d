//! The Connect walkthrough service over the in-memory backend: every step allowed in
//! order, and every refusal (W2, W3, C1, C2, M2, invalid IdP details) changing nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use chrono::{DateTime, TimeZone, Utc};
use tessera_core::{ConnectionMode, Email, OrgId, OrgKind, Role, WalkthroughStep, WorkspaceName};
use tessera_policy::{Actor, Command, InviteChannel};
use tessera_service::connect::{ConnectService, IdpDetails, NextAction, Walkthrough};
use tessera_service::memory::{MemoryStorage, NewOrg};
use tessera_service::{ErrorDetails, ErrorKind, ServiceError, Storage, transact};

const IDP_CERTIFICATE: &str = include_str!("../../../fixtures/saml/keys/idp.crt");
const BY: Actor = Actor::Operator;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// An org of `kind` with the operator's gate as given, not started, with two users.
fn org(storage: &MemoryStorage, name: &str, kind: OrgKind, sso_enabled: bool) -> OrgId {
    let new = NewOrg {
        workspace: WorkspaceName::parse(name).unwrap(),
        kind,
        sso_enabled,
        connection_mode: None,
        connected_at: None,
    };
    let org = storage.create_org(new, t0()).unwrap();
    for email in ["ada@acme.example", "bob@acme.example"] {
        invite(storage, org, email);
    }
    org
}

fn invite(storage: &MemoryStorage, org: OrgId, email: &str) {
    let command = Command::InviteUser {
        by: BY,
        email: Email::parse(email).unwrap(),
        role: Role::Viewer,
        given_name: None,
        family_name: None,
        channel: InviteChannel::Email,
    };
    transact::execute(storage, org, &command, t0()).unwrap();
}

fn idp(entity_id: &str) -> IdpDetails {
    IdpDetails::from_parts(entity_id, "https://idp.example/sso", IDP_CERTIFICATE, t0()).unwrap()
}

/// Everything a step could change: the walkthrough and the org's rows.
fn state(storage: &MemoryStorage, org: OrgId) -> String {
    let walkthrough = ConnectService::new(storage).walkthrough(org).unwrap();
    format!("{walkthrough:?} {:?}", storage.snapshot(org).unwrap())
}

/// Runs a step that must be refused with `kind` and `rule`, and checks it wrote nothing.
fn refused<T: std::fmt::Debug>(
    storage: &MemoryStorage,
    org: OrgId,
    kind: ErrorKind,
    rule: Option<&str>,
    step: impl FnOnce(ConnectService<'_>) -> Result<T, ServiceError>,
) -> ServiceError {
    let before = state(storage, org);
    let error = step(ConnectService::new(storage)).unwrap_err();
    assert_eq!((error.kind, error.rule), (kind, rule), "{error}");
    assert_eq!(state(storage, org), before, "a refused step writes nothing");
    error
}

fn walkthrough(storage: &MemoryStorage, org: OrgId) -> Walkthrough {
    ConnectService::new(storage).walkthrough(org).unwrap()
}

fn audit_actions(storage: &MemoryStorage, org: OrgId) -> Vec<&'static str> {
    let rows = storage.snapshot(org).unwrap();
    rows.audit().iter().map(|e| e.action).collect()
}

// covers C1, C2, C3, C4, M1, M3
#[test]
fn the_scim_walkthrough_goes_step_by_step_to_connected() {
    let storage = MemoryStorage::new();
    let acme = org(&storage, "acme", OrgKind::Production, true);
    let connect = ConnectService::new(&storage);
    assert_eq!(walkthrough(&storage, acme).next, Some(NextAction::Start));

    connect
        .set_mode(acme, ConnectionMode::Scim, BY, t0())
        .unwrap();
    assert_eq!(
        walkthrough(&storage, acme).next,
        Some(NextAction::DownloadMapping)
    );

    let sheet = connect.export_mapping(acme, BY, t0()).unwrap();
    assert_eq!(
        (sheet.file_name.as_str(), sheet.rows),
        ("user-mapping-acme.xlsx", 2)
    );
    let now = walkthrough(&storage, acme);
    assert_eq!(now.next, Some(NextAction::UploadMapping));
    assert!(now.mapping.as_ref().unwrap().uploaded_at.is_none());

    let dry = connect
        .import_mapping(acme, &sheet.file_name, &sheet.bytes, true, BY, t0())
        .unwrap();
    assert!(!dry.applied);
    assert_eq!(
        walkthrough(&storage, acme).step,
        WalkthroughStep::MappingDownloaded
    );
    let upload = connect
        .import_mapping(acme, &sheet.file_name, &sheet.bytes, false, BY, t0())
        .unwrap();
    assert!(upload.applied);
    assert_eq!(upload.rows.len(), 2);
    assert!(
        upload
            .rows
            .iter()
            .all(|r| r.idp_email.as_ref() == Some(&r.email))
    );
    assert_eq!(
        walkthrough(&storage, acme).next,
        Some(NextAction::IdpDetails)
    );

    connect
        .set_idp(acme, &idp("https://idp.example/acme"), BY, t0())
        .unwrap();
    let now = walkthrough(&storage, acme);
    assert_eq!(now.next, Some(NextAction::ScimCredentials));
    assert_eq!(now.idp.unwrap().certificates.len(), 1);

    let first = connect.issue_scim_token(acme, BY, t0()).unwrap();
    let second = connect.issue_scim_token(acme, BY, t0()).unwrap();
    assert!(second.starts_with("tsr_scim_"));
    assert!(
        !storage.scim_token_matches(acme, &first).unwrap(),
        "C3: rotated"
    );
    assert!(storage.scim_token_matches(acme, &second).unwrap());
    assert_eq!(walkthrough(&storage, acme).next, Some(NextAction::Connect));

    connect.complete(acme, BY, t0()).unwrap();
    let done = walkthrough(&storage, acme);
    assert_eq!((done.step, done.next), (WalkthroughStep::Connected, None));
    assert_eq!(done.connected_at, Some(t0()));
    assert!(done.scim_token_active);
    let actions = audit_actions(&storage, acme);
    for action in [
        "connection.mode_set",
        "mapping.downloaded",
        "mapping.uploaded",
        "connection.idp_set",
        "scim_token.issued",
        "scim_token.rotated",
        "org.connected",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

// covers W2, W3
#[test]
fn sandbox_and_disabled_orgs_take_no_step() {
    let storage = MemoryStorage::new();
    let sandbox = org(&storage, "sandbox", OrgKind::Sandbox, true);
    refused(&storage, sandbox, ErrorKind::Conflict, Some("W2"), |c| {
        c.set_mode(sandbox, ConnectionMode::Jit, BY, t0())
    });
    let off = org(&storage, "off", OrgKind::Production, false);
    let error = refused(&storage, off, ErrorKind::Forbidden, Some("W3"), |c| {
        c.set_mode(off, ConnectionMode::Jit, BY, t0())
    });
    assert!(error.message.contains("ask the operator"), "{error}");
    assert_eq!(walkthrough(&storage, off).next, None);
}

// covers C1, C2
#[test]
fn steps_out_of_order_are_refused_and_say_what_comes_first() {
    let storage = MemoryStorage::new();
    let acme = org(&storage, "acme", OrgKind::Production, true);
    let error = refused(&storage, acme, ErrorKind::Conflict, Some("C2"), |c| {
        c.export_mapping(acme, BY, t0())
    });
    assert_eq!(error.message, "C2: choose the mode and start first");
    let connect = ConnectService::new(&storage);
    connect
        .set_mode(acme, ConnectionMode::Jit, BY, t0())
        .unwrap();
    refused(&storage, acme, ErrorKind::Conflict, Some("C2"), |c| {
        c.import_mapping(acme, "user-mapping-acme.xlsx", b"x", false, BY, t0())
    });
    refused(&storage, acme, ErrorKind::Conflict, Some("C2"), |c| {
        c.set_idp(acme, &idp("https://idp.example/acme"), BY, t0())
    });
    refused(&storage, acme, ErrorKind::Conflict, Some("C2"), |c| {
        c.complete(acme, BY, t0())
    });
    let sheet = connect.export_mapping(acme, BY, t0()).unwrap();
    connect
        .import_mapping(acme, &sheet.file_name, &sheet.bytes, false, BY, t0())
        .unwrap();
    connect.export_mapping(acme, BY, t0()).unwrap();
    assert_eq!(
        walkthrough(&storage, acme).step,
        WalkthroughStep::MappingUploaded,
        "downloading again never moves the walkthrough back"
    );
    connect
        .set_idp(acme, &idp("https://idp.example/acme"), BY, t0())
        .unwrap();
    refused(&storage, acme, ErrorKind::Conflict, Some("C1"), |c| {
        c.issue_scim_token(acme, BY, t0())
    });
    connect.complete(acme, BY, t0()).unwrap();
    refused(&storage, acme, ErrorKind::Conflict, Some("W2"), |c| {
        c.set_mode(acme, ConnectionMode::Scim, BY, t0())
    });
    refused(&storage, acme, ErrorKind::Conflict, Some("W2"), |c| {
        c.complete(acme, BY, t0())
    });
}

// covers M2
#[test]
fn a_bad_or_stale_sheet_is_refused_whole() {
    let storage = MemoryStorage::new();
    let acme = org(&storage, "acme", OrgKind::Production, true);
    let connect = ConnectService::new(&storage);
    connect
        .set_mode(acme, ConnectionMode::Jit, BY, t0())
        .unwrap();
    let sheet = connect.export_mapping(acme, BY, t0()).unwrap();
    let error = refused(&storage, acme, ErrorKind::Invalid, Some("M2"), |c| {
        c.import_mapping(
            acme,
            &sheet.file_name,
            b"not a spreadsheet",
            false,
            BY,
            t0(),
        )
    });
    let Some(ErrorDetails::MappingRejected(rejection)) = &error.details else {
        panic!("the problems come with the refusal: {error:?}");
    };
    assert!(!rejection.problems.is_empty());

    invite(&storage, acme, "cy@acme.example");
    refused(&storage, acme, ErrorKind::Invalid, Some("M2"), |c| {
        c.import_mapping(acme, &sheet.file_name, &sheet.bytes, false, BY, t0())
    });
}

#[test]
fn invalid_idp_details_are_refused_before_anything_is_stored() {
    let plain_http = IdpDetails::from_parts(
        "https://idp.example",
        "http://idp.example/sso",
        IDP_CERTIFICATE,
        t0(),
    );
    let error = plain_http.unwrap_err();
    assert_eq!((error.kind, error.rule), (ErrorKind::Invalid, None));
    assert!(
        error
            .message
            .starts_with("the IdP details are invalid: the SSO URL"),
        "{error}"
    );
    let spaced = IdpDetails::from_parts("a b", "https://idp.example/sso", IDP_CERTIFICATE, t0());
    assert!(
        spaced
            .unwrap_err()
            .message
            .contains("must not contain spaces")
    );
}

#[test]
fn an_entity_id_shared_with_another_org_is_stored_with_a_warning() {
    let storage = MemoryStorage::new();
    let connect = ConnectService::new(&storage);
    let mut orgs = Vec::new();
    for name in ["acme", "globex"] {
        let id = org(&storage, name, OrgKind::Production, true);
        connect.set_mode(id, ConnectionMode::Jit, BY, t0()).unwrap();
        let sheet = connect.export_mapping(id, BY, t0()).unwrap();
        connect
            .import_mapping(id, &sheet.file_name, &sheet.bytes, false, BY, t0())
            .unwrap();
        connect
            .set_idp(id, &idp("https://sts.example/tenant"), BY, t0())
            .unwrap();
        orgs.push(id);
    }
    let rows = storage.snapshot(orgs[1]).unwrap();
    let set = rows
        .audit()
        .iter()
        .rfind(|e| e.action == "connection.idp_set")
        .unwrap();
    assert_eq!(set.details["shared_with"], serde_json::json!(["acme"]));
    assert!(set.details["warning"].is_string());
}
