//! The one error-kind table: every failure of a service is a [`ServiceError`] of one
//! [`ErrorKind`]; each surface (SCIM, the admin API, the pages, the CLI) maps the kind
//! to its status and body once.

use std::fmt::Display;
use tessera_mapping::Rejection;
use tessera_policy::PolicyError;
use tessera_scim::{ScimError, ScimType};

/// What kind of failure, independent of any protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The resource (org, user, team, request) does not exist for this caller.
    NotFound,
    /// The request contradicts the current state or a product rule (the rule id says
    /// which); nothing was changed.
    Conflict,
    /// The request itself is malformed or carries an invalid value.
    Invalid,
    /// The caller may not do this.
    Forbidden,
    /// The storage is unreachable or too contended right now; retrying may succeed.
    Unavailable,
    /// A bug or corrupt data; the detail is for the log only.
    Internal,
}

/// A failure, with the text a client may see and, for server faults, a detail for
/// the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    /// The kind, which decides the status on every surface.
    pub kind: ErrorKind,
    /// The product rule that refused (`"U2"`, `"T4"`, …), if one did.
    pub rule: Option<&'static str>,
    /// The text shown to the client.
    pub message: String,
    /// The SCIM error type (RFC 7644 §3.12) for the SCIM surface, when one applies.
    pub scim_type: Option<ScimType>,
    /// What the log should say about a server fault (never shown to clients).
    pub log_detail: Option<String>,
    /// A structured payload a surface shows with the message, when the failure has one.
    pub details: Option<ErrorDetails>,
    /// Set when a concurrent write won: the transaction is run again.
    pub(crate) lost_race: bool,
}

impl ServiceError {
    /// A failure of `kind` with a public `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            rule: None,
            message: message.into(),
            scim_type: None,
            log_detail: None,
            details: None,
            lost_race: false,
        }
    }

    /// `NotFound` with this message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// `Invalid` with this message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    /// `Forbidden` with this message.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    /// `Conflict` with this message.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    /// An internal fault: clients read a generic text, the log reads `detail`.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self {
            log_detail: Some(detail.into()),
            ..Self::new(
                ErrorKind::Internal,
                "internal error; the server log has the details",
            )
        }
    }

    /// The storage cannot serve now: clients are told to retry, the log reads `detail`.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self {
            log_detail: Some(detail.into()),
            ..Self::new(ErrorKind::Unavailable, "the database is unreachable")
        }
    }

    /// The same error naming the rule that refused.
    pub fn with_rule(mut self, rule: Option<&'static str>) -> Self {
        self.rule = rule;
        self
    }

    /// The same error with a SCIM error type.
    pub fn with_scim_type(mut self, scim_type: Option<ScimType>) -> Self {
        self.scim_type = scim_type;
        self
    }

    /// Whether a concurrent write won the race (the write is decided again).
    pub fn lost_race(&self) -> bool {
        self.lost_race
    }

    /// The same error with a structured payload.
    pub fn with_details(mut self, details: ErrorDetails) -> Self {
        self.details = Some(details);
        self
    }

    /// The rule refusal or storage failure of a policy decision, classified once; the
    /// port's failure `E` is converted as it converts itself.
    pub fn from_policy<E: Into<ServiceError> + Display>(error: PolicyError<E>) -> Self {
        use PolicyError as P;
        let error = match error {
            P::Port(port) => return port.into(),
            refusal => refusal,
        };
        let (kind, scim_type) = match &error {
            P::Port(_) => return Self::internal(error.to_string()),
            P::UserNotFound { .. } | P::TeamNotFound { .. } => (ErrorKind::NotFound, None),
            P::UserNameTaken { .. }
            | P::EmailTaken { .. }
            | P::GroupNameTaken { .. }
            | P::TeamNameTaken { .. }
            | P::IdpEmailTaken { .. } => (ErrorKind::Conflict, Some(ScimType::Uniqueness)),
            P::InvalidTeamName { .. } | P::MissingEmail { .. } | P::BuiltInTeamName { .. } => {
                (ErrorKind::Invalid, Some(ScimType::InvalidValue))
            }
            P::NotAccountAdmin { .. } | P::UserDeactivated { .. } | P::NotProvisioned { .. } => {
                (ErrorKind::Forbidden, None)
            }
            P::BuiltInTeamMissing { .. } => return Self::internal(error.to_string()),
            P::SelfChange { .. }
            | P::BuiltInTeamFixed { .. }
            | P::BuiltInMembership { .. }
            | P::IdpTeamFixed { .. }
            | P::IdpTeamMembers { .. }
            | P::ScimManagedUser { .. }
            | P::SsoNotConnected
            | P::SalesforceInvitesDisabled
            | P::SandboxCannotConnect
            | P::AlreadyConnected => (ErrorKind::Conflict, None),
        };
        Self::new(kind, error.to_string())
            .with_rule(error.rule())
            .with_scim_type(scim_type)
    }
}

impl From<PolicyError<StorageError>> for ServiceError {
    fn from(error: PolicyError<StorageError>) -> Self {
        Self::from_policy(error)
    }
}

impl From<ScimError> for ServiceError {
    fn from(error: ScimError) -> Self {
        let kind = match error.status() {
            404 => ErrorKind::NotFound,
            409 | 412 => ErrorKind::Conflict,
            403 => ErrorKind::Forbidden,
            _ => ErrorKind::Invalid,
        };
        Self::new(kind, error.to_string()).with_scim_type(error.scim_type())
    }
}

/// A structured payload of a failure, beside its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorDetails {
    /// M2: every problem of a refused mapping sheet, by row and column.
    MappingRejected(Rejection),
}

/// A storage backend's failure, as the services see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// A concurrent transaction changed what this one read or wrote (a unique index,
    /// a version, a serialization failure): roll back and decide again.
    #[error("a concurrent change won; decide again")]
    Conflict,
    /// The storage cannot be reached or is too busy.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug, corrupt data.
    #[error("storage failed: {0}")]
    Internal(String),
}

impl From<StorageError> for ServiceError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Conflict => Self {
                lost_race: true,
                ..Self::new(
                    ErrorKind::Unavailable,
                    "too many concurrent changes to the same records; retry the request",
                )
            },
            StorageError::Unavailable(detail) => Self::unavailable(detail),
            StorageError::Internal(detail) => Self::internal(detail),
        }
    }
}

/// A service's result.
pub type ServiceResult<T> = Result<T, ServiceError>;
