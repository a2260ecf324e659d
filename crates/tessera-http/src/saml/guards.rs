//! The SAML endpoints' limits: outstanding requests per org, cookie security, and how
//! many refused responses are recorded per org (an in-process keyed rate limiter, so an
//! anonymous flood of forged responses cannot grow the audit table or the log).

use crate::Config;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use tessera_core::OrgId;

/// Shared by every worker of one server process.
pub(crate) struct Guards {
    refusals: DefaultKeyedRateLimiter<OrgId>,
    /// Refusals not recorded since the org's last recorded one.
    dropped: Mutex<HashMap<OrgId, u64>>,
    /// `saml_outstanding_requests_per_org`.
    pub max_outstanding_requests: usize,
    /// The public URL is https: the request cookie is `Secure; SameSite=None`.
    pub https: bool,
}

/// Whether to record a refusal.
pub(crate) enum Admission {
    /// Record it; `dropped` refusals of the org went unrecorded before it.
    Record { dropped: u64 },
    /// Over the limit: counted only. `first` is the first one dropped since a record.
    Drop { first: bool },
}

impl Guards {
    pub fn new(config: &Config) -> Self {
        let per_minute =
            NonZeroU32::new(config.saml_refusals_recorded_per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            refusals: RateLimiter::keyed(Quota::per_minute(per_minute)),
            dropped: Mutex::new(HashMap::new()),
            max_outstanding_requests: config.saml_outstanding_requests_per_org,
            https: config.is_https(),
        }
    }

    /// Decides whether a refused response of `org` is recorded now.
    pub fn admit_refusal(&self, org: OrgId) -> Admission {
        let mut dropped = self.dropped.lock().unwrap_or_else(|p| p.into_inner());
        if self.refusals.check_key(&org).is_ok() {
            Admission::Record {
                dropped: dropped.remove(&org).unwrap_or(0),
            }
        } else {
            let count = dropped.entry(org).or_insert(0);
            *count += 1;
            Admission::Drop { first: *count == 1 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_over_the_limit_are_counted_and_reported_with_the_next_record() {
        let config = Config {
            saml_refusals_recorded_per_minute: 2,
            ..Config::default()
        };
        let guards = Guards::new(&config);
        let (acme, globex) = (OrgId::random(), OrgId::random());
        assert!(matches!(
            guards.admit_refusal(acme),
            Admission::Record { dropped: 0 }
        ));
        assert!(matches!(
            guards.admit_refusal(acme),
            Admission::Record { dropped: 0 }
        ));
        assert!(matches!(
            guards.admit_refusal(acme),
            Admission::Drop { first: true }
        ));
        assert!(matches!(
            guards.admit_refusal(acme),
            Admission::Drop { first: false }
        ));
        assert!(
            matches!(
                guards.admit_refusal(globex),
                Admission::Record { dropped: 0 }
            ),
            "another org has its own budget"
        );
        assert_eq!(guards.dropped.lock().unwrap()[&acme], 2);
    }
}
