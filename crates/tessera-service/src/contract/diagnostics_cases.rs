//! Diagnostics lines, several IdP certificates, the SCIM token's issue time and the
//! expiry warnings announced as events: what is written reads back the same, bounded
//! by the retention, per org; each warning is announced once.

use super::connect_cases::{idp, org_at_idp_step};
use super::{Backend, Case, t0, workspace};
use crate::connect::ConnectService;
use crate::diagnostics::{Retention, SamlAttemptEntry, SamlOutcome, ScimRequestEntry};
use crate::error::ErrorKind;
use crate::events::{EventSource, EventType};
use crate::expiry::ExpiryPolicy;
use crate::transact::{read, write};
use chrono::Duration;
use tessera_policy::Actor;

pub(super) const CASES: [Case; 4] = [
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
    (
        "expiry warnings become expiry.warning events, each threshold once, per org",
        expiry_warnings_are_announced_once,
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
    let (summary, at_login) = storage.org_with_idp(&workspace("rotate")).unwrap().unwrap();
    assert_eq!(summary.id, org);
    assert_eq!(at_login, Some(settings), "a login reads the same settings");

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

fn expiry_warnings_are_announced_once(backend: &dyn Backend) {
    let storage = backend.storage();
    let org = org_at_idp_step(backend, "expirya");
    let other = org_at_idp_step(backend, "expiryb");
    let connect = ConnectService::new(&*storage);
    for (org, entity) in [
        (org, "https://idp.example/a"),
        (other, "https://idp.example/b"),
    ] {
        connect
            .set_idp(org, &idp(entity), Actor::Operator, t0())
            .unwrap();
    }
    let expires = connect.idp(org).unwrap().certificates[0].not_after;
    let policy = ExpiryPolicy::default();
    let announce = |days_before: i64| {
        let at = expires - Duration::days(days_before);
        connect
            .announce_expiry_warnings(org, None, &policy, at)
            .unwrap()
            .iter()
            .map(|w| w.within_days)
            .collect::<Vec<_>>()
    };
    assert_eq!(announce(31), Vec::<i64>::new(), "not yet due");
    assert_eq!(announce(30), vec![30]);
    assert_eq!(announce(20), Vec::<i64>::new(), "announced already");
    assert_eq!(announce(7), vec![7]);
    assert_eq!(announce(1), vec![1]);
    assert_eq!(announce(-1), vec![0], "expired");
    assert_eq!(announce(-5), Vec::<i64>::new());

    let events = storage
        .events_after(org, 0, 100, &[EventType::ExpiryWarning])
        .unwrap();
    let thresholds: Vec<i64> = events
        .iter()
        .map(|e| e.data["within_days"].as_i64().unwrap())
        .collect();
    assert_eq!(thresholds, vec![30, 7, 1, 0]);
    let first = &events[0];
    assert_eq!(first.source, EventSource::System);
    assert_eq!(first.data["item"]["kind"], "idp_certificate");
    assert!(
        first.data["message"]
            .as_str()
            .unwrap()
            .contains("add the IdP's new certificate"),
        "{}",
        first.data
    );
    let theirs = storage
        .events_after(other, 0, 100, &[EventType::ExpiryWarning])
        .unwrap();
    assert!(theirs.is_empty(), "another org's certificate was not swept");
}
