//! How many refused responses are recorded per org: an in-process keyed rate limiter,
//! so an anonymous flood of forged responses cannot grow the audit log or the server
//! log; past the budget a refusal is only counted, and the count goes with the next
//! record.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use tessera_core::OrgId;

/// The per-org refusal-record budget of one process.
pub(crate) struct RefusalBudget {
    refusals: DefaultKeyedRateLimiter<OrgId>,
    /// Refusals not recorded since the org's last recorded one.
    dropped: Mutex<HashMap<OrgId, u64>>,
}

/// Whether to record a refusal.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Record it; `dropped` refusals of the org went unrecorded before it.
    Record { dropped: u64 },
    /// Over the budget: counted only. `first` is the first one dropped since a record.
    Drop { first: bool },
}

impl RefusalBudget {
    /// `per_minute` records per org and minute (at least one).
    pub(crate) fn new(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            refusals: RateLimiter::keyed(Quota::per_minute(per_minute)),
            dropped: Mutex::new(HashMap::new()),
        }
    }

    /// Decides whether a refused response of `org` is recorded now.
    pub(crate) fn admit(&self, org: OrgId) -> Admission {
        let mut dropped = self.dropped.lock().unwrap_or_else(PoisonError::into_inner);
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
        let budget = RefusalBudget::new(2);
        let (acme, globex) = (OrgId::random(), OrgId::random());
        assert_eq!(budget.admit(acme), Admission::Record { dropped: 0 });
        assert_eq!(budget.admit(acme), Admission::Record { dropped: 0 });
        assert_eq!(budget.admit(acme), Admission::Drop { first: true });
        assert_eq!(budget.admit(acme), Admission::Drop { first: false });
        assert_eq!(
            budget.admit(globex),
            Admission::Record { dropped: 0 },
            "another org has its own budget"
        );
        assert_eq!(budget.dropped.lock().unwrap()[&acme], 2);
    }
}
