//! The per-org SCIM rate limit (a `governor` GCRA limiter, per process): one runaway tenant cannot starve the others. Requests
//! are counted only once their bearer token is valid, so nobody can spend an org's
//! budget (and lock its IdP out) by spamming requests with bad tokens.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::OrgId;

/// A GCRA limiter keyed by org (`governor`), or none when disabled, and a second one
/// that lets the warning about an org over its rate reach the log once a minute.
#[derive(Clone)]
pub(crate) struct ScimRateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<OrgId>>>,
    warnings: Arc<DefaultKeyedRateLimiter<OrgId>>,
}

/// An org over its rate: how long it should wait, and whether to log it (the first
/// refusal of a minute is logged, the rest only answered).
#[derive(Debug)]
pub(crate) struct OverRate {
    pub(crate) wait: Duration,
    pub(crate) log: bool,
}

impl ScimRateLimit {
    /// `per_second` requests per second per org, with bursts up to `burst`; a
    /// `per_second` of 0 disables the limit. A `burst` below `per_second` means
    /// `per_second`.
    pub(crate) fn new(per_second: u32, burst: u32) -> Self {
        let limiter = NonZeroU32::new(per_second).map(|rate| {
            let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
            Arc::new(DefaultKeyedRateLimiter::keyed(
                Quota::per_second(rate).allow_burst(burst),
            ))
        });
        let warnings = Arc::new(DefaultKeyedRateLimiter::keyed(Quota::per_minute(
            NonZeroU32::MIN,
        )));
        Self { limiter, warnings }
    }

    /// `Ok` when `org` may make one more request now, else how long it should wait.
    pub(crate) fn check(&self, org: OrgId) -> Result<(), OverRate> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&org).map_err(|not_until| OverRate {
            wait: not_until.wait_time_from(DefaultClock::default().now()),
            log: self.warnings.check_key(&org).is_ok(),
        })
    }
}

/// The `Retry-After` seconds for a wait: rounded up to whole seconds, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_org_has_its_own_budget_and_zero_disables() {
        let limit = ScimRateLimit::new(1, 2);
        let (flooding, quiet) = (OrgId::random(), OrgId::random());
        assert!(limit.check(flooding).is_ok() && limit.check(flooding).is_ok());
        let over = limit.check(flooding).unwrap_err();
        assert!(over.wait > Duration::ZERO && over.wait <= Duration::from_secs(1));
        assert!(over.log, "the first refusal of a minute is logged");
        assert!(
            !limit.check(flooding).unwrap_err().log,
            "the next ones are not"
        );
        assert!(limit.check(quiet).is_ok(), "another org is not affected");
        let off = ScimRateLimit::new(0, 0);
        assert!((0..1000).all(|_| off.check(flooding).is_ok()));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
