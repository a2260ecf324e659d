use crate::{t0, ws};
use std::thread;
use tessera_core::{OrgKind, WorkspaceName};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, Store};

#[test]
fn data_survives_reopening_the_database() {
    for db in TestDatabase::all() {
        {
            let store = db.open();
            store
                .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
                .unwrap();
        }
        let reopened = Store::open(&db.url).unwrap();
        assert!(
            reopened.migrate().unwrap().is_empty(),
            "migrations apply once"
        );
        assert_eq!(reopened.org(&ws("acme")).unwrap().kind, OrgKind::Production);
    }
}

#[test]
fn two_stores_on_one_database_see_each_others_writes() {
    for db in TestDatabase::all() {
        let first = db.open();
        let second = Store::open(&db.url).unwrap();
        first
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        assert_eq!(second.org(&ws("acme")).unwrap().name.as_str(), "acme");
    }
}

#[test]
fn concurrent_writers_all_succeed() {
    for db in TestDatabase::all() {
        let store = db.open();
        let handles: Vec<_> = (0..8)
            .map(|writer| {
                let store = store.clone();
                thread::spawn(move || {
                    for n in 0..10 {
                        let name = WorkspaceName::parse(&format!("org{writer}x{n}")).unwrap();
                        store
                            .create_org(&name, OrgKind::Sandbox, &Actor::operator(), t0())
                            .unwrap();
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(store.list_orgs().unwrap().len(), 80, "{:?}", db.backend);
    }
}

#[test]
fn readiness_ping_answers() {
    for db in TestDatabase::all() {
        db.open().ping().unwrap();
    }
}
