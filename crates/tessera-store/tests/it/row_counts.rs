use crate::{t0, ws};
use chrono::Duration;
use tessera_core::OrgKind;
use tessera_store::Actor;
use tessera_store::testing::TestDatabase;

#[test]
fn saml_request_rows_counts_the_authn_requests_one_org_still_holds() {
    for db in TestDatabase::all() {
        let store = db.open();
        let create = |name| {
            store
                .create_org(&ws(name), OrgKind::Production, &Actor::operator(), t0())
                .unwrap()
                .id
        };
        let (acme, other) = (create("acme"), create("other"));
        let soon = t0() + Duration::minutes(5);
        store
            .save_saml_request(acme, "id-1", "browser", None, t0(), soon, 100)
            .unwrap();
        store
            .save_saml_request(acme, "id-2", "browser", Some("/app"), t0(), soon, 100)
            .unwrap();
        store
            .save_saml_request(other, "id-3", "browser", None, t0(), soon, 100)
            .unwrap();
        assert_eq!(
            store.saml_request_rows(acme).unwrap(),
            2,
            "{:?}",
            db.backend
        );
        assert_eq!(
            store.saml_request_rows(other).unwrap(),
            1,
            "{:?}",
            db.backend
        );
        store
            .take_saml_request(acme, "id-1", Some("browser"), t0())
            .unwrap();
        assert_eq!(
            store.saml_request_rows(acme).unwrap(),
            1,
            "{:?}",
            db.backend
        );
    }
}
