//! Outstanding AuthnRequests through the services' port: expired ones purged, at most
//! N per org (the oldest dropped), each kept with the hash of the browser token it was
//! issued with.

use crate::{t0, ws};
use chrono::{DateTime, Duration, Utc};
use tessera_core::{OrgId, OrgKind, TokenHash};
use tessera_service::login::{SavedRequest, StoredRequest};
use tessera_service::{ServiceError, transact};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, Store};

/// Saves the request `id` of `org`, issued at `at` for ten minutes with the browser
/// token `tsr_saml_b`, keeping at most `keep` of the org: how many were dropped.
pub(crate) fn save(
    store: &Store,
    org: OrgId,
    id: &str,
    relay_state: Option<&str>,
    at: DateTime<Utc>,
    keep: usize,
) -> usize {
    let saved = SavedRequest {
        id: id.into(),
        relay_state: relay_state.map(str::to_owned),
        browser_hash: TokenHash::of("tsr_saml_b"),
        created_at: at,
        expires_at: at + Duration::minutes(10),
    };
    transact::write(store, org, |tx| {
        tx.save_saml_request(&saved, keep)
            .map_err(ServiceError::from)
    })
    .unwrap()
}

/// Takes the request `id` of `org`.
pub(crate) fn take(store: &Store, org: OrgId, id: &str) -> Option<StoredRequest> {
    transact::write(store, org, |tx| {
        tx.take_saml_request(id).map_err(ServiceError::from)
    })
    .unwrap()
}

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
        let save = |org, id: &str, at| save(&store, org, id, None, at, 2);
        assert_eq!(save(globex, "g1", t0()), 0);
        let dropped: Vec<usize> = (0..4)
            .map(|i| save(acme, &format!("a{i}"), t0() + Duration::seconds(i)))
            .collect();
        assert_eq!(dropped, [0, 0, 1, 1], "{:?}", db.backend);
        let take = |org, id| take(&store, org, id);
        assert!(take(acme, "a0").is_none(), "oldest dropped");
        assert!(take(acme, "a1").is_none());
        let other = take(acme, "a2").unwrap();
        assert!(
            !other.browser_hash.unwrap().matches("tsr_saml_other"),
            "another browser's token"
        );
        let mine = take(acme, "a3").unwrap();
        assert!(mine.browser_hash.unwrap().matches("tsr_saml_b"));
        assert_eq!(mine.expires_at, t0() + Duration::seconds(3) + ttl);
        assert!(take(acme, "a3").is_none(), "taken once");
        assert!(take(globex, "g1").is_some(), "another org's cap is its own");

        // Expired requests are purged by the next write, and never taken.
        save(acme, "late", t0());
        save(globex, "fresh", t0() + ttl + Duration::seconds(1));
        assert!(take(acme, "late").is_none());
    }
}
