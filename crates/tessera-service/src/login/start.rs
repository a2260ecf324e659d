//! SP-initiated login (L2): an AuthnRequest for the HTTP-Redirect binding (signed when
//! the IdP wants signed requests), whose id (128 random bits) is stored with the
//! RelayState and the browser binding until it is answered or expires; at most
//! `max_outstanding_requests` are kept per org (the oldest is dropped).

use super::provider::NOT_CONNECTED;
use super::{LoginService, SavedRequest};
use crate::error::{ServiceError, ServiceResult};
use crate::transact;
use chrono::{DateTime, Duration, Utc};
use tessera_core::{TokenHash, WorkspaceName};
use tessera_saml::AuthnRequest;

/// How long an AuthnRequest may be answered (and the binding cookie should live).
pub const REQUEST_LIFETIME: Duration = Duration::minutes(10);

/// Where to send the browser to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRedirect {
    /// The IdP URL carrying the AuthnRequest (answer `302 Found` with it).
    pub url: String,
    /// How long the browser binding cookie should live, in seconds.
    pub binding_lifetime_secs: i64,
}

impl LoginService {
    /// Starts an SP-initiated login of `ws` for the browser holding `binding` (see
    /// [`super::browser_binding`]), to land on `relay_state` afterwards (kept only when
    /// it is a same-host relative path). `NotFound` without such an org, `Conflict`
    /// while SSO is not set up for it (or switched off, W3).
    pub fn start(
        &self,
        ws: &WorkspaceName,
        relay_state: Option<&str>,
        binding: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<LoginRedirect> {
        let not_connected = format!("{NOT_CONNECTED} Sign in with your email instead.");
        let (org, idp) = self.connection(ws, &not_connected)?;
        let sp = self.service_provider(ws)?;
        let request = AuthnRequest::new(&sp, &idp, now, REQUEST_LIFETIME);
        let saved = SavedRequest {
            id: request.id().to_owned(),
            relay_state: relay_state
                .and_then(tessera_saml::relay_state::sanitize)
                .map(str::to_owned),
            browser_hash: TokenHash::of(binding),
            created_at: now,
            expires_at: request.expires_at(),
        };
        let limit = self.config.max_outstanding_requests;
        let dropped = transact::write(self.storage.as_ref(), org.id, |tx| {
            tx.save_saml_request(&saved, limit)
                .map_err(ServiceError::from)
        })?;
        if dropped > 0 {
            tracing::warn!(org = %ws, dropped, limit,
                "too many outstanding SAML requests: the oldest were dropped");
        }
        let signing = if idp.sign_authn_requests {
            sp.key_pair.as_ref()
        } else {
            None
        };
        let url = request
            .redirect_url(None, signing)
            .map_err(|e| ServiceError::internal(e.to_string()))?;
        Ok(LoginRedirect {
            url,
            binding_lifetime_secs: REQUEST_LIFETIME.num_seconds(),
        })
    }
}
