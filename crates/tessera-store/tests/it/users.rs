use crate::{t0, ws};
use tessera_core::{Email, LoginMethod, OrgKind, Role, Source, UserStatus};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, NewUser, StoreError, TeamKind, UserFilter};

fn status(status: UserStatus) -> UserFilter {
    UserFilter {
        status: Some(status),
        ..UserFilter::default()
    }
}

pub(crate) fn new_user(email: &str, role: Role, status: UserStatus) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        given_name: Some("Ada".into()),
        family_name: None,
        status,
        role,
        login_method: LoginMethod::Password,
        created_by: Source::Cli,
    }
}

// covers T1
#[test]
fn t1_users_join_all_users_and_admins_join_account_admins() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        store
            .create_user(
                org.id,
                &new_user("admin@acme.example", Role::AccountAdmin, UserStatus::Active),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        store
            .create_user(
                org.id,
                &new_user("viewer@acme.example", Role::Viewer, UserStatus::Pending),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        let teams = store.teams(org.id).unwrap();
        let count = |kind| teams.iter().find(|t| t.kind == kind).unwrap().members;
        assert_eq!(count(TeamKind::AllUsers), 2);
        assert_eq!(count(TeamKind::AccountAdmins), 1);
    }
}

#[test]
fn emails_are_unique_per_org_whatever_their_case() {
    for db in TestDatabase::all() {
        let store = db.open();
        let acme = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        let other = store
            .create_org(&ws("other"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        store
            .create_user(
                acme.id,
                &new_user("Ada@Acme.Example", Role::Viewer, UserStatus::Pending),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        let err = store
            .create_user(
                acme.id,
                &new_user("ada@acme.example", Role::Viewer, UserStatus::Pending),
                &Actor::operator(),
                t0(),
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::UserExists { .. }), "{err}");
        // Another org may have the same person.
        store
            .create_user(
                other.id,
                &new_user("ada@acme.example", Role::Viewer, UserStatus::Pending),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        assert_eq!(
            store.users(acme.id, &UserFilter::default()).unwrap().len(),
            1
        );
        assert_eq!(
            store.users(acme.id, &UserFilter::default()).unwrap()[0]
                .email
                .as_str(),
            "Ada@Acme.Example"
        );
    }
}

// covers U1, U8
#[test]
fn u8_users_filter_by_status() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        store
            .create_user(
                org.id,
                &new_user("a@acme.example", Role::Viewer, UserStatus::Active),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        store
            .create_user(
                org.id,
                &new_user("p@acme.example", Role::Viewer, UserStatus::Pending),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        let active = store.users(org.id, &status(UserStatus::Active)).unwrap();
        assert_eq!(active.len(), 1);
        assert_eq!(active[0].email.as_str(), "a@acme.example");
        assert_eq!(
            active[0].first_login_at,
            Some(t0()),
            "active users have logged in"
        );
        let pending = store.users(org.id, &status(UserStatus::Pending)).unwrap();
        assert_eq!(pending[0].first_login_at, None);
        assert!(!pending[0].idp_connected);
        assert!(
            store
                .users(org.id, &status(UserStatus::Deactivated))
                .unwrap()
                .is_empty()
        );
    }
}
