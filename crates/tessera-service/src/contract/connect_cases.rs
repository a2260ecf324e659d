//! The Connect walkthrough's rows: what each step writes reads back the same, the
//! walkthrough's write is guarded on what was read, and a shared IdP entity id names
//! the other orgs only.

use super::{Backend, Case, t0, workspace};
use crate::connect::records::WalkthroughRecord;
use crate::connect::{ConnectService, IdpDetails, NextAction};
use crate::events::{EventSource, EventType, MAX_PAGE};
use crate::transact::execute;
use serde_json::json;
use tessera_core::{ConnectionMode, Email, OrgId, Role, WalkthroughStep};
use tessera_policy::{Actor, Command, InviteChannel};

pub(super) const CASES: [Case; 3] = [
    (
        "the walkthrough's rows read back through every step",
        every_step_reads_back,
    ),
    (
        "a walkthrough write guarded on a stale read is a lost race",
        stale_walkthrough_write_loses,
    ),
    (
        "a shared IdP entity id names the other orgs",
        shared_entity_id_names_the_others,
    ),
];

const IDP_CERTIFICATE: &str = include_str!("../../../../fixtures/saml/keys/idp.crt");
const BY: Actor = Actor::Operator;

/// A not yet connected org with one user, at the IdP details step (the sheet
/// downloaded and uploaded).
pub(super) fn org_at_idp_step(backend: &dyn Backend, name: &str) -> OrgId {
    let org = backend.walkthrough_org(&workspace(name), t0());
    let storage = backend.storage();
    let invite = Command::InviteUser {
        by: BY,
        email: Email::parse(&format!("ada@{name}.example")).unwrap(),
        role: Role::Viewer,
        given_name: None,
        family_name: None,
        channel: InviteChannel::Email,
    };
    execute(&*storage, org, &invite, t0()).unwrap();
    let connect = ConnectService::new(&*storage);
    connect
        .set_mode(org, ConnectionMode::Scim, BY, t0())
        .unwrap();
    let sheet = connect.export_mapping(org, BY, t0()).unwrap();
    assert_eq!(sheet.rows, 1, "{name}: the sheet lists the org's user");
    let upload = connect
        .import_mapping(org, &sheet.file_name, &sheet.bytes, false, BY, t0())
        .unwrap();
    assert!(upload.applied);
    org
}

pub(super) fn idp(entity_id: &str) -> IdpDetails {
    IdpDetails::from_parts(entity_id, "https://idp.example/sso", IDP_CERTIFICATE, t0()).unwrap()
}

fn every_step_reads_back(backend: &dyn Backend) {
    let org = org_at_idp_step(backend, "walk");
    let storage = backend.storage();
    let connect = ConnectService::new(&*storage);
    let now = connect.walkthrough(org).unwrap();
    assert_eq!(now.step, WalkthroughStep::MappingUploaded);
    assert_eq!(now.mode, Some(ConnectionMode::Scim));
    let mapping = now.mapping.unwrap();
    assert_eq!(
        (mapping.downloaded_at, mapping.uploaded_at),
        (t0(), Some(t0()))
    );

    connect
        .set_idp(org, &idp("https://idp.example/walk"), BY, t0())
        .unwrap();
    let now = connect.walkthrough(org).unwrap();
    assert_eq!(now.next, Some(NextAction::ScimCredentials));
    assert_eq!(now.idp, Some(idp("https://idp.example/walk").summary()));
    assert!(!now.scim_token_active);

    let first = connect.issue_scim_token(org, BY, t0()).unwrap();
    let second = connect.issue_scim_token(org, BY, t0()).unwrap();
    assert!(!storage.scim_token_matches(org, &first).unwrap(), "C3");
    assert!(storage.scim_token_matches(org, &second).unwrap());
    // C3 for SCIM callers: only the live token, only for its own workspace.
    let caller = |name: &str, token: &str| {
        storage
            .org_for_scim_token(&workspace(name), token)
            .unwrap()
            .map(|found| (found.id, found.workspace))
    };
    assert_eq!(caller("walk", &second), Some((org, workspace("walk"))));
    assert_eq!(caller("walk", &first), None, "C3: the replaced token");
    let other = org_at_idp_step(backend, "walkother");
    connect
        .set_idp(other, &idp("https://idp.example/walkother"), BY, t0())
        .unwrap();
    let others = connect.issue_scim_token(other, BY, t0()).unwrap();
    assert_eq!(caller("walkother", &second), None, "another org's token");
    assert_eq!(caller("walk", &others), None, "another org's token");
    assert_eq!(caller("nowhere", &second), None, "an unknown workspace");
    connect.complete(org, BY, t0()).unwrap();
    let done = connect.walkthrough(org).unwrap();
    assert_eq!((done.step, done.next), (WalkthroughStep::Connected, None));
    assert!(done.scim_token_active);
    assert_eq!(done.connected_at, Some(t0()));
    let events = storage.events_after(org, 0, MAX_PAGE, &[]).unwrap();
    let live = events.last().unwrap();
    assert_eq!(
        live.event_type,
        EventType::ConnectionCompleted,
        "{events:?}"
    );
    assert_eq!(
        (live.source, &live.data["mode"]),
        (EventSource::Operator, &json!("scim"))
    );
}

fn stale_walkthrough_write_loses(backend: &dyn Backend) {
    let org = backend.walkthrough_org(&workspace("stale"), t0());
    let storage = backend.storage();
    let outcome = storage.write(org, &mut |tx| {
        let read = tx.walkthrough()?;
        let stale = WalkthroughRecord {
            step: WalkthroughStep::Enabled,
            ..read.clone()
        };
        let next = WalkthroughRecord {
            step: WalkthroughStep::MappingDownloaded,
            ..read
        };
        Ok(tx.save_walkthrough(&stale, &next, t0())?)
    });
    assert!(outcome.unwrap_err().lost_race(), "a guarded write lost");
    let now = ConnectService::new(&*storage).walkthrough(org).unwrap();
    assert_eq!(now.step, WalkthroughStep::NotStarted, "nothing was written");
}

fn shared_entity_id_names_the_others(backend: &dyn Backend) {
    let shared = "https://sts.example/shared-tenant";
    let storage = backend.storage();
    let mut orgs = Vec::new();
    for name in ["sharea", "shareb"] {
        let org = org_at_idp_step(backend, name);
        ConnectService::new(&*storage)
            .set_idp(org, &idp(shared), BY, t0())
            .unwrap();
        orgs.push(org);
    }
    let others = storage
        .workspaces_with_idp_entity_id(shared, orgs[0])
        .unwrap();
    assert_eq!(others, vec![workspace("shareb")]);
    let others = storage
        .workspaces_with_idp_entity_id(shared, orgs[1])
        .unwrap();
    assert_eq!(others, vec![workspace("sharea")]);
    let none = storage
        .workspaces_with_idp_entity_id("urn:nobody", orgs[0])
        .unwrap();
    assert!(none.is_empty());
}
