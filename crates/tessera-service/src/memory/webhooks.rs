//! The webhook rows of the in-memory backend: endpoints, attempts and dead letters,
//! under one lock of their own (leases are atomic because of it).

use crate::webhooks::{DeadLetter, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use tessera_core::OrgId;

/// Every org's endpoints (oldest first) and their logs.
#[derive(Debug, Default)]
pub(crate) struct WebhookRows {
    endpoints: Vec<WebhookEndpoint>,
    attempts: Vec<WebhookAttempt>,
    dead_letters: Vec<DeadLetter>,
}

impl WebhookRows {
    pub(crate) fn add(&mut self, endpoint: &WebhookEndpoint) {
        self.endpoints.push(endpoint.clone());
    }

    pub(crate) fn of_org(&self, org: OrgId) -> Vec<WebhookEndpoint> {
        self.endpoints
            .iter()
            .filter(|e| e.org == org)
            .cloned()
            .collect()
    }

    pub(crate) fn remove(&mut self, org: OrgId, id: &str) -> bool {
        let before = self.endpoints.len();
        self.endpoints.retain(|e| !(e.org == org && e.id == id));
        let removed = self.endpoints.len() < before;
        if removed {
            self.attempts.retain(|a| a.endpoint != id);
            self.dead_letters.retain(|d| d.endpoint != id);
        }
        removed
    }

    /// Leases the due endpoints; `last_seqs` holds each org's last stored event.
    pub(crate) fn lease(
        &mut self,
        request: &LeaseRequest,
        last_seqs: &BTreeMap<OrgId, i64>,
    ) -> Vec<WebhookEndpoint> {
        let mut due: Vec<&mut WebhookEndpoint> = self
            .endpoints
            .iter_mut()
            .filter(|e| {
                e.enabled
                    && e.state.next_attempt_at <= request.now
                    && e.state.lease_until.is_none_or(|until| until <= request.now)
                    && last_seqs
                        .get(&e.org)
                        .is_some_and(|&last| last > e.state.cursor)
            })
            .collect();
        due.sort_by_key(|e| e.state.next_attempt_at);
        due.into_iter()
            .take(request.limit)
            .map(|endpoint| {
                endpoint.state.lease_owner = Some(request.owner.clone());
                endpoint.state.lease_until = Some(request.until);
                endpoint.clone()
            })
            .collect()
    }

    pub(crate) fn settle(&mut self, settlement: &Settlement) -> bool {
        let Some(endpoint) = self.endpoints.iter_mut().find(|e| {
            e.id == settlement.endpoint
                && e.state.lease_owner.as_deref() == Some(settlement.owner.as_str())
        }) else {
            return false;
        };
        endpoint.state = settlement.state.clone();
        self.attempts.extend(settlement.attempt.clone());
        self.dead_letters.extend(settlement.dead_letter.clone());
        true
    }

    pub(crate) fn replay(
        &mut self,
        org: OrgId,
        id: &str,
        from_seq: i64,
        now: DateTime<Utc>,
    ) -> bool {
        let Some(endpoint) = self
            .endpoints
            .iter_mut()
            .find(|e| e.org == org && e.id == id)
        else {
            return false;
        };
        endpoint.state = crate::webhooks::DeliveryState {
            cursor: from_seq - 1,
            ..crate::webhooks::DeliveryState::new(now)
        };
        true
    }

    pub(crate) fn attempts(&self, endpoint: &str, limit: usize) -> Vec<WebhookAttempt> {
        self.attempts
            .iter()
            .rev()
            .filter(|a| a.endpoint == endpoint)
            .take(limit)
            .cloned()
            .collect()
    }

    pub(crate) fn dead_letters(&self, endpoint: &str, limit: usize) -> Vec<DeadLetter> {
        self.dead_letters
            .iter()
            .rev()
            .filter(|d| d.endpoint == endpoint)
            .take(limit)
            .cloned()
            .collect()
    }
}
