use crate::{t0, ws};
use tessera_core::{OrgKind, Source};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, AuditFilter, StoreError, TeamKind};

// covers T1
#[test]
fn t1_every_new_org_has_its_two_built_in_teams() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        assert_eq!(org.name.as_str(), "acme");
        assert_eq!(org.kind, OrgKind::Production);
        assert!(
            !org.sso_enabled,
            "W3: SSO is off until the operator enables it"
        );
        assert_eq!(org.created_at, t0());
        let teams = store.teams(org.id).unwrap();
        let names: Vec<_> = teams.iter().map(|t| (t.name.as_str(), t.kind)).collect();
        assert_eq!(
            names,
            [
                ("All Users", TeamKind::AllUsers),
                ("Account Admins", TeamKind::AccountAdmins)
            ],
            "{:?}",
            db.backend
        );
    }
}

#[test]
fn a_second_org_with_the_same_name_is_refused_and_nothing_is_written() {
    for db in TestDatabase::all() {
        let store = db.open();
        store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        let err = store
            .create_org(&ws("acme"), OrgKind::Sandbox, &Actor::operator(), t0())
            .unwrap_err();
        assert!(matches!(err, StoreError::OrgExists { .. }), "{err}");
        let orgs = store.list_orgs().unwrap();
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0].org.kind, OrgKind::Production);
        assert_eq!(orgs[0].teams, 2);
    }
}

// covers W3
#[test]
fn w3_the_operator_switches_sso_on_and_off_and_the_audit_log_says_so() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        let later = t0() + chrono::Duration::minutes(5);
        assert!(
            store
                .set_sso_enabled(&ws("acme"), true, &Actor::operator(), later)
                .unwrap()
                .sso_enabled
        );
        // Enabling twice changes nothing and logs nothing.
        store
            .set_sso_enabled(&ws("acme"), true, &Actor::operator(), later)
            .unwrap();
        assert!(
            !store
                .set_sso_enabled(&ws("acme"), false, &Actor::operator(), later)
                .unwrap()
                .sso_enabled
        );
        let audit = store.audit(org.id, &AuditFilter::default()).unwrap();
        let actions: Vec<_> = audit.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["org.sso_disabled", "org.sso_enabled", "org.created"]
        );
        assert!(
            audit
                .iter()
                .all(|e| e.actor == "operator" && e.source == Source::Cli)
        );
        assert_eq!(audit[0].at, later);
    }
}

#[test]
fn unknown_orgs_are_reported_by_name() {
    for db in TestDatabase::all() {
        let store = db.open();
        let err = store.org(&ws("nobody")).unwrap_err();
        assert_eq!(err.to_string(), "no org is named \"nobody\"");
        let err = store
            .set_sso_enabled(&ws("nobody"), true, &Actor::operator(), t0())
            .unwrap_err();
        assert!(matches!(err, StoreError::OrgNotFound { .. }));
    }
}

#[test]
fn orgs_are_listed_by_name() {
    for db in TestDatabase::all() {
        let store = db.open();
        for name in ["zeta", "alpha", "mid"] {
            store
                .create_org(&ws(name), OrgKind::Sandbox, &Actor::operator(), t0())
                .unwrap();
        }
        let names: Vec<_> = store
            .list_orgs()
            .unwrap()
            .into_iter()
            .map(|o| o.org.name.to_string())
            .collect();
        assert_eq!(names, ["alpha", "mid", "zeta"]);
        let swept: Vec<_> = store
            .orgs()
            .unwrap()
            .into_iter()
            .map(|org| org.name.to_string())
            .collect();
        assert_eq!(
            swept, names,
            "the sweep's listing has the same orgs, same order"
        );
    }
}
