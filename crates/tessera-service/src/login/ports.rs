//! The SAML crate's request-id and replay ports over the storage port, for one org and
//! the browser that posted the response. Each call is its own write transaction.

use crate::error::ServiceError;
use crate::storage::Storage;
use crate::transact;
use chrono::{DateTime, Utc};
use tessera_core::{OrgId, WorkspaceName};
use tessera_saml::{OutstandingRequest, PortError, ReplayCache, RequestIdStore};

/// The org's outstanding AuthnRequests and consumed assertions, for a response posted
/// by a browser that presented `browser` (the binding value), if any.
pub(crate) struct StoragePorts<'a> {
    pub storage: &'a dyn Storage,
    pub org: OrgId,
    pub browser: Option<&'a str>,
}

/// A storage failure, with what the log should read.
fn port_error(error: ServiceError) -> PortError {
    match error.log_detail {
        Some(detail) => format!("{}: {detail}", error.message).into(),
        None => error.message.into(),
    }
}

impl RequestIdStore for StoragePorts<'_> {
    fn take(
        &self,
        _workspace: &WorkspaceName,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OutstandingRequest>, PortError> {
        let taken = transact::write(self.storage, self.org, |tx| {
            tx.take_saml_request(id).map_err(ServiceError::from)
        })
        .map_err(port_error)?;
        Ok(taken
            .filter(|request| request.expires_at > now)
            .map(|request| OutstandingRequest {
                from_this_browser: match (&request.browser_hash, self.browser) {
                    (Some(hash), Some(presented)) => hash.matches(presented),
                    _ => false,
                },
                relay_state: request.relay_state,
            }))
    }
}

impl ReplayCache for StoragePorts<'_> {
    fn insert_once(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, PortError> {
        transact::write(self.storage, self.org, |tx| {
            tx.remember_assertion(assertion_id, expires_at, now)
                .map_err(ServiceError::from)
        })
        .map_err(port_error)
    }
}
