//! Managing an org's endpoints: add (with a fresh secret), list, remove, replay, and
//! reading their attempts and dead letters. Whether a URL may reach a private address
//! is the caller's check (it needs DNS); this checks its form.

use super::model::{DeadLetter, DeliveryState, WebhookAttempt, WebhookEndpoint};
use super::signing::new_secret;
use crate::error::{ServiceError, ServiceResult};
use crate::events::EventType;
use crate::storage::Storage;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tessera_core::{OrgId, Secret};

/// The longest endpoint URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// The webhook endpoints of the orgs of a storage backend.
pub struct WebhookAdmin<'a> {
    storage: &'a dyn Storage,
}

impl<'a> WebhookAdmin<'a> {
    /// Management over `storage`.
    pub fn new(storage: &'a dyn Storage) -> Self {
        Self { storage }
    }

    /// Adds an endpoint receiving `types` (all when empty) from the start of the
    /// org's stream; answers it with its secret (shown once).
    pub fn add(
        &self,
        org: OrgId,
        url: &str,
        types: Vec<EventType>,
        now: DateTime<Utc>,
    ) -> ServiceResult<WebhookEndpoint> {
        check_url(url)?;
        let endpoint = WebhookEndpoint {
            id: format!("whep_{}", uuid::Uuid::new_v4().simple()),
            org,
            url: url.to_owned(),
            secret: Secret::new(new_secret()),
            types,
            enabled: true,
            created_at: now,
            state: DeliveryState::new(now),
        };
        self.storage.add_webhook_endpoint(&endpoint)?;
        Ok(endpoint)
    }

    /// The org's endpoints, oldest first.
    pub fn list(&self, org: OrgId) -> ServiceResult<Vec<WebhookEndpoint>> {
        Ok(self.storage.webhook_endpoints(org)?)
    }

    /// The org's endpoint `id`, or not found.
    pub fn get(&self, org: OrgId, id: &str) -> ServiceResult<WebhookEndpoint> {
        self.list(org)?
            .into_iter()
            .find(|endpoint| endpoint.id == id)
            .ok_or_else(|| no_endpoint(id))
    }

    /// Removes the endpoint with its attempts and dead letters.
    pub fn remove(&self, org: OrgId, id: &str) -> ServiceResult<()> {
        if self.storage.remove_webhook_endpoint(org, id)? {
            Ok(())
        } else {
            Err(no_endpoint(id))
        }
    }

    /// Delivers again from `from_seq` on (dead-lettered events included), at once.
    pub fn replay(
        &self,
        org: OrgId,
        id: &str,
        from_seq: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        if from_seq < 1 {
            return Err(ServiceError::invalid("--from must be a seq of 1 or more"));
        }
        if self
            .storage
            .replay_webhook_endpoint(org, id, from_seq, now)?
        {
            Ok(())
        } else {
            Err(no_endpoint(id))
        }
    }

    /// The endpoint's latest attempts, newest first.
    pub fn attempts(
        &self,
        org: OrgId,
        id: &str,
        limit: usize,
    ) -> ServiceResult<Vec<WebhookAttempt>> {
        self.get(org, id)?;
        Ok(self.storage.webhook_attempts(id, limit)?)
    }

    /// The endpoint's dead letters, newest first.
    pub fn dead_letters(
        &self,
        org: OrgId,
        id: &str,
        limit: usize,
    ) -> ServiceResult<Vec<DeadLetter>> {
        self.get(org, id)?;
        Ok(self.storage.webhook_dead_letters(id, limit)?)
    }
}

fn no_endpoint(id: &str) -> ServiceError {
    ServiceError::not_found(format!("no webhook endpoint {id:?}"))
}

/// Checks an endpoint URL's form: `https://` or `http://`, a host, at most
/// [`MAX_URL_LEN`] bytes, no credentials, no spaces.
pub fn check_url(url: &str) -> ServiceResult<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            ServiceError::invalid(format!(
                "url {url:?}: only https:// and http:// URLs are accepted"
            ))
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if url.len() > MAX_URL_LEN || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ServiceError::invalid(format!(
            "url: at most {MAX_URL_LEN} bytes, no spaces"
        )));
    }
    if authority.is_empty() || authority.contains('@') {
        return Err(ServiceError::invalid(format!(
            "url {url:?}: a host is needed, without credentials"
        )));
    }
    Ok(())
}

/// Event types from a comma-separated list (`user.created,team.deleted`); empty
/// means all.
pub fn parse_types(list: &str) -> ServiceResult<Vec<EventType>> {
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            serde_json::from_value(Value::String(name.to_owned()))
                .map_err(|_| ServiceError::invalid(format!("types: {name:?} is not an event type")))
        })
        .collect()
}

/// An endpoint as the API and the CLI show it; the secret only when just added.
pub fn endpoint_json(endpoint: &WebhookEndpoint, with_secret: bool) -> Value {
    let mut view = json!({
        "id": endpoint.id,
        "url": endpoint.url,
        "types": endpoint.types,
        "enabled": endpoint.enabled,
        "created_at": endpoint.created_at,
        "state": endpoint.state,
    });
    if with_secret && let Some(map) = view.as_object_mut() {
        map.insert(
            "secret".into(),
            Value::String(endpoint.secret.expose().clone()),
        );
    }
    view
}
