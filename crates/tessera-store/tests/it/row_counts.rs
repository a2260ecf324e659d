use crate::saml_requests::{save, take};
use crate::{t0, ws};
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
        save(&store, acme, "id-1", None, t0(), 100);
        save(&store, acme, "id-2", Some("/app"), t0(), 100);
        save(&store, other, "id-3", None, t0(), 100);
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
        take(&store, acme, "id-1");
        assert_eq!(
            store.saml_request_rows(acme).unwrap(),
            1,
            "{:?}",
            db.backend
        );
    }
}
