//! Driving webhook delivery as an embedder does, with its own sender: order, backoff,
//! the dead letter after 72 hours and replay, on the in-memory backend.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;
use tessera_core::{Clock, FixedClock, OrgId, WorkspaceName};
use tessera_service::Storage;
use tessera_service::events::EventType;
use tessera_service::memory::{MemoryStorage, NewOrg};
use tessera_service::scim::{ScimConfig, ScimRequest, ScimService};
use tessera_service::webhooks::{
    Delivery, DeliveryConfig, Outcome, Report, WebhookAdmin, WebhookDelivery, signature,
};

#[test]
fn an_embedders_sender_gets_each_event_in_order_retried_then_dead_lettered_and_replayed() {
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let (storage, org, scim) = acme(&clock);
    let create = |name: &str| create_user(&scim, name, &clock);
    let endpoint = WebhookAdmin::new(&*storage)
        .add(
            org,
            "https://app.example/hooks",
            vec![EventType::UserCreated],
            clock.now(),
        )
        .unwrap();
    create("ada@acme.example");
    create("bob@acme.example");

    let config = DeliveryConfig::new("embedder");
    let delivery = WebhookDelivery::new(&*storage, &config);
    let sent = std::cell::RefCell::new(Vec::new());
    let round = |answer: u16| {
        let mut send = |d: &Delivery| {
            let headers = d.headers(1_700_000_000).unwrap();
            let header = |name: &str| headers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
            assert_eq!(header("webhook-id"), d.event.id);
            let expected = signature(
                endpoint.secret.expose(),
                &d.event.id,
                1_700_000_000,
                &d.body,
            );
            assert_eq!(Some(header("webhook-signature")), expected);
            sent.borrow_mut().push(d.event.seq);
            Report {
                outcome: Outcome::Answered(answer),
                sent_at: clock.now(),
                duration: std::time::Duration::ZERO,
            }
        };
        delivery.run_once(&clock, &mut send).unwrap()
    };
    assert_eq!(round(500), 1, "the head fails and waits");
    assert_eq!(round(500), 0, "not due during the backoff");
    clock.advance(Duration::hours(73));
    assert_eq!(round(500), 1, "past 72 hours: dead-lettered");
    let dead = WebhookAdmin::new(&*storage)
        .dead_letters(org, &endpoint.id, 10)
        .unwrap();
    assert_eq!(dead.len(), 1);
    let first = dead[0].seq;
    assert_eq!(round(200), 1, "the endpoint moved on to the second");
    WebhookAdmin::new(&*storage)
        .replay(org, &endpoint.id, first, clock.now())
        .unwrap();
    assert_eq!(round(200), 2, "replay delivers both again, in order");
    let seqs = sent.borrow().clone();
    assert_eq!(seqs[0], first);
    assert_eq!(seqs[1], first, "retried alone");
    assert!(seqs[2] > first);
    assert_eq!(&seqs[3..], &[first, seqs[2]]);
}

#[test]
fn an_endpoint_taking_only_some_types_catches_up_past_the_others_and_is_then_left_alone() {
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let (storage, org, scim) = acme(&clock);
    let endpoint = WebhookAdmin::new(&*storage)
        .add(
            org,
            "https://app.example/hooks",
            vec![EventType::UserDeactivated],
            clock.now(),
        )
        .unwrap();
    create_user(&scim, "ada@acme.example", &clock);
    let config = DeliveryConfig::new("embedder");
    let delivery = WebhookDelivery::new(&*storage, &config);
    let mut send = |_: &Delivery| -> Report { panic!("no event of the endpoint's type was made") };
    assert_eq!(delivery.run_once(&clock, &mut send).unwrap(), 0);
    let last = storage.last_event_seq(org).unwrap();
    assert!(last >= 1, "the create made events of other types");
    let state = WebhookAdmin::new(&*storage)
        .get(org, &endpoint.id)
        .unwrap()
        .state;
    assert_eq!(state.cursor, last, "moved past the events it does not take");
    assert!(
        delivery.lease(clock.now()).unwrap().is_empty(),
        "up to date: not leased again"
    );
}

/// The org `acme` on the in-memory backend, connected for SCIM with the token `token`.
fn acme(clock: &FixedClock) -> (Arc<MemoryStorage>, OrgId, ScimService) {
    let storage = Arc::new(MemoryStorage::new());
    let acme = WorkspaceName::parse("acme").unwrap();
    let org = storage
        .create_org(NewOrg::connected_for_scim(acme, clock.now()), clock.now())
        .unwrap();
    storage.add_scim_token(org, "token").unwrap();
    let scim = ScimService::new(storage.clone(), ScimConfig::new("https://sso.example.com"));
    (storage, org, scim)
}

/// Creates the user `name` (also its email) over SCIM.
fn create_user(scim: &ScimService, name: &str, clock: &FixedClock) {
    let body = format!(r#"{{"userName": "{name}", "emails": [{{"value": "{name}"}}]}}"#);
    let request = ScimRequest {
        method: "POST",
        path: "/Users",
        query: "",
        authorization: Some("Bearer token"),
        if_match: None,
        body: body.as_bytes(),
    };
    assert_eq!(scim.serve("acme", &request, clock.now()).status, 201);
}
