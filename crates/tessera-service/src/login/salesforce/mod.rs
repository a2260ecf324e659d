//! Salesforce login (OpenID Connect) without a web framework or an HTTP client: the
//! flow's state rows and the account decision. The OpenID Connect protocol itself
//! (discovery, the code exchange, the ID-token checks) is the caller's, which hands
//! over the verified identity.
//!
//! 1. [`SalesforceService::start`] stores the flow's `state` (hashed), `nonce`, PKCE
//!    verifier, `next` and the browser binding's hash for [`STATE_LIFETIME`], in the
//!    database, so any server sharing it can finish the flow.
//! 2. [`SalesforceService::take`] consumes the state named by the callback (once): it
//!    answers the pending login when it exists, has not expired and comes back to the
//!    browser that started it.
//! 3. [`SalesforceService::complete`] decides which account signs in, in one write
//!    transaction: the stored link of the Salesforce identity, else (the first time)
//!    the account with the same verified email whose login method is Salesforce (L3),
//!    which it links; sandbox identities only in sandbox orgs and production identities
//!    only in production orgs (W2). Refusals are audited as `salesforce.login_refused`
//!    ([`SalesforceService::refuse`] for those the caller finds, e.g. a bad ID token).

mod decide;
mod records;

pub use decide::{SalesforceOutcome, SalesforceRefusal};
pub use records::{SalesforceIdentity, SalesforceLink, SalesforceState};

use super::SignIn;
use crate::error::{ServiceError, ServiceResult};
use crate::storage::Storage;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tessera_core::{OrgId, OrgKind, TokenHash, WorkspaceName};

/// How long a started Salesforce login may be finished.
pub const STATE_LIFETIME: Duration = Duration::minutes(10);

/// The flow's secrets, made by the caller's OpenID Connect client for one start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSecrets {
    /// The `state` parameter (only its hash is stored).
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
}

/// A started login to finish: what the callback's code exchange and checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// The org signing in.
    pub org: OrgId,
    /// Which Salesforce issuer the flow went to.
    pub environment: OrgKind,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where the user lands (already sanitised).
    pub next: String,
}

/// Salesforce login over a storage backend.
pub struct SalesforceService {
    storage: Arc<dyn Storage>,
}

impl SalesforceService {
    /// The service over `storage`.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self { storage }
    }

    /// Stores a started login of workspace `ws` through `environment` for the browser
    /// holding `binding`; `next` is sanitised (a same-host path, else `/app`).
    /// `NotFound` without such a workspace.
    pub fn start(
        &self,
        ws: &WorkspaceName,
        environment: OrgKind,
        next: Option<&str>,
        binding: &str,
        secrets: &FlowSecrets,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let org = self
            .storage
            .org_by_workspace(ws)?
            .ok_or_else(|| ServiceError::not_found(format!("no workspace {:?}", ws.as_str())))?;
        let state = SalesforceState {
            state_hash: TokenHash::of(&secrets.state),
            org: org.id,
            environment,
            nonce: secrets.nonce.clone(),
            pkce_verifier: secrets.pkce_verifier.clone(),
            next: next
                .and_then(tessera_saml::relay_state::sanitize)
                .unwrap_or("/app")
                .to_owned(),
            browser_hash: TokenHash::of(binding),
            created_at: now,
            expires_at: now + STATE_LIFETIME,
        };
        Ok(self.storage.save_salesforce_state(&state)?)
    }

    /// Consumes the started login named by `state` (whatever follows, it cannot be
    /// used again) and answers it when it has not expired and `binding` is the one of
    /// the browser that started it; `None` for a forged, reused, expired or other
    /// browser's state.
    pub fn take(
        &self,
        state: &str,
        binding: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Option<PendingLogin>> {
        let Some(taken) = self.storage.take_salesforce_state(&TokenHash::of(state))? else {
            return Ok(None);
        };
        let same_browser = binding.is_some_and(|b| taken.browser_hash.matches(b));
        Ok(
            (same_browser && taken.expires_at > now).then_some(PendingLogin {
                org: taken.org,
                environment: taken.environment,
                nonce: taken.nonce,
                pkce_verifier: taken.pkce_verifier,
                next: taken.next,
            }),
        )
    }
}

/// A signed-in outcome.
fn signed_in(pending: &PendingLogin, user: tessera_core::UserId) -> SalesforceOutcome {
    SalesforceOutcome::SignIn(SignIn {
        org: pending.org,
        user,
        next: pending.next.clone(),
    })
}
