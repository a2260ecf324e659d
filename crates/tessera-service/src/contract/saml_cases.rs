//! The SAML login rows of the port: outstanding AuthnRequests (capped per org, oldest
//! dropped, taken once, expired ones purged), consumed assertion ids (a replay is
//! seen), no IdP settings before one is configured, and a first login that makes a
//! pending account active (U1).

use super::{Backend, Case, t0, workspace};
use crate::error::ServiceError;
use crate::login::{SavedRequest, StoredRequest};
use crate::storage::Storage;
use crate::transact::{decide_and_apply, read, write};
use chrono::{DateTime, Duration, Utc};
use tessera_core::{Email, OrgId, TokenHash, UserName, UserStatus};
use tessera_policy::{Command, ProvisionedUser, Subject};

pub(super) const CASES: [Case; 3] = [
    (
        "AuthnRequests are capped per org, taken once and purged when expired",
        requests_are_capped_taken_once_and_purged,
    ),
    (
        "a consumed assertion id is a replay",
        assertion_ids_are_seen,
    ),
    (
        "a recorded login makes a pending account active (U1)",
        first_login_activates,
    ),
];

fn save(storage: &dyn Storage, org: OrgId, id: &str, at: DateTime<Utc>) -> usize {
    let saved = SavedRequest {
        id: id.into(),
        relay_state: Some(format!("/{id}")),
        browser_hash: TokenHash::of("tsr_saml_b"),
        created_at: at,
        expires_at: at + Duration::minutes(10),
    };
    write(storage, org, |tx| {
        tx.save_saml_request(&saved, 2).map_err(ServiceError::from)
    })
    .unwrap()
}

fn take(storage: &dyn Storage, org: OrgId, id: &str) -> Option<StoredRequest> {
    write(storage, org, |tx| {
        tx.take_saml_request(id).map_err(ServiceError::from)
    })
    .unwrap()
}

fn requests_are_capped_taken_once_and_purged(backend: &dyn Backend) {
    let (acme, _) = backend.scim_org(&workspace("samlrequests"), t0());
    let (other, _) = backend.scim_org(&workspace("samlother"), t0());
    let storage = backend.storage();
    let none = read(&*storage, acme, |tx| {
        tx.idp_settings().map_err(ServiceError::from)
    });
    assert_eq!(none.unwrap(), None, "no IdP before one is configured");
    let (summary, idp) = storage
        .org_with_idp(&workspace("samlrequests"))
        .unwrap()
        .unwrap();
    assert_eq!((summary.id, idp), (acme, None), "the org, without an IdP");
    assert!(
        storage
            .org_with_idp(&workspace("nosuchorg"))
            .unwrap()
            .is_none()
    );
    assert_eq!(save(&*storage, other, "o1", t0()), 0);
    let dropped: Vec<usize> = (0..3)
        .map(|i| {
            save(
                &*storage,
                acme,
                &format!("a{i}"),
                t0() + Duration::seconds(i),
            )
        })
        .collect();
    assert_eq!(dropped, [0, 0, 1], "the oldest beyond two is dropped");
    assert_eq!(take(&*storage, acme, "a0"), None);
    let taken = take(&*storage, acme, "a2").unwrap();
    assert_eq!(taken.relay_state.as_deref(), Some("/a2"));
    assert!(taken.browser_hash.unwrap().matches("tsr_saml_b"));
    assert_eq!(
        taken.expires_at,
        t0() + Duration::seconds(2) + Duration::minutes(10)
    );
    assert_eq!(take(&*storage, acme, "a2"), None, "taken once");
    assert_eq!(take(&*storage, other, "a1"), None, "another org's request");
    save(&*storage, acme, "late", t0() + Duration::minutes(11));
    assert_eq!(take(&*storage, acme, "a1"), None, "purged once expired");
}

fn assertion_ids_are_seen(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("samlreplay"), t0());
    let storage = backend.storage();
    let remember = |id: &str, now: DateTime<Utc>| {
        let until = now + Duration::minutes(5);
        write(&*storage, org, |tx| {
            tx.remember_assertion(id, until, now)
                .map_err(ServiceError::from)
        })
        .unwrap()
    };
    assert!(remember("a1", t0()));
    assert!(!remember("a1", t0() + Duration::minutes(1)), "a replay");
    assert!(remember("a2", t0()), "another id");
    assert!(
        remember("a1", t0() + Duration::minutes(6)),
        "kept only until it expires"
    );
}

fn first_login_activates(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("samllogin"), t0());
    let storage = backend.storage();
    let mut user = ProvisionedUser::new(UserName::parse("pat@corp.example").unwrap());
    user.email = Some(Email::parse("pat@corp.example").unwrap());
    let decision = write(&*storage, org, |tx| {
        decide_and_apply(tx, &Command::ScimCreateUser(user.clone()), t0())
    })
    .unwrap();
    let Some(Subject::User(id)) = decision.subject else {
        panic!("the create named no user: {decision:?}");
    };
    let later = t0() + Duration::hours(1);
    let status = write(&*storage, org, |tx| {
        let before = tx.user(id)?.unwrap().status;
        tx.record_login(id, later)?;
        let after = tx.user(id)?.unwrap();
        Ok::<_, ServiceError>((before, after.status, after.first_login_at))
    })
    .unwrap();
    assert_eq!(
        status,
        (UserStatus::Pending, UserStatus::Active, Some(later))
    );
}
