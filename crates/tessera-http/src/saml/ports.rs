//! The SAML crate's request-id and replay ports over the store, for one org.

use chrono::{DateTime, Utc};
use tessera_core::{OrgId, WorkspaceName};
use tessera_saml::{OutstandingRequest, PortError, ReplayCache, RequestIdStore};
use tessera_store::Store;

/// The org's outstanding AuthnRequests and consumed assertions, in the database, for
/// a response posted by a browser that presented `browser` (the request cookie).
pub(crate) struct StorePorts<'a> {
    pub store: &'a Store,
    pub org_id: OrgId,
    pub browser: Option<&'a str>,
}

impl RequestIdStore for StorePorts<'_> {
    fn take(
        &self,
        _workspace: &WorkspaceName,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OutstandingRequest>, PortError> {
        Ok(self
            .store
            .take_saml_request(self.org_id, id, self.browser, now)?
            .map(|request| OutstandingRequest {
                relay_state: request.relay_state,
                from_this_browser: request.from_this_browser,
            }))
    }
}

impl ReplayCache for StorePorts<'_> {
    fn insert_once(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, PortError> {
        Ok(self
            .store
            .remember_assertion(self.org_id, assertion_id, expires_at, now)?)
    }
}
