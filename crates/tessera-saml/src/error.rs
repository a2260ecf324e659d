//! The one error type of the crate: every refusal has its own variant.

use chrono::{DateTime, Utc};

/// A storage port failed (the caller's error, boxed).
pub type PortError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a SAML message, metadata document or setting was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SamlError {
    /// The message (decoded, or inflated) is larger than the configured limit.
    #[error("the SAML message is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The size seen (at least this much).
        size: usize,
    },
    /// The message is not valid base64.
    #[error("the SAML message is not valid base64")]
    InvalidBase64,
    /// A redirect-binding payload did not inflate.
    #[error("the SAML message is not valid DEFLATE data")]
    InvalidDeflate,
    /// The XML is not well formed (or not UTF-8, or more than one root).
    #[error("malformed XML: {reason}")]
    MalformedXml {
        /// What the parser said.
        reason: String,
    },
    /// A DTD, entity declaration or reference, processing instruction or comment, or a
    /// construct far larger than any IdP sends (a long `InclusiveNamespaces` list).
    #[error("forbidden XML construct: {construct}")]
    ForbiddenXml {
        /// Which construct.
        construct: &'static str,
    },
    /// The root element is not what this message must be.
    #[error("expected a {expected} element at the root, found {found}")]
    UnexpectedRoot {
        /// The expected element.
        expected: &'static str,
        /// The element found.
        found: String,
    },
    /// The response does not carry exactly one assertion (anywhere in the document).
    #[error("a response must carry exactly one assertion, found {found}")]
    AssertionCount {
        /// How many Assertion or EncryptedAssertion elements the document holds.
        found: usize,
    },
    /// An assertion or signature sits where SAML does not put it (signature wrapping).
    #[error("{element} is not allowed inside {parent}")]
    MisplacedElement {
        /// The element found.
        element: String,
        /// Its parent.
        parent: String,
    },
    /// Two elements share one ID.
    #[error("duplicate ID {id}")]
    DuplicateId {
        /// The repeated value.
        id: String,
    },
    /// A required element or attribute is missing.
    #[error("missing {what}")]
    Missing {
        /// What is missing.
        what: &'static str,
    },
    /// Neither the assertion nor the response is signed.
    #[error("neither the assertion nor the response is signed")]
    Unsigned,
    /// The org has no IdP certificate to verify with.
    #[error("no IdP signing certificate is configured for this organisation")]
    NoCertificateConfigured,
    /// A signature does not verify with any pinned certificate.
    #[error("the {signed} signature does not verify with any configured IdP certificate")]
    SignatureInvalid {
        /// `Response` or `Assertion`.
        signed: &'static str,
    },
    /// A signature's reference does not point at the element that carries it.
    #[error("the {signed} signature must reference #{expected} only, found {found}")]
    SignatureReference {
        /// `Response` or `Assertion`.
        signed: &'static str,
        /// The ID of the element carrying the signature.
        expected: String,
        /// The reference URIs found.
        found: String,
    },
    /// SHA-1 was used while the org does not allow it.
    #[error("SHA-1 ({algorithm}) is refused for this organisation")]
    Sha1Refused {
        /// The algorithm URI.
        algorithm: String,
    },
    /// A signature, digest, canonicalisation or transform algorithm outside the allowed set.
    #[error("algorithm not allowed: {algorithm}")]
    AlgorithmNotAllowed {
        /// The algorithm URI.
        algorithm: String,
    },
    /// An encrypted assertion arrived but no SP decryption key is configured.
    #[error("the assertion is encrypted but no SP decryption key is configured")]
    NoDecryptionKey,
    /// Decryption failed.
    #[error("the encrypted assertion could not be decrypted")]
    DecryptionFailed,
    /// The IdP answered with a status other than Success.
    #[error("the IdP answered {code}{}", sub_code.as_deref().map(|s| format!(" ({s})")).unwrap_or_default())]
    StatusNotSuccess {
        /// The top-level status code.
        code: String,
        /// The second-level status code, if any.
        sub_code: Option<String>,
        /// The status message, if any.
        message: Option<String>,
    },
    /// The issuer is not the org's IdP.
    #[error("issuer mismatch: expected {expected}, found {found}")]
    IssuerMismatch {
        /// The org's IdP entity id.
        expected: String,
        /// The issuer in the message.
        found: String,
    },
    /// Our entity id is not among the audiences.
    #[error("audience mismatch: expected {expected}, found {found:?}")]
    AudienceMismatch {
        /// Our entity id.
        expected: String,
        /// The audiences in the restriction that failed (empty: no restriction at all).
        found: Vec<String>,
    },
    /// The response's Destination is not our ACS URL.
    #[error("destination mismatch: expected {expected}, found {found}")]
    DestinationMismatch {
        /// Our ACS URL.
        expected: String,
        /// The Destination in the message.
        found: String,
    },
    /// The bearer confirmation's Recipient is not our ACS URL.
    #[error("recipient mismatch: expected {expected}, found {found}")]
    RecipientMismatch {
        /// Our ACS URL.
        expected: String,
        /// The Recipient in the message.
        found: String,
    },
    /// No bearer SubjectConfirmation.
    #[error("no bearer subject confirmation (found methods {found:?})")]
    NotBearer {
        /// The confirmation methods present.
        found: Vec<String>,
    },
    /// Not valid yet (NotBefore is later than now plus the skew).
    #[error("not valid before {not_before} (now {now})")]
    NotYetValid {
        /// The NotBefore instant.
        not_before: DateTime<Utc>,
        /// The time of the check.
        now: DateTime<Utc>,
    },
    /// Expired (NotOnOrAfter is earlier than now minus the skew).
    #[error("expired at {not_on_or_after} (now {now})")]
    Expired {
        /// The NotOnOrAfter instant.
        not_on_or_after: DateTime<Utc>,
        /// The time of the check.
        now: DateTime<Utc>,
    },
    /// A timestamp did not parse.
    #[error("invalid timestamp {value:?}")]
    InvalidTimestamp {
        /// The raw value.
        value: String,
    },
    /// The response and its assertion name different requests.
    #[error("InResponseTo differs: response {response}, assertion {assertion}")]
    InResponseToMismatch {
        /// On the Response.
        response: String,
        /// On the SubjectConfirmationData.
        assertion: String,
    },
    /// Only the unsigned Response names a request; the signed assertion does not.
    #[error("InResponseTo {id} is on the unsigned Response only, not in the signed assertion")]
    UnsignedInResponseTo {
        /// The request id on the Response.
        id: String,
    },
    /// The response answers a request this org has not sent (or already used).
    #[error("InResponseTo {id} is not an outstanding request of this organisation")]
    UnknownInResponseTo {
        /// The request id.
        id: String,
    },
    /// The response answers a request another browser started (no or another binding
    /// cookie): a login CSRF attempt, or cookies blocked.
    #[error("InResponseTo {id} was requested by another browser")]
    OtherBrowser {
        /// The request id.
        id: String,
    },
    /// An unsolicited (IdP-initiated) response while the org does not allow them.
    #[error("IdP-initiated login is disabled for this organisation")]
    UnsolicitedRefused,
    /// The assertion was already used.
    #[error("assertion {id} was already used")]
    Replayed {
        /// The assertion ID.
        id: String,
    },
    /// A storage port failed.
    #[error("storage failed: {0}")]
    Port(#[source] PortError),
    /// A certificate or key did not parse.
    #[error("invalid {what}: {reason}")]
    InvalidKey {
        /// `certificate` or `private key`.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A setting is unusable (e.g. a URL that is not absolute).
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// The setting.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// Signing or encoding an outgoing message failed.
    #[error("could not sign the request: {reason}")]
    SigningFailed {
        /// Why.
        reason: String,
    },
    /// Metadata had no usable IdP descriptor.
    #[error("IdP metadata: {reason}")]
    InvalidMetadata {
        /// Why.
        reason: String,
    },
}

/// The crate's result type.
pub type Result<T, E = SamlError> = std::result::Result<T, E>;
