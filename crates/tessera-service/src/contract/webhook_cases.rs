//! The webhook rows: endpoints per org, leases that one owner holds at a time, and
//! settlements that only the lease holder writes.

use super::event_cases::{all_events, create};
use super::{Backend, Case, t0, workspace};
use crate::transact::execute;
use crate::webhooks::{
    DeadLetter, DeliveryState, LeaseRequest, Settlement, WebhookAdmin, WebhookAttempt,
};
use chrono::Duration;

pub(super) const CASES: [Case; 4] = [
    (
        "webhook endpoints are listed per org and removed with their logs",
        endpoints_per_org,
    ),
    (
        "a due endpoint is leased to one owner until its lease ends",
        one_lease_at_a_time,
    ),
    (
        "only the lease holder settles; replay moves the cursor back",
        settle_and_replay,
    ),
    (
        "an endpoint that is up to date is not leased until its org has a new event",
        up_to_date_is_not_due,
    ),
];

fn lease(owner: &str, minutes: i64) -> LeaseRequest {
    LeaseRequest {
        owner: owner.into(),
        now: t0() + Duration::minutes(minutes),
        until: t0() + Duration::minutes(minutes + 1),
        limit: 100,
    }
}

fn endpoints_per_org(backend: &dyn Backend) {
    let (acme, _) = backend.scim_org(&workspace("hooksacme"), t0());
    let (other, _) = backend.scim_org(&workspace("hooksother"), t0());
    let storage = backend.storage();
    let admin = WebhookAdmin::new(&*storage);
    let first = admin
        .add(acme, "https://a.example/hook", vec![], t0())
        .unwrap();
    let second = admin
        .add(
            acme,
            "https://b.example/hook",
            vec![],
            t0() + Duration::seconds(1),
        )
        .unwrap();
    admin
        .add(other, "https://c.example/hook", vec![], t0())
        .unwrap();
    let listed = admin.list(acme).unwrap();
    assert_eq!(
        listed,
        vec![first.clone(), second.clone()],
        "oldest first, with their secrets"
    );
    assert!(
        admin.remove(other, &first.id).is_err(),
        "another org's endpoint is not found"
    );
    admin.remove(acme, &first.id).unwrap();
    assert_eq!(admin.list(acme).unwrap(), vec![second]);
    assert!(
        admin.attempts(acme, &first.id, 10).is_err(),
        "a removed endpoint has no log"
    );
}

fn one_lease_at_a_time(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("hookslease"), t0());
    let storage = backend.storage();
    execute(&*storage, org, &create("lease@corp.example"), t0()).unwrap();
    let endpoint = WebhookAdmin::new(&*storage)
        .add(org, "https://a.example/hook", vec![], t0())
        .unwrap();
    let mine = |leased: Vec<crate::webhooks::WebhookEndpoint>| {
        leased
            .into_iter()
            .filter(|e| e.id == endpoint.id)
            .collect::<Vec<_>>()
    };
    let taken = mine(storage.lease_webhook_endpoints(&lease("a", 0)).unwrap());
    assert_eq!(taken.len(), 1, "a new endpoint is due");
    assert_eq!(taken[0].state.lease_owner.as_deref(), Some("a"));
    assert!(
        mine(storage.lease_webhook_endpoints(&lease("b", 0)).unwrap()).is_empty(),
        "no second owner while the lease holds"
    );
    let taken = mine(storage.lease_webhook_endpoints(&lease("b", 1)).unwrap());
    assert_eq!(taken.len(), 1, "taken over once lease_until has passed");
    let stale = Settlement {
        endpoint: endpoint.id.clone(),
        owner: "a".into(),
        state: DeliveryState::new(t0()),
        attempt: None,
        dead_letter: None,
    };
    assert!(
        !storage.settle_webhook_endpoint(&stale).unwrap(),
        "a lost lease settles nothing"
    );
}

fn settle_and_replay(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("hookssettle"), t0());
    let storage = backend.storage();
    let admin = WebhookAdmin::new(&*storage);
    let endpoint = admin
        .add(org, "https://a.example/hook", vec![], t0())
        .unwrap();
    execute(&*storage, org, &create("settle@corp.example"), t0()).unwrap();
    storage.lease_webhook_endpoints(&lease("a", 0)).unwrap();
    let attempt = WebhookAttempt {
        endpoint: endpoint.id.clone(),
        event_id: "evt_1".into(),
        seq: 1,
        attempt: 3,
        at: t0(),
        status: Some(500),
        error: None,
        duration_ms: 12,
    };
    let dead = DeadLetter {
        endpoint: endpoint.id.clone(),
        event_id: "evt_1".into(),
        seq: 1,
        attempts: 3,
        first_failure_at: t0() - Duration::hours(72),
        dead_at: t0(),
        last_error: "HTTP 500".into(),
    };
    let state = DeliveryState {
        cursor: 1,
        ..DeliveryState::new(t0())
    };
    let settled = storage
        .settle_webhook_endpoint(&Settlement {
            endpoint: endpoint.id.clone(),
            owner: "a".into(),
            state: state.clone(),
            attempt: Some(attempt.clone()),
            dead_letter: Some(dead.clone()),
        })
        .unwrap();
    assert!(settled, "the holder settles");
    assert_eq!(admin.get(org, &endpoint.id).unwrap().state, state);
    assert_eq!(
        admin.attempts(org, &endpoint.id, 10).unwrap(),
        vec![attempt]
    );
    assert_eq!(
        admin.dead_letters(org, &endpoint.id, 10).unwrap(),
        vec![dead]
    );
    admin
        .replay(org, &endpoint.id, 1, t0() + Duration::hours(1))
        .unwrap();
    let replayed = admin.get(org, &endpoint.id).unwrap().state;
    assert_eq!(replayed.cursor, 0, "delivers seq 1 again");
    assert_eq!(replayed.lease_owner, None);
    assert_eq!(replayed.next_attempt_at, t0() + Duration::hours(1));
    assert!(
        admin.replay(org, &endpoint.id, 0, t0()).is_err(),
        "seqs start at 1"
    );
}

fn up_to_date_is_not_due(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("hooksidle"), t0());
    let storage = backend.storage();
    let endpoint = WebhookAdmin::new(&*storage)
        .add(org, "https://a.example/hook", vec![], t0())
        .unwrap();
    let leased = |owner: &str, minutes: i64| {
        storage
            .lease_webhook_endpoints(&lease(owner, minutes))
            .unwrap()
            .into_iter()
            .any(|e| e.id == endpoint.id)
    };
    execute(&*storage, org, &create("first@corp.example"), t0()).unwrap();
    assert!(leased("a", 0), "events after the cursor: due");
    let caught_up = Settlement {
        endpoint: endpoint.id.clone(),
        owner: "a".into(),
        state: DeliveryState {
            cursor: all_events(&*storage, org).last().unwrap().seq,
            ..DeliveryState::new(t0())
        },
        attempt: None,
        dead_letter: None,
    };
    assert!(storage.settle_webhook_endpoint(&caught_up).unwrap());
    assert!(!leased("b", 1), "up to date: not leased, nothing written");
    execute(&*storage, org, &create("second@corp.example"), t0()).unwrap();
    assert!(leased("b", 1), "a new event makes it due again");
}
