//! Sign-in storage: failure counters shared by servers, sessions that end (logout
//! revokes what they handed out, an absolute lifetime), invitations used once.

use crate::users::new_user;
use crate::{t0, ws};
use chrono::Duration;
use std::sync::{Arc, Barrier};
use tessera_core::{OrgId, OrgKind, Role, UserId, UserStatus};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, FailureLimit, Lifetime, SessionKind, Store};

/// The org `acme` with one password account, and a 30-day web session of it.
fn account(store: &Store) -> (OrgId, UserId, String) {
    let org = store
        .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
        .unwrap();
    let user = store
        .create_user(
            org.id,
            &new_user("ada@acme.example", Role::Viewer, UserStatus::Pending),
            &Actor::operator(),
            t0(),
        )
        .unwrap();
    let web = store
        .create_session(org.id, user.id, SessionKind::Web, Duration::days(30), t0())
        .unwrap();
    (org.id, user.id, web)
}

fn limit(key: &str, max_failures: u32) -> FailureLimit {
    FailureLimit {
        key: key.into(),
        max_failures,
    }
}

#[test]
fn failures_block_their_key_until_the_window_ends() {
    let window = Duration::minutes(15);
    for db in TestDatabase::all() {
        let store = db.open();
        for minute in 0..3 {
            let at = t0() + Duration::minutes(minute);
            assert_eq!(
                store
                    .login_retry_after(&[limit("a", 3)], window, at)
                    .unwrap(),
                None
            );
            let counts = store.record_login_failure(&["a", "c"], window, at).unwrap();
            assert_eq!(counts, vec![minute as u32 + 1; 2]);
        }
        let at = t0() + Duration::minutes(5);
        assert_eq!(
            store
                .login_retry_after(&[limit("a", 3), limit("c", 50)], window, at)
                .unwrap(),
            Some(Duration::minutes(10)),
            "{:?}: blocked until the window that began at t0 ends",
            db.backend
        );
        assert_eq!(
            store
                .login_retry_after(&[limit("b", 3)], window, at)
                .unwrap(),
            None,
            "another key is unaffected"
        );
        let later = t0() + window;
        assert_eq!(
            store
                .login_retry_after(&[limit("a", 3)], window, later)
                .unwrap(),
            None
        );
        assert_eq!(
            store.record_login_failure(&["a"], window, later).unwrap(),
            vec![1],
            "a new window starts from one"
        );
        store.clear_login_failures("a").unwrap();
        assert_eq!(
            store.record_login_failure(&["a"], window, later).unwrap(),
            vec![1]
        );
    }
}

#[test]
fn concurrent_failures_on_two_stores_are_all_counted() {
    let window = Duration::minutes(15);
    for db in TestDatabase::all() {
        let stores = [db.open(), db.open()];
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let store = stores[i % 2].clone();
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..5 {
                        store
                            .record_login_failure(&["shared"], window, t0())
                            .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let counts = stores[0]
            .record_login_failure(&["shared"], window, t0())
            .unwrap();
        assert_eq!(counts, vec![41], "{:?}: no failure lost", db.backend);
    }
}

// covers L4
#[test]
fn l4_revoking_a_web_session_revokes_the_tokens_it_handed_out() {
    for db in TestDatabase::all() {
        let store = db.open();
        let (org, user, web) = account(&store);
        let other = store
            .create_session(org, user, SessionKind::Web, Duration::days(30), t0())
            .unwrap();
        let child = |parent: &str, kind, ttl| {
            store
                .create_child_session(parent, org, user, kind, ttl, t0())
                .unwrap()
        };
        let refresh = child(&web, SessionKind::Refresh, Duration::days(90));
        let access = child(&refresh, SessionKind::Access, Duration::minutes(15));
        let other_refresh = child(&other, SessionKind::Refresh, Duration::days(90));

        store.revoke_session(&web, t0()).unwrap();
        let live = |token: &str, kind| {
            store
                .resolve_session(token, kind, Lifetime::default(), t0())
                .unwrap()
                .is_some()
        };
        assert!(!live(&web, SessionKind::Web));
        assert!(!live(&refresh, SessionKind::Refresh), "{:?}", db.backend);
        assert!(!live(&access, SessionKind::Access));
        assert!(
            live(&other, SessionKind::Web),
            "another browser stays signed in"
        );
        assert!(live(&other_refresh, SessionKind::Refresh));
    }
}

// covers L4
#[test]
fn l4_a_used_session_still_ends_at_its_absolute_lifetime() {
    let lifetime = Lifetime {
        slide: Some(Duration::days(30)),
        absolute: Some(Duration::days(90)),
    };
    for db in TestDatabase::all() {
        let store = db.open();
        let (_, _, web) = account(&store);
        let mut day = 0;
        while day < 89 {
            day += 20.min(89 - day);
            let owner = store
                .resolve_session(&web, SessionKind::Web, lifetime, t0() + Duration::days(day))
                .unwrap();
            assert!(
                owner.is_some(),
                "{:?}: used every 20 days, alive on day {day}",
                db.backend
            );
        }
        let owner = store
            .resolve_session(&web, SessionKind::Web, lifetime, t0() + Duration::days(89))
            .unwrap()
            .unwrap();
        assert_eq!(
            owner.expires_at,
            t0() + Duration::days(90),
            "the slide stops at the end"
        );
        let ended = store
            .resolve_session(&web, SessionKind::Web, lifetime, t0() + Duration::days(90))
            .unwrap();
        assert_eq!(
            ended, None,
            "day 90: signed out although used the day before"
        );
    }
}

// covers U7
#[test]
fn u7_concurrent_uses_of_an_invitation_link_succeed_once() {
    for db in TestDatabase::all() {
        let store = db.open();
        let (org, user, _) = account(&store);
        for round in 0..10 {
            let token = store
                .issue_invitation_link(org, user, Duration::days(7), t0())
                .unwrap();
            let start = Arc::new(Barrier::new(2));
            let threads: Vec<_> = (0..2)
                .map(|i| {
                    let (store, token, start) = (db.open(), token.clone(), start.clone());
                    std::thread::spawn(move || {
                        let hash = format!("hash-of-thread-{i}");
                        start.wait();
                        store
                            .accept_invitation(&token, Some(&hash), t0())
                            .unwrap()
                            .is_some()
                    })
                })
                .collect();
            let wins = threads
                .into_iter()
                .map(|t| t.join().unwrap())
                .filter(|won| *won)
                .count();
            assert_eq!(wins, 1, "{:?} round {round}: one use only", db.backend);
        }
    }
}
