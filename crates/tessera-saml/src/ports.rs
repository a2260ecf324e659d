//! What the crate needs from storage, as traits the server implements over its store.
//!
//! [`crate::validate_response`] takes both ports, so the InResponseTo and replay checks
//! cannot be forgotten. The in-memory implementations serve tests and single-process
//! embeddings; a multi-process deployment implements them over the shared database.

use crate::error::PortError;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use tessera_core::WorkspaceName;

/// An AuthnRequest this org sent and has not seen answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutstandingRequest {
    /// The RelayState stored with it, if any.
    pub relay_state: Option<String>,
    /// The response came through the browser that sent the request (login CSRF
    /// defence: the server binds each request to a cookie). The in-memory store, which
    /// knows no browsers, says `true`.
    pub from_this_browser: bool,
}

/// Outstanding AuthnRequest ids, per org.
pub trait RequestIdStore {
    /// Removes the request `id` of `workspace` and returns it, if it is outstanding
    /// and not expired at `now`; `None` otherwise (unknown, used, expired, other org).
    fn take(
        &self,
        workspace: &WorkspaceName,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OutstandingRequest>, PortError>;
}

/// Assertion ids already used, kept until they expire.
pub trait ReplayCache {
    /// Records `assertion_id` until `expires_at`. Returns `false` when it is already
    /// recorded (a replay). Must be atomic across the processes sharing the store.
    fn insert_once(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, PortError>;
}

/// `(workspace, request id)` → `(expiry, request)`.
type RequestMap = HashMap<(String, String), (DateTime<Utc>, OutstandingRequest)>;

/// An in-memory [`RequestIdStore`].
#[derive(Debug, Default)]
pub struct MemoryRequestIdStore {
    requests: Mutex<RequestMap>,
}

impl MemoryRequestIdStore {
    /// Stores an outstanding request, as the server does after [`crate::AuthnRequest::new`].
    pub fn insert(
        &self,
        workspace: &WorkspaceName,
        id: &str,
        expires_at: DateTime<Utc>,
        relay_state: Option<String>,
    ) {
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(
            (workspace.to_string(), id.to_owned()),
            (
                expires_at,
                OutstandingRequest {
                    relay_state,
                    from_this_browser: true,
                },
            ),
        );
    }
}

impl RequestIdStore for MemoryRequestIdStore {
    fn take(
        &self,
        workspace: &WorkspaceName,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OutstandingRequest>, PortError> {
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map
            .remove(&(workspace.to_string(), id.to_owned()))
            .filter(|(expires_at, _)| now < *expires_at)
            .map(|(_, request)| request))
    }
}

/// An in-memory [`ReplayCache`].
#[derive(Debug, Default)]
pub struct MemoryReplayCache {
    seen: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl ReplayCache for MemoryReplayCache {
    fn insert_once(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, PortError> {
        let mut map = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, until| *until > now);
        if map.contains_key(assertion_id) {
            return Ok(false);
        }
        map.insert(assertion_id.to_owned(), expires_at);
        Ok(true)
    }
}
