//! When a failed head event is tried again, and when it is given up on.

use chrono::{DateTime, Duration, Utc};

/// Exponential backoff with jitter, within a retry window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay after the first failure (before jitter).
    pub first_delay: Duration,
    /// The longest delay (before jitter).
    pub max_delay: Duration,
    /// How long after its first failure an event is retried before it is
    /// dead-lettered.
    pub window: Duration,
}

impl Default for RetryPolicy {
    /// 5 s doubling to 1 h, for 72 hours.
    fn default() -> Self {
        Self {
            first_delay: Duration::seconds(5),
            max_delay: Duration::hours(1),
            window: Duration::hours(72),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`-th failure (1 for the first): the doubling delay,
    /// capped, scaled by `0.5 + jitter / 2` (`jitter` in `[0, 1)`) so that endpoints
    /// failing together do not retry together.
    pub fn delay(&self, failures: u32, jitter: f64) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let base = self
            .first_delay
            .checked_mul(1_i32 << doublings)
            .map_or(self.max_delay, |delay| delay.min(self.max_delay));
        let scale = 0.5 + jitter.clamp(0.0, 1.0) / 2.0;
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let millis = (base.num_milliseconds() as f64 * scale) as i64;
        Duration::milliseconds(millis.max(1))
    }

    /// Whether an event that first failed at `first_failure` is given up on at `now`.
    pub fn gives_up(&self, first_failure: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now - first_failure >= self.window
    }
}

/// A random jitter in `[0, 1)` for [`RetryPolicy::delay`].
pub fn jitter() -> f64 {
    rand::random()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_five_seconds_to_an_hour() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, 1.0), Duration::seconds(5));
        assert_eq!(policy.delay(2, 1.0), Duration::seconds(10));
        assert_eq!(
            policy.delay(3, 0.0),
            Duration::seconds(10),
            "jitter halves at most"
        );
        assert_eq!(policy.delay(11, 1.0), Duration::hours(1));
        assert_eq!(policy.delay(400, 1.0), Duration::hours(1));
    }

    #[test]
    fn gives_up_after_72_hours() {
        let policy = RetryPolicy::default();
        let start = DateTime::<Utc>::UNIX_EPOCH;
        assert!(!policy.gives_up(start, start + Duration::hours(71)));
        assert!(policy.gives_up(start, start + Duration::hours(72)));
    }
}
