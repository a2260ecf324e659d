//! Tessera's shared vocabulary.
//!
//! Plain value types every other crate speaks: typed ids, the workspace name (rule W1),
//! case-insensitive emails and SCIM user names, roles, statuses, login methods, and the
//! [`Clock`] through which all domain code reads the time.

mod clock;
mod email;
mod enums;
mod error;
mod ids;
mod password;
mod secret;
mod token;
mod workspace;

pub use clock::{Clock, FixedClock, SystemClock};
pub use email::{Email, UserName};
pub use enums::{ConnectionMode, LoginMethod, OrgKind, Role, Source, UserStatus, WalkthroughStep};
pub use error::{CoreError, Result};
pub use ids::{OrgId, TeamId, UserId};
pub use password::{MIN_PASSWORD_LEN, PasswordError, hash_password, verify_password};
pub use secret::Secret;
pub use token::{TokenHash, generate_token};
pub use workspace::WorkspaceName;
