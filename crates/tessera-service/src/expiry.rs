//! Expiry warnings for what an org's logins and provisioning depend on: the IdP's
//! pinned signing certificates, the SP key pair's certificate and the SCIM token.
//!
//! SCIM tokens carry no expiry of their own: a token "expires" when it reaches the
//! configured maximum age since it was issued ([`ExpiryPolicy::scim_token_max_age`]);
//! it keeps working after that, but the admin is told to rotate it. Each item warns
//! once it is within 30 days, then 7, then 1, and after it expired.
//! [`expiry_warnings`] is a pure function; [`ConnectService::announce_expiry_warnings`]
//! turns the same warnings into `expiry.warning` events, each (item, threshold) once.

use crate::connect::ConnectService;
use crate::error::{ServiceError, ServiceResult};
use crate::events::{EventSource, EventType, NewEvent};
use crate::storage::Transaction;
use crate::transact::{read, write};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use tessera_core::OrgId;
use tessera_saml::Certificate;

/// The warning thresholds, in days before expiry, widest first.
pub const WARNING_DAYS: [i64; 3] = [30, 7, 1];

/// What expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpiringItem {
    /// One of the IdP's pinned signing certificates.
    IdpCertificate {
        /// Its SHA-256 fingerprint.
        sha256: String,
        /// Its subject.
        subject: String,
    },
    /// The certificate of the SP key pair (published in the SP metadata).
    SpCertificate {
        /// Its SHA-256 fingerprint.
        sha256: String,
    },
    /// The org's live SCIM token.
    ScimToken {
        /// When it was issued.
        issued_at: DateTime<Utc>,
    },
}

impl ExpiringItem {
    /// A stable key of what expires (`idp_certificate:SHA256`, `sp_certificate:SHA256`,
    /// `scim_token:ISSUED_AT`): a new certificate or token is a new item.
    pub fn key(&self) -> String {
        match self {
            ExpiringItem::IdpCertificate { sha256, .. } => format!("idp_certificate:{sha256}"),
            ExpiringItem::SpCertificate { sha256 } => format!("sp_certificate:{sha256}"),
            ExpiringItem::ScimToken { issued_at } => {
                format!("scim_token:{}", issued_at.timestamp_micros())
            }
        }
    }
}

/// An item within a warning threshold of its expiry, or past it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryWarning {
    /// What expires.
    pub item: ExpiringItem,
    /// When.
    pub expires_at: DateTime<Utc>,
    /// The threshold reached: 30, 7 or 1 (days), 0 once expired.
    pub within_days: i64,
    /// A sentence for the admin saying what to do.
    pub message: String,
}

/// How old a SCIM token may get before it is due for rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    /// The age at which a SCIM token counts as expired (default 365 days).
    pub scim_token_max_age: Duration,
}

impl Default for ExpiryPolicy {
    fn default() -> Self {
        Self {
            scim_token_max_age: Duration::days(365),
        }
    }
}

