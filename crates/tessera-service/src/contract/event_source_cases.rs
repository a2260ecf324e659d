//! No write path skips the outbox: each channel's decided changes (SCIM, the
//! operator, an account admin, a sync, a login outcome, Connect's go-live in
//! `connect_cases`) append their typed events with the channel as their source.

use super::event_cases::{all_events, assert_gapless};
use super::scim_cases::Client;
use super::{Backend, Case, t0, workspace};
use crate::error::ServiceError;
use crate::events::{Event, EventSource, EventType, LoginOutcome, record_login_outcome};
use crate::storage::Storage;
use crate::transact::{execute, write};
use serde_json::json;
use tessera_core::{Email, OrgId, Role, TeamId, UserId};
use tessera_policy::{Actor, Command, InviteChannel, Subject};

pub(super) const CASES: [Case; 1] = [(
    "every write path appends its events, named by its source",
    every_path_appends_its_events,
)];

/// The events after `seen`, checked to come from `source`.
fn since(storage: &dyn Storage, org: OrgId, seen: &mut i64, source: EventSource) -> Vec<Event> {
    let events: Vec<Event> = all_events(storage, org)
        .into_iter()
        .filter(|e| e.seq > *seen)
        .collect();
    if let Some(last) = events.last() {
        *seen = last.seq;
    }
    for event in &events {
        assert_eq!(event.source, source, "{event:?}");
    }
    events
}

fn only(events: &[Event], kind: EventType) -> &Event {
    let found: Vec<&Event> = events.iter().filter(|e| e.event_type == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} in {events:?}");
    found[0]
}

fn invite(storage: &dyn Storage, org: OrgId, email: &str, role: Role) -> UserId {
    let command = Command::InviteUser {
        by: Actor::Operator,
        email: Email::parse(email).unwrap(),
        role,
        given_name: None,
        family_name: None,
        channel: InviteChannel::Email,
    };
    match execute(storage, org, &command, t0()).unwrap().subject {
        Some(Subject::User(id)) => id,
        other => panic!("the invitation named {other:?}"),
    }
}

fn by_admin(storage: &dyn Storage, org: OrgId, command: Command) -> Option<Subject> {
    execute(storage, org, &command, t0()).unwrap().subject
}

fn every_path_appends_its_events(backend: &dyn Backend) {
    let scim = Client::new(backend, "eventsources");
    let storage = backend.storage();
    let org = storage
        .org_by_workspace(&workspace("eventsources"))
        .unwrap()
        .unwrap()
        .id;
    let mut seen = 0;

    let bob = scim.create_user("bob@corp.example");
    let events = since(&*storage, org, &mut seen, EventSource::Scim);
    let created = only(&events, EventType::UserCreated);
    assert_eq!(created.data["user"]["email"], "bob@corp.example");
    assert_eq!(created.data["user"]["scim_managed"], true);
    assert_eq!(created.data["user"]["status_label"], "Pending");
    let bob_id: UserId = created.data["user"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let off = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{ "op": "replace", "value": { "active": false } }],
    });
    let path = format!("/Users/{}", bob["id"].as_str().unwrap());
    assert_eq!(scim.send("PATCH", &path, None, Some(off)).status, 200);
    let events = since(&*storage, org, &mut seen, EventSource::Scim);
    let deactivated = only(&events, EventType::UserDeactivated);
    assert_eq!(deactivated.data["previous"]["status"], "pending");
    assert_eq!(deactivated.data["user"]["status"], "deactivated");

    let ada = invite(&*storage, org, "ada@corp.example", Role::AccountAdmin);
    let carl = invite(&*storage, org, "carl@corp.example", Role::Viewer);
    let events = since(&*storage, org, &mut seen, EventSource::Operator);
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event_type == EventType::InvitationCreated)
            .count(),
        2,
        "{events:?}"
    );
    let login = |user| {
        write(&*storage, org, |tx| {
            tx.record_login(user, t0())?;
            let outcome = LoginOutcome::Succeeded { user };
            Ok::<_, ServiceError>(record_login_outcome(tx, EventSource::Saml, outcome, t0())?)
        })
        .unwrap()
    };
    login(ada);
    let events = since(&*storage, org, &mut seen, EventSource::Saml);
    let signed_in = only(&events, EventType::LoginSucceeded);
    assert_eq!(signed_in.data["user"]["email"], "ada@corp.example");
    assert_eq!(signed_in.data["user"]["status"], "active");

    let by = Actor::User(ada);
    let create = Command::CreateTeam {
        by,
        name: "Ops".into(),
        description: String::new(),
    };
    let Some(Subject::Team(ops)) = by_admin(&*storage, org, create) else {
        panic!("the team was not created");
    };
    let add = Command::AddTeamMember {
        by,
        team: ops,
        user: carl,
    };
    by_admin(&*storage, org, add);
    let rename = Command::RenameTeam {
        by,
        team: ops,
        name: "Platform".into(),
    };
    by_admin(&*storage, org, rename);
    let role = Command::SetRole {
        by,
        user: carl,
        role: Role::Expert,
    };
    by_admin(&*storage, org, role);
    let events = since(&*storage, org, &mut seen, EventSource::Admin);
    assert_eq!(
        only(&events, EventType::TeamCreated).data["team"]["name"],
        "Ops"
    );
    let added = only(&events, EventType::MembershipAdded);
    assert_eq!(added.data["team"], json!({ "id": ops, "name": "Ops" }));
    assert_eq!(
        added.data["user"],
        json!({ "id": carl, "email": "carl@corp.example" })
    );
    let renamed = only(&events, EventType::TeamUpdated);
    assert_eq!(renamed.data["previous"], json!({ "name": "Ops" }));
    let updated = only(&events, EventType::UserUpdated);
    assert_eq!(updated.data["previous"], json!({ "role": "viewer" }));
    assert_eq!(updated.data["user"]["role"], "expert");

    remove_and_delete(&*storage, org, by, ops, carl, &mut seen);
    let sync = Command::Sync {
        by: Actor::Operator,
        links: Vec::new(),
    };
    execute(&*storage, org, &sync, t0()).unwrap();
    let events = since(&*storage, org, &mut seen, EventSource::Operator);
    only(&events, EventType::SyncCompleted);
    assert_ne!(bob_id, carl);
    assert_gapless(&all_events(&*storage, org), "every path");
}

fn remove_and_delete(
    storage: &dyn Storage,
    org: OrgId,
    by: Actor,
    team: TeamId,
    user: UserId,
    seen: &mut i64,
) {
    by_admin(storage, org, Command::RemoveTeamMember { by, team, user });
    by_admin(storage, org, Command::DeleteTeam { by, team });
    by_admin(storage, org, Command::DeleteUser { by, user });
    let events = since(storage, org, seen, EventSource::Admin);
    let removed = only(&events, EventType::MembershipRemoved);
    assert_eq!(removed.data["team"]["name"], "Platform");
    assert_eq!(
        only(&events, EventType::TeamDeleted).data["team"]["name"],
        "Platform"
    );
    let deleted = only(&events, EventType::UserDeleted);
    assert_eq!(deleted.data["user"]["email"], "carl@corp.example");
}
