//! The Salesforce login rows of the port: a started login is taken once (found from
//! any org's state, so any server sharing the backend finishes it) and expired ones are
//! purged; an identity link is found per org and a second link of the same user or
//! identity is refused.

use super::{Backend, Case, t0, workspace};
use crate::error::ServiceError;
use crate::login::salesforce::{SalesforceLink, SalesforceState};
use crate::transact::{decide_and_apply, read, write};
use chrono::{DateTime, Duration, Utc};
use tessera_core::{Email, OrgId, OrgKind, TokenHash, UserId, UserName};
use tessera_policy::{Command, ProvisionedUser, Subject};

pub(super) const CASES: [Case; 2] = [
    (
        "a started Salesforce login is taken once, and expired ones are purged",
        states_are_taken_once_and_purged,
    ),
    (
        "a Salesforce link is found per org, and a second one for the user or identity is refused",
        links_are_per_org_and_unique,
    ),
];

fn state(org: OrgId, value: &str, at: DateTime<Utc>) -> SalesforceState {
    SalesforceState {
        state_hash: TokenHash::of(value),
        org,
        environment: OrgKind::Sandbox,
        nonce: format!("nonce-{value}"),
        pkce_verifier: format!("verifier-{value}"),
        next: "/deals/42".into(),
        browser_hash: TokenHash::of("tsr_sf_browser"),
        created_at: at,
        expires_at: at + Duration::minutes(10),
    }
}

fn states_are_taken_once_and_purged(backend: &dyn Backend) {
    let (org, _) = backend.scim_org(&workspace("sfstates"), t0());
    let storage = backend.storage();
    let old = state(org, "old", t0() - Duration::hours(1));
    let fresh = state(org, "fresh", t0());
    storage.save_salesforce_state(&old).unwrap();
    storage.save_salesforce_state(&fresh).unwrap();
    let take = |value: &str| {
        storage
            .take_salesforce_state(&TokenHash::of(value))
            .unwrap()
    };
    assert_eq!(
        take("old"),
        None,
        "an expired login is purged by the next save"
    );
    assert_eq!(take("fresh"), Some(fresh), "the started login, as stored");
    assert_eq!(take("fresh"), None, "taken once");
    assert_eq!(take("unknown"), None);
}

fn user(backend: &dyn Backend, org: OrgId, email: &str) -> UserId {
    let storage = backend.storage();
    let mut user = ProvisionedUser::new(UserName::parse(email).unwrap());
    user.email = Some(Email::parse(email).unwrap());
    let decision = write(&*storage, org, |tx| {
        decide_and_apply(tx, &Command::ScimCreateUser(user.clone()), t0())
    })
    .unwrap();
    let Some(Subject::User(id)) = decision.subject else {
        panic!("the create named no user: {decision:?}");
    };
    id
}

fn links_are_per_org_and_unique(backend: &dyn Backend) {
    let (acme, _) = backend.scim_org(&workspace("sflinks"), t0());
    let (other, _) = backend.scim_org(&workspace("sflinksother"), t0());
    let (pat, sam) = (
        user(backend, acme, "pat@corp.example"),
        user(backend, acme, "sam@corp.example"),
    );
    let storage = backend.storage();
    let link = |user: UserId, sf_user: &str| SalesforceLink {
        user,
        salesforce_org_id: "00D000000000001AAA".into(),
        salesforce_user_id: sf_user.into(),
        environment: OrgKind::Production,
        linked_at: t0(),
    };
    let insert = |org: OrgId, link: SalesforceLink| {
        write(&*storage, org, |tx| {
            tx.insert_salesforce_link(&link).map_err(ServiceError::from)
        })
    };
    insert(acme, link(pat, "005000000000001AAA")).unwrap();
    let found = |org: OrgId, sf_user: &str| {
        read(&*storage, org, |tx| {
            tx.salesforce_link("00D000000000001AAA", sf_user)
                .map_err(ServiceError::from)
        })
        .unwrap()
    };
    assert_eq!(found(acme, "005000000000001AAA"), Some(pat));
    assert_eq!(
        found(other, "005000000000001AAA"),
        None,
        "another org's link"
    );
    assert_eq!(found(acme, "005000000000009AAA"), None);
    let linked = |user: UserId| {
        read(&*storage, acme, |tx| {
            tx.user_has_salesforce_link(user)
                .map_err(ServiceError::from)
        })
        .unwrap()
    };
    assert!(linked(pat));
    assert!(!linked(sam));
    assert!(
        insert(acme, link(pat, "005000000000002AAA")).is_err(),
        "a user has one link"
    );
    assert!(
        insert(acme, link(sam, "005000000000001AAA")).is_err(),
        "an identity links one user"
    );
    assert!(!linked(sam), "a refused link writes nothing");
}
