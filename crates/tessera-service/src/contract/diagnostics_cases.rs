//! Diagnostics lines, several IdP certificates, and the SCIM token's issue time:
//! what is written reads back the same, bounded by the retention, per org.

use super::connect_cases::{idp, org_at_idp_step};
use super::{Backend, Case, t0};
use crate::connect::ConnectService;
use crate::diagnostics::{Retention, SamlAttemptEntry, SamlOutcome, ScimRequestEntry};
use crate::error::ErrorKind;
use crate::transact::{read, write};
use chrono::Duration;
use tessera_policy::Actor;

pub(super) const CASES: [Case; 3] = [
    (
        "diagnostics lines read back newest first, bounded by count and age, per org",
        lines_are_bounded_per_org,
    ),
    (
        "IdP certificates are added and removed; the last one stays",
        certificates_rotate,
    ),
    (
        "the live SCIM token's issue time and the pending users read back",
        token_issue_time_and_pending_users,
    ),
];

const ROLLOVER: &str = include_str!("../../../../fixtures/saml/keys/idp-rollover.crt");

fn scim_line(minutes: i64, status: u16) -> ScimRequestEntry {
    let at = t0() + Duration::minutes(minutes);
    ScimRequestEntry::new(at, "GET", "/Users", status, None, Some("Okta SCIM Client"))
}

fn lines_are_bounded_per_org(backend: &dyn Backend) {
    let storage = backend.storage();
    let org = org_at_idp_step(backend, "diaga");
    let other = org_at_idp_step(backend, "diagb");
    let retention = Retention {
        keep: 3,
        max_age: Duration::days(1),
    };
    write(&*storage, org, |tx| {
        for minutes in 0..5 {
            tx.record_scim_request(
                &scim_line(minutes, 200 + u16::try_from(minutes).unwrap()),
                &retention,
            )?;
        }
        let refused = SamlAttemptEntry::new(
            t0(),
            SamlOutcome::Refused,
            Some("audience_mismatch"),
            Some("the audience is urn:wrong"),
            None,
        );
        tx.record_saml_attempt(&refused, &retention)?;
        Ok::<_, crate::ServiceError>(())
    })
    .unwrap();
    let (scim, saml) = read(&*storage, org, |tx| {
        Ok::<_, crate::ServiceError>((tx.recent_scim_requests(10)?, tx.recent_saml_attempts(10)?))
    })
    .unwrap();
    let statuses: Vec<u16> = scim.iter().map(|l| l.status).collect();
    assert_eq!(statuses, vec![204, 203, 202], "the newest 3, newest first");
    assert_eq!(scim[0], scim_line(4, 204), "a line reads back the same");
    assert_eq!(saml.len(), 1);
    assert_eq!(saml[0].reason.as_deref(), Some("audience_mismatch"));

    // A line two days later drops those older than a day.
    write(&*storage, org, |tx| {
        Ok::<_, crate::ServiceError>(
            tx.record_scim_request(&scim_line(2 * 24 * 60, 401), &retention)?,
        )
    })
    .unwrap();
    let scim = read(&*storage, org, |tx| {
        Ok::<_, crate::ServiceError>(tx.recent_scim_requests(10)?)
    })
    .unwrap();
    assert_eq!(scim.iter().map(|l| l.status).collect::<Vec<_>>(), vec![401]);
    let theirs = read(&*storage, other, |tx| {
        Ok::<_, crate::ServiceError>((tx.recent_scim_requests(10)?, tx.recent_saml_attempts(10)?))
    })
    .unwrap();
    assert!(
        theirs.0.is_empty() && theirs.1.is_empty(),
        "another org's lines"
    );
}

fn certificates_rotate(backend: &dyn Backend) {
    let storage = backend.storage();
    let org = org_at_idp_step(backend, "rotate");
    let connect = ConnectService::new(&*storage);
    connect
        .set_idp(
            org,
            &idp("https://idp.example/rotate"),
            Actor::Operator,
            t0(),
        )
        .unwrap();
    let old = connect.idp(org).unwrap().certificates[0].sha256.clone();
    let both = connect
        .add_idp_certificate(org, ROLLOVER, Actor::Operator, t0())
        .unwrap();
    assert_eq!(both.certificates.len(), 2);
    let again = connect.add_idp_certificate(org, ROLLOVER, Actor::Operator, t0());
    assert_eq!(
        again.unwrap_err().kind,
        ErrorKind::Conflict,
        "already pinned"
    );
    let settings = read(&*storage, org, |tx| {
        Ok::<_, crate::ServiceError>(tx.idp_settings()?)
    })
    .unwrap()
    .unwrap();
    assert_eq!(settings.certificates.len(), 2, "the ACS sees both");

    let left = connect
        .remove_idp_certificate(org, &old.to_lowercase(), Actor::Operator, t0())
        .unwrap();
    assert_eq!(left.certificates.len(), 1);
    assert_ne!(left.certificates[0].sha256, old);
    let last = left.certificates[0].sha256.clone();
    let refused = connect.remove_idp_certificate(org, &last, Actor::Operator, t0());
    assert_eq!(
        refused.unwrap_err().kind,
        ErrorKind::Conflict,
        "the last one stays"
    );
    let unknown = connect.remove_idp_certificate(org, &old, Actor::Operator, t0());
    assert_eq!(unknown.unwrap_err().kind, ErrorKind::NotFound);
    assert_eq!(connect.idp(org).unwrap().certificates.len(), 1);
}

fn token_issue_time_and_pending_users(backend: &dyn Backend) {
    let storage = backend.storage();
    let org = org_at_idp_step(backend, "issued");
    let connect = ConnectService::new(&*storage);
    connect
        .set_idp(
            org,
            &idp("https://idp.example/issued"),
            Actor::Operator,
            t0(),
        )
        .unwrap();
    let issued =
        |tx: &dyn crate::Transaction| Ok::<_, crate::ServiceError>(tx.scim_token_issued_at()?);
    assert_eq!(read(&*storage, org, issued).unwrap(), None);
    let later = t0() + Duration::days(3);
    connect
        .issue_scim_token(org, Actor::Operator, later)
        .unwrap();
    assert_eq!(read(&*storage, org, issued).unwrap(), Some(later));
    let pending = read(&*storage, org, |tx| {
        Ok::<_, crate::ServiceError>(tx.users_never_signed_in(10)?)
    })
    .unwrap();
    let emails: Vec<String> = pending.iter().map(|u| u.email.to_string()).collect();
    assert_eq!(
        emails,
        vec!["ada@issued.example".to_owned()],
        "U1: invited, never signed in"
    );
}
