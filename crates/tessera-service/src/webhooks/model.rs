//! What the webhooks store: endpoints with their delivery state, the attempts log and
//! the dead letters.

use crate::events::EventType;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tessera_core::{OrgId, Secret};

/// A webhook endpoint of an org, with where its delivery stands.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEndpoint {
    /// `whep_…`, unique across orgs.
    pub id: String,
    /// The org whose events it receives.
    pub org: OrgId,
    /// Where deliveries are POSTed (`https://` or `http://`).
    pub url: String,
    /// The signing secret, `whsec_` + base64 of 24 random bytes.
    pub secret: Secret<String>,
    /// The event types it wants; empty means every type.
    pub types: Vec<EventType>,
    /// Whether it receives deliveries.
    pub enabled: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// Where its delivery stands.
    pub state: DeliveryState,
}

/// Where an endpoint's delivery stands: the cursor, the head event's retries and the
/// lease of the server delivering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryState {
    /// The last acknowledged (or dead-lettered) seq; the head event is the next one
    /// after it that the endpoint wants.
    pub cursor: i64,
    /// Failed attempts of the head event so far.
    pub attempts: u32,
    /// When the head event first failed, if it has.
    pub first_failure_at: Option<DateTime<Utc>>,
    /// The endpoint is due from then on.
    pub next_attempt_at: DateTime<Utc>,
    /// The server delivering it now, if any.
    pub lease_owner: Option<String>,
    /// Until when that server holds it; afterwards any server may take it over.
    pub lease_until: Option<DateTime<Utc>>,
}

impl DeliveryState {
    /// A new endpoint's state: from the start of the stream, due at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            cursor: 0,
            attempts: 0,
            first_failure_at: None,
            next_attempt_at: now,
            lease_owner: None,
            lease_until: None,
        }
    }
}

/// A request to lease the due endpoints: enabled, `next_attempt_at <= now`, not leased
/// or their lease over (`lease_until <= now`), and with an event after their cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRequest {
    /// Who takes the leases (one id per server process).
    pub owner: String,
    /// The time it is.
    pub now: DateTime<Utc>,
    /// Until when the leases hold.
    pub until: DateTime<Utc>,
    /// The most endpoints to lease.
    pub limit: usize,
}

/// One delivery attempt, as the attempts log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookAttempt {
    /// The endpoint.
    pub endpoint: String,
    /// The event (also the `webhook-id`).
    pub event_id: String,
    /// The event's seq.
    pub seq: i64,
    /// 1 for the first attempt of this event, 2 for the first retry, …
    pub attempt: u32,
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// What went wrong, when no status came back (timeout, refused address, …).
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// An event given up on after the retry window: recorded, visible, replayable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadLetter {
    /// The endpoint.
    pub endpoint: String,
    /// The event.
    pub event_id: String,
    /// The event's seq.
    pub seq: i64,
    /// How many attempts failed.
    pub attempts: u32,
    /// When the first attempt failed.
    pub first_failure_at: DateTime<Utc>,
    /// When it was given up on.
    pub dead_at: DateTime<Utc>,
    /// The last attempt's status or error.
    pub last_error: String,
}

/// What a delivery attempt did to an endpoint, written only while `owner` still
/// holds its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// The endpoint.
    pub endpoint: String,
    /// The lease holder writing it.
    pub owner: String,
    /// The endpoint's new state (with the lease kept or released).
    pub state: DeliveryState,
    /// The attempt to log, if one was made.
    pub attempt: Option<WebhookAttempt>,
    /// The event given up on, if it was.
    pub dead_letter: Option<DeadLetter>,
}
