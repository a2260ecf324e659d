//! SAML 2.0 login without a web framework: SP-initiated login (L2) and the assertion
//! consumer service for SP- and IdP-initiated responses (L1), with the JIT/login
//! decision of the policy engine (U3, M3, L3).
//!
//! [`LoginService::start`] answers the IdP URL to send the browser to (the caller sets
//! the binding cookie); [`LoginService::consume`] answers what the caller must do: start
//! a session for a user and send them somewhere ([`AcsOutcome::SignIn`]), or show a
//! refusal ([`AcsOutcome::Refused`]). Sessions stay the caller's.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use tessera_service::login::*;
//! # use tessera_service::memory::MemoryStorage;
//! # fn demo(ws: tessera_core::WorkspaceName, now: chrono::DateTime<chrono::Utc>,
//! #         saml_response: &str) -> tessera_service::ServiceResult<()> {
//! let service = LoginService::new(
//!     Arc::new(MemoryStorage::new()),
//!     LoginConfig::new("https://app.example.com", None),
//! );
//! let binding = browser_binding(None); // keep it in the browser's request cookie
//! let redirect = service.start(&ws, Some("/deals/42"), &binding, now)?;
//! // … the browser goes to `redirect.url`, and the IdP posts back to the ACS:
//! let posted = AcsRequest { workspace: &ws, saml_response, relay_state: None,
//!                           browser: Some(&binding) };
//! match service.consume(&posted, now)? {
//!     AcsOutcome::SignIn(sign_in) => { /* a session for sign_in.user, go to sign_in.next */ }
//!     AcsOutcome::Refused(refusal) => { /* show refusal.message (403) */ }
//! }
//! # Ok(()) }
//! ```

mod acs;
mod binding;
mod budget;
mod certificates;
mod ports;
mod provider;
mod records;
mod refusal;
pub mod salesforce;
mod start;

pub use acs::{AcsOutcome, AcsRequest, SignIn};
pub use binding::{browser_binding, presented_binding};
pub use records::{IdpSettings, SavedRequest, StoredRequest};
pub use refusal::{LoginRefusal, RefusalReason};
pub use start::{LoginRedirect, REQUEST_LIFETIME};

use crate::diagnostics::Retention;
use crate::storage::Storage;
use budget::RefusalBudget;
use certificates::CertificateCache;
use std::sync::Arc;
use tessera_saml::SpKeyPair;

/// What the login service needs to know besides storage.
#[derive(Debug, Clone)]
pub struct LoginConfig {
    /// Where the app is reached (e.g. `https://app.example.com`): the SP entity id is
    /// `{public_url}/saml/{ws}/metadata`, the ACS `{public_url}/saml/{ws}/acs`.
    pub public_url: String,
    /// The SP key pair: signs AuthnRequests when the IdP wants it, decrypts
    /// assertions, and is published in SP metadata.
    pub sp_key_pair: Option<SpKeyPair>,
    /// The most outstanding AuthnRequests kept per org (the oldest are dropped).
    pub max_outstanding_requests: usize,
    /// The most refused responses recorded per org and minute (the rest are counted).
    pub refusals_recorded_per_minute: u32,
    /// How many logins and refusals diagnostics keep per org, and for how long.
    pub diagnostics: Retention,
}

impl LoginConfig {
    /// The defaults of `tessera-server`: 1000 outstanding requests per org, 60 refusal
    /// records per org and minute, the default diagnostics retention.
    pub fn new(public_url: impl Into<String>, sp_key_pair: Option<SpKeyPair>) -> Self {
        Self {
            public_url: public_url.into(),
            sp_key_pair,
            max_outstanding_requests: 1000,
            refusals_recorded_per_minute: 60,
            diagnostics: Retention::default(),
        }
    }
}

/// SAML login over a storage backend. One per process: it holds the refusal-record
/// budget.
pub struct LoginService {
    storage: Arc<dyn Storage>,
    config: LoginConfig,
    budget: RefusalBudget,
    certificates: CertificateCache,
}

impl LoginService {
    /// The service over `storage` with `config`.
    pub fn new(storage: Arc<dyn Storage>, config: LoginConfig) -> Self {
        Self {
            budget: RefusalBudget::new(config.refusals_recorded_per_minute),
            certificates: CertificateCache::default(),
            storage,
            config,
        }
    }
}
