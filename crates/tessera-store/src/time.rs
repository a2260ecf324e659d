//! Times are stored as naive UTC, truncated to microseconds so both backends agree.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// The column value for `at`.
pub(crate) fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

/// The instant a column value stands for.
pub(crate) fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
