//! Login outcomes as events: the one helper every login path (SAML, Salesforce, …)
//! calls in the transaction that records the outcome.

use super::model::{EventSource, EventType, NewEvent};
use super::payload::{EventUser, to_value};
use crate::error::StorageError;
use crate::storage::Transaction;
use chrono::{DateTime, Utc};
use serde_json::json;
use tessera_core::{Email, UserId};

/// How a sign-in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome<'a> {
    /// The user signed in (`login.succeeded`, with the user as the admin API shows it).
    Succeeded {
        /// The user.
        user: UserId,
    },
    /// Nobody signed in (`login.refused`).
    Refused {
        /// The reason code: a protocol error code (`signature_invalid`, …),
        /// `no_email`, or the product rule's id (`U3`, …).
        reason: &'a str,
        /// The email the response named, when it was readable.
        email: Option<&'a Email>,
    },
}

/// Appends the outcome of a sign-in through `source` to the org's stream, in `tx`:
/// call it in the transaction that records the login (or the refusal).
pub fn record_login_outcome(
    tx: &dyn Transaction,
    source: EventSource,
    outcome: LoginOutcome<'_>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let (event_type, data) = match outcome {
        LoginOutcome::Succeeded { user } => {
            let org = tx.org()?.id;
            let user = tx
                .user(user)?
                .ok_or_else(|| StorageError::Internal(format!("no user {user} signed in")))?;
            let user = to_value(EventUser::of(org, &user));
            (EventType::LoginSucceeded, json!({ "user": user }))
        }
        LoginOutcome::Refused { reason, email } => (
            EventType::LoginRefused,
            json!({ "reason": reason, "email": email }),
        ),
    };
    tx.append_events(&[NewEvent {
        event_type,
        occurred_at: now,
        source,
        data,
    }])
}