/// The warnings due at `now` for `items` (each with its expiry), in the items' order.
pub fn expiry_warnings(
    items: &[(ExpiringItem, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Vec<ExpiryWarning> {
    items
        .iter()
        .filter_map(|(item, expires_at)| {
            let left = *expires_at - now;
            let within_days = if left <= Duration::zero() {
                0
            } else {
                WARNING_DAYS
                    .iter()
                    .rev()
                    .copied()
                    .find(|days| left <= Duration::days(*days))?
            };
            Some(ExpiryWarning {
                message: message(item, *expires_at, within_days),
                item: item.clone(),
                expires_at: *expires_at,
                within_days,
            })
        })
        .collect()
}

fn message(item: &ExpiringItem, expires_at: DateTime<Utc>, within_days: i64) -> String {
    let when = if within_days == 0 {
        format!("expired on {}", expires_at.format("%Y-%m-%d"))
    } else {
        format!(
            "expires on {} (within {within_days} day{})",
            expires_at.format("%Y-%m-%d"),
            if within_days == 1 { "" } else { "s" }
        )
    };
    match item {
        ExpiringItem::IdpCertificate { sha256, .. } => format!(
            "The IdP signing certificate {sha256} {when}: add the IdP's new certificate, then remove this one."
        ),
        ExpiringItem::SpCertificate { .. } => format!(
            "The SP certificate {when}: the operator installs a new SP key pair, and the IdP is given the new SP metadata."
        ),
        ExpiringItem::ScimToken { .. } => format!(
            "The SCIM token reaches its maximum age and {when}: issue a new token and paste it into the IdP."
        ),
    }
}

/// The items of an org that expire: its pinned IdP certificates, `sp_certificate`,
/// and its live SCIM token under `policy`.
fn expiring_items(
    idp_certificates: &[String],
    sp_certificate: Option<&Certificate>,
    scim_token_issued_at: Option<DateTime<Utc>>,
    policy: &ExpiryPolicy,
) -> Vec<(ExpiringItem, DateTime<Utc>)> {
    let mut items: Vec<_> = idp_certificates
        .iter()
        .filter_map(|b64| Certificate::parse(b64).ok())
        .map(|c| {
            let item = ExpiringItem::IdpCertificate {
                sha256: c.sha256_fingerprint(),
                subject: c.subject().to_owned(),
            };
            (item, c.not_after())
        })
        .collect();
    if let Some(c) = sp_certificate {
        let item = ExpiringItem::SpCertificate {
            sha256: c.sha256_fingerprint(),
        };
        items.push((item, c.not_after()));
    }
    if let Some(issued_at) = scim_token_issued_at {
        let item = ExpiringItem::ScimToken { issued_at };
        items.push((item, issued_at + policy.scim_token_max_age));
    }
    items
}

impl ConnectService<'_> {
    /// The org's expiry warnings at `now`: its IdP certificates, the SP certificate
    /// (when the caller has one) and its SCIM token under `policy`.
    pub fn expiry_warnings(
        &self,
        org: OrgId,
        sp_certificate: Option<&Certificate>,
        policy: &ExpiryPolicy,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<ExpiryWarning>> {
        read(self.storage(), org, |tx| {
            due_warnings(tx, sp_certificate, policy, now)
        })
    }

    /// Announces the org's due expiry warnings at `now` as `expiry.warning` events
    /// (source `system`, `data` the warning), in one transaction: each warning (item
    /// and threshold) becomes one event however often, and on however many servers,
    /// this runs. Answers the warnings announced by this call.
    pub fn announce_expiry_warnings(
        &self,
        org: OrgId,
        sp_certificate: Option<&Certificate>,
        policy: &ExpiryPolicy,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<ExpiryWarning>> {
        write(self.storage(), org, |tx| -> ServiceResult<_> {
            let mut announced = Vec::new();
            for warning in due_warnings(tx, sp_certificate, policy, now)? {
                if tx.note_expiry_warning(&warning.item.key(), warning.within_days, now)? {
                    announced.push(warning);
                }
            }
            let events: Vec<NewEvent> = announced
                .iter()
                .map(|warning| {
                    let data = serde_json::to_value(warning).map_err(|e| {
                        ServiceError::internal(format!("cannot render a warning: {e}"))
                    })?;
                    Ok(NewEvent {
                        event_type: EventType::ExpiryWarning,
                        occurred_at: now,
                        source: EventSource::System,
                        data,
                    })
                })
                .collect::<ServiceResult<_>>()?;
            tx.append_events(&events)?;
            Ok(announced)
        })
    }
}

fn due_warnings(
    tx: &dyn Transaction,
    sp_certificate: Option<&Certificate>,
    policy: &ExpiryPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<ExpiryWarning>> {
    let certificates = tx.idp_connection()?.map(|c| c.certificates);
    let issued_at = tx.scim_token_issued_at()?;
    let items = expiring_items(
        &certificates.unwrap_or_default(),
        sp_certificate,
        issued_at,
        policy,
    );
    Ok(expiry_warnings(&items, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn warnings_start_at_30_then_7_then_1_day_and_after_expiry() {
        let expires = Utc.with_ymd_and_hms(2027, 1, 31, 0, 0, 0).unwrap();
        let item = ExpiringItem::ScimToken {
            issued_at: expires - Duration::days(365),
        };
        let at = |days_before: i64| {
            expiry_warnings(
                &[(item.clone(), expires)],
                expires - Duration::days(days_before),
            )
            .first()
            .map(|w| w.within_days)
        };
        assert_eq!(at(31), None);
        assert_eq!(at(30), Some(30));
        assert_eq!(at(8), Some(30));
        assert_eq!(at(7), Some(7));
        assert_eq!(at(2), Some(7));
        assert_eq!(at(1), Some(1));
        assert_eq!(at(0), Some(0));
        assert_eq!(at(-3), Some(0));
    }
}
