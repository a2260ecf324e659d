//! The one error type of this crate.

use tessera_core::CoreError;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither `sqlite://…` nor `postgres://…`.
    #[error("unsupported database URL {url:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl {
        /// The URL with any password removed.
        url: String,
    },
    /// The database could not be reached or a connection could not be made.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// Applying migrations failed.
    #[error("cannot apply database migrations: {0}")]
    Migration(String),
    /// An org with this workspace name already exists.
    #[error("an org named {name:?} already exists")]
    OrgExists {
        /// The workspace name.
        name: String,
    },
    /// No org has this workspace name.
    #[error("no org is named {name:?}")]
    OrgNotFound {
        /// The workspace name.
        name: String,
    },
    /// A user with this email already exists in the org.
    #[error("a user with the email {email:?} already exists in this org")]
    UserExists {
        /// The email.
        email: String,
    },
    /// No user of the org has this email.
    #[error("no user of this org has the email {email:?}")]
    UserNotFound {
        /// The email.
        email: String,
    },
    /// No user of the org has this id (or it is deactivated, where that matters).
    #[error("no user of this org has the id {id}")]
    UnknownUserId {
        /// The id.
        id: String,
    },
    /// The user is not an active account admin.
    #[error("{email:?} is not an active account admin of this org")]
    NotAccountAdmin {
        /// The email.
        email: String,
    },
    /// The org has no IdP connection yet.
    #[error("this org has no IdP configured yet; set it first (tessera-admin idp set)")]
    NoIdpConnection,
    /// A stored value does not parse: the database was edited by hand or is newer than us.
    #[error("stored {what} is invalid: {source}")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// The parse error.
        source: CoreError,
    },
    /// A command kept losing races to concurrent ones and gave up.
    #[error("too many concurrent changes to the same records; retry the request")]
    Contention,
    /// A storage failure reported through the services' port.
    #[error("storage failed: {0}")]
    Failed(String),
    /// The write ran, but the commit it shared with other writes failed (see
    /// decisions §33): nothing of it was stored.
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(value: diesel::r2d2::PoolError) -> Self {
        StoreError::Connect(value.to_string())
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, StoreError>;

/// A storage failure of a plain store call, in the services' one error-kind table.
impl From<StoreError> for tessera_service::ServiceError {
    fn from(error: StoreError) -> Self {
        use tessera_service::{ErrorKind, ServiceError};
        let text = error.to_string();
        match error {
            StoreError::OrgNotFound { .. }
            | StoreError::UserNotFound { .. }
            | StoreError::UnknownUserId { .. } => ServiceError::not_found(text),
            StoreError::NotAccountAdmin { .. } => ServiceError::forbidden(text),
            StoreError::OrgExists { .. }
            | StoreError::UserExists { .. }
            | StoreError::NoIdpConnection => ServiceError::conflict(text),
            StoreError::Contention => ServiceError::new(ErrorKind::Unavailable, text),
            StoreError::Connect(detail) => ServiceError::unavailable(detail),
            StoreError::UnsupportedUrl { .. }
            | StoreError::Migration(_)
            | StoreError::Corrupt { .. }
            | StoreError::Failed(_)
            | StoreError::NotCommitted(_)
            | StoreError::Database(_) => ServiceError::internal(text),
        }
    }
}
