//! Delivery without HTTP: which endpoints are due, what to send them, and what an
//! outcome does to their state. The caller sends (any HTTP client) and reports back.
//!
//! Per endpoint, events go out one at a time in seq order: the head event is retried
//! until a 2xx, with [`RetryPolicy`] backoff, and dead-lettered once its window is
//! over. A server works only on the endpoints it leased ([`Storage::lease_webhook_endpoints`]);
//! a lease it lost (expired and taken over, or replayed) makes its report a no-op.

use super::model::{
    DeadLetter, DeliveryState, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint,
};
use super::retry::RetryPolicy;
use super::signing::signature;
use crate::error::{ServiceError, ServiceResult};
use crate::events::Event;
use crate::storage::Storage;
use chrono::{DateTime, Duration, Utc};

/// How a server delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// This server's lease-owner id (unique per process).
    pub owner: String,
    /// How long a lease holds without being renewed; a crashed server's endpoints
    /// are taken over after it.
    pub lease: Duration,
    /// Backoff and the retry window.
    pub retry: RetryPolicy,
    /// The most endpoints leased at once.
    pub batch: usize,
}

impl DeliveryConfig {
    /// The defaults under a fresh owner id (`dlv_…`), for one server process.
    pub fn for_this_process() -> Self {
        Self::new(format!("dlv_{}", uuid::Uuid::new_v4().simple()))
    }

    /// The defaults for `owner`: 60 s leases, the default retry policy, 16 endpoints.
    pub fn new(owner: impl Into<String>) -> Self {
        Self {
            owner: owner.into(),
            lease: Duration::seconds(60),
            retry: RetryPolicy::default(),
            batch: 16,
        }
    }
}

/// One event to POST to one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The endpoint (leased by this server).
    pub endpoint: WebhookEndpoint,
    /// The event.
    pub event: Event,
    /// The body: the event as JSON.
    pub body: String,
}

impl Delivery {
    /// Where to POST.
    pub fn url(&self) -> &str {
        &self.endpoint.url
    }

    /// The request headers, signed for `timestamp` (unix seconds: the sender's wall
    /// clock, which receivers check against theirs).
    pub fn headers(&self, timestamp: i64) -> ServiceResult<Vec<(&'static str, String)>> {
        let signed = signature(
            self.endpoint.secret.expose(),
            &self.event.id,
            timestamp,
            &self.body,
        )
        .ok_or_else(|| {
            ServiceError::internal(format!(
                "endpoint {} has a malformed secret",
                self.endpoint.id
            ))
        })?;
        Ok(vec![
            ("content-type", "application/json".to_owned()),
            ("webhook-id", self.event.id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signed),
        ])
    }
}

/// What came of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered this status (2xx acknowledges, anything else fails).
    Answered(u16),
    /// No answer: timeout, connection error, refused address, …
    Failed(String),
}

impl Outcome {
    fn acknowledged(&self) -> bool {
        matches!(self, Outcome::Answered(status) if (200..300).contains(status))
    }

    fn describe(&self) -> String {
        match self {
            Outcome::Answered(status) => format!("HTTP {status}"),
            Outcome::Failed(error) => error.clone(),
        }
    }
}

/// A sent attempt, as the sender reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// What came of it.
    pub outcome: Outcome,
    /// When it was sent (the product clock).
    pub sent_at: DateTime<Utc>,
    /// How long it took.
    pub duration: std::time::Duration,
}

/// The delivery steps over a storage backend.
pub struct WebhookDelivery<'a> {
    storage: &'a dyn Storage,
    config: &'a DeliveryConfig,
}

impl<'a> WebhookDelivery<'a> {
    /// Delivery over `storage` as `config` says.
    pub fn new(storage: &'a dyn Storage, config: &'a DeliveryConfig) -> Self {
        Self { storage, config }
    }

    /// Leases the endpoints due at `now` (no other server works on them until the
    /// lease ends or this one releases them).
    pub fn lease(&self, now: DateTime<Utc>) -> ServiceResult<Vec<WebhookEndpoint>> {
        Ok(self.storage.lease_webhook_endpoints(&LeaseRequest {
            owner: self.config.owner.clone(),
            now,
            until: now + self.config.lease,
            limit: self.config.batch,
        })?)
    }

