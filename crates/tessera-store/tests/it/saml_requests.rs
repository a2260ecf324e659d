//! Outstanding AuthnRequests: expired ones purged, at most N per org (the oldest
//! dropped), each bound to the browser token it was issued with.

use crate::{t0, ws};
use chrono::Duration;
use tessera_core::OrgKind;
use tessera_store::Actor;
use tessera_store::testing::TestDatabase;

#[test]
fn requests_are_capped_per_org_oldest_first_and_bound_to_their_browser() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = |name| {
            store
                .create_org(&ws(name), OrgKind::Production, &Actor::operator(), t0())
                .unwrap()
                .id
        };
        let (acme, globex) = (org("acme"), org("globex"));
        let ttl = Duration::minutes(10);
        let save = |org, id: &str, at| {
            store
                .save_saml_request(org, id, "tsr_saml_b", None, at, at + ttl, 2)
                .unwrap()
        };
        assert_eq!(save(globex, "g1", t0()), 0);
        let dropped: Vec<usize> = (0..4)
            .map(|i| save(acme, &format!("a{i}"), t0() + Duration::seconds(i)))
            .collect();
        assert_eq!(dropped, [0, 0, 1, 1], "{:?}", db.backend);
        let now = t0() + Duration::seconds(5);
        let take = |org, id, browser| store.take_saml_request(org, id, browser, now).unwrap();
        assert!(
            take(acme, "a0", Some("tsr_saml_b")).is_none(),
            "oldest dropped"
        );
        assert!(take(acme, "a1", Some("tsr_saml_b")).is_none());
        let other = take(acme, "a2", Some("tsr_saml_other")).unwrap();
        assert!(!other.from_this_browser, "another browser's token");
        let mine = take(acme, "a3", Some("tsr_saml_b")).unwrap();
        assert!(mine.from_this_browser);
        assert!(
            take(globex, "g1", None).is_some_and(|r| !r.from_this_browser),
            "another org's cap is its own; no cookie is no match"
        );

        // Expired requests are purged by the next write, and never taken.
        save(acme, "late", t0());
        save(globex, "fresh", t0() + ttl + Duration::seconds(1));
        let later = t0() + ttl + Duration::seconds(2);
        assert!(
            store
                .take_saml_request(acme, "late", Some("tsr_saml_b"), later)
                .unwrap()
                .is_none()
        );
    }
}
