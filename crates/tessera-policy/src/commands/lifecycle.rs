//! Status transitions shared by the SCIM, JIT and app commands (U1, U4, U5).

use crate::records::UserRecord;
use chrono::{DateTime, Utc};
use tessera_core::UserStatus;

/// Deactivates `user` as of `now`; false if it already was.
pub(crate) fn deactivate(user: &mut UserRecord, now: DateTime<Utc>) -> bool {
    if user.status == UserStatus::Deactivated {
        return false;
    }
    user.status = UserStatus::Deactivated;
    user.deactivated_at = Some(now);
    true
}

/// Reactivates `user`, back to `pending` or `active`; false if it was not deactivated.
pub(crate) fn reactivate(user: &mut UserRecord) -> bool {
    if user.status != UserStatus::Deactivated {
        return false;
    }
    user.status = user.reactivated_status();
    user.deactivated_at = None;
    true
}

/// Records a first login: `pending` becomes `active` (U1); false if not the first.
pub(crate) fn first_login(user: &mut UserRecord, now: DateTime<Utc>) -> bool {
    if user.first_login_at.is_some() {
        return false;
    }
    user.first_login_at = Some(now);
    if user.status == UserStatus::Pending {
        user.status = UserStatus::Active;
    }
    true
}
