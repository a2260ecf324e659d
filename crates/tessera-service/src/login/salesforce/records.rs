//! The rows Salesforce login keeps through the storage port, and the identity the
//! caller's OpenID Connect client verified.

use chrono::{DateTime, Utc};
use tessera_core::{Email, OrgId, OrgKind, TokenHash, UserId};

/// A started login, as stored until the callback takes it (or it expires).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesforceState {
    /// The SHA-256 of the `state` parameter.
    pub state_hash: TokenHash,
    /// The org signing in.
    pub org: OrgId,
    /// Which Salesforce issuer the flow went to.
    pub environment: OrgKind,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where the user lands (sanitised).
    pub next: String,
    /// The hash of the browser binding value (the state cookie).
    pub browser_hash: TokenHash,
    /// When the login started.
    pub created_at: DateTime<Utc>,
    /// Until when it may be finished.
    pub expires_at: DateTime<Utc>,
}

/// Who Salesforce says signed in, from an ID token whose issuer, audience, times,
/// nonce and signature the caller checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesforceIdentity {
    /// The issuer that signed it: production or sandbox.
    pub environment: OrgKind,
    /// The Salesforce org id (`00D…`).
    pub salesforce_org_id: String,
    /// The Salesforce user id (`005…`).
    pub salesforce_user_id: String,
    /// The `email` claim, if it is an email address.
    pub email: Option<Email>,
    /// The `email_verified` claim.
    pub email_verified: bool,
}

/// The link of a Salesforce identity to a Tessera account: once stored, it decides
/// who signs in, not the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesforceLink {
    /// The Tessera account.
    pub user: UserId,
    /// The Salesforce org id.
    pub salesforce_org_id: String,
    /// The Salesforce user id.
    pub salesforce_user_id: String,
    /// Production or sandbox.
    pub environment: OrgKind,
    /// When it was made (the first Salesforce login).
    pub linked_at: DateTime<Utc>,
}