    /// The head event of a leased endpoint, ready to send; `None` (and the lease
    /// released) when the endpoint is up to date. An endpoint that takes only some
    /// types and has none of them left moves its cursor to the org's last event, so it
    /// is not leased again until the org has a new one.
    pub fn next(
        &self,
        endpoint: &WebhookEndpoint,
        now: DateTime<Utc>,
    ) -> ServiceResult<Option<Delivery>> {
        let cursor = endpoint.state.cursor;
        // Read before the head: an event committed after this read has a later seq.
        let last = if endpoint.types.is_empty() {
            cursor
        } else {
            self.storage.last_event_seq(endpoint.org)?.max(cursor)
        };
        let head = self
            .storage
            .events_after(endpoint.org, cursor, 1, &endpoint.types)?
            .into_iter()
            .next();
        let Some(event) = head else {
            let state = DeliveryState {
                cursor: last,
                next_attempt_at: now,
                ..released(&endpoint.state)
            };
            self.write(endpoint, state, None, None)?;
            return Ok(None);
        };
        let body = serde_json::to_string(&event).map_err(|e| {
            ServiceError::internal(format!("cannot render event {}: {e}", event.id))
        })?;
        Ok(Some(Delivery {
            endpoint: endpoint.clone(),
            event,
            body,
        }))
    }

    /// Records what came of `delivery` at `now` (`jitter` in `[0, 1)` spreads the
    /// backoff). Answers the endpoint, still leased, when the next event may go out at
    /// once (the receiver acknowledged); `None` when the lease was released (a
    /// failure: retry later) or lost.
    pub fn settle(
        &self,
        delivery: &Delivery,
        report: &Report,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> ServiceResult<Option<WebhookEndpoint>> {
        let endpoint = &delivery.endpoint;
        let current = &endpoint.state;
        let attempt = WebhookAttempt {
            endpoint: endpoint.id.clone(),
            event_id: delivery.event.id.clone(),
            seq: delivery.event.seq,
            attempt: current.attempts + 1,
            at: report.sent_at,
            status: match report.outcome {
                Outcome::Answered(status) => Some(status),
                Outcome::Failed(_) => None,
            },
            error: match &report.outcome {
                Outcome::Answered(_) => None,
                Outcome::Failed(error) => Some(error.clone()),
            },
            duration_ms: u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX),
        };
        if report.outcome.acknowledged() {
            let state = DeliveryState {
                cursor: delivery.event.seq,
                attempts: 0,
                first_failure_at: None,
                next_attempt_at: now,
                lease_owner: current.lease_owner.clone(),
                lease_until: Some(now + self.config.lease),
            };
            let kept = self.write(endpoint, state.clone(), Some(attempt), None)?;
            return Ok(kept.then(|| WebhookEndpoint {
                state,
                ..endpoint.clone()
            }));
        }
        let first_failure = current.first_failure_at.unwrap_or(report.sent_at);
        let failures = current.attempts + 1;
        let (state, dead_letter) = if self.config.retry.gives_up(first_failure, now) {
            let dead = DeadLetter {
                endpoint: endpoint.id.clone(),
                event_id: delivery.event.id.clone(),
                seq: delivery.event.seq,
                attempts: failures,
                first_failure_at: first_failure,
                dead_at: now,
                last_error: report.outcome.describe(),
            };
            let state = DeliveryState {
                cursor: delivery.event.seq,
                attempts: 0,
                first_failure_at: None,
                next_attempt_at: now,
                ..released(current)
            };
            (state, Some(dead))
        } else {
            let state = DeliveryState {
                attempts: failures,
                first_failure_at: Some(first_failure),
                next_attempt_at: now + self.config.retry.delay(failures, jitter),
                ..released(current)
            };
            (state, None)
        };
        self.write(endpoint, state, Some(attempt), dead_letter)?;
        Ok(None)
    }

    /// One round with a synchronous sender, for embedders that drive delivery
    /// themselves: leases the due endpoints and sends each its pending events in
    /// order until one fails. `send` POSTs the body with the headers and reports;
    /// `clock` gives the product time. Answers how many attempts were made.
    pub fn run_once(
        &self,
        clock: &dyn tessera_core::Clock,
        send: &mut dyn FnMut(&Delivery) -> Report,
    ) -> ServiceResult<usize> {
        let mut attempts = 0;
        for endpoint in self.lease(clock.now())? {
            let mut leased = Some(endpoint);
            while let Some(endpoint) = leased.take() {
                let Some(delivery) = self.next(&endpoint, clock.now())? else {
                    break;
                };
                let report = send(&delivery);
                attempts += 1;
                leased = self.settle(&delivery, &report, clock.now(), super::retry::jitter())?;
            }
        }
        Ok(attempts)
    }

    fn write(
        &self,
        endpoint: &WebhookEndpoint,
        state: DeliveryState,
        attempt: Option<WebhookAttempt>,
        dead_letter: Option<DeadLetter>,
    ) -> ServiceResult<bool> {
        Ok(self.storage.settle_webhook_endpoint(&Settlement {
            endpoint: endpoint.id.clone(),
            owner: self.config.owner.clone(),
            state,
            attempt,
            dead_letter,
        })?)
    }
}

/// `state` with its lease released.
fn released(state: &DeliveryState) -> DeliveryState {
    DeliveryState {
        lease_owner: None,
        lease_until: None,
        ..state.clone()
    }
}
