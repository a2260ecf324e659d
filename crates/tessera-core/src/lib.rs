//! Tessera's shared vocabulary.
//!
//! Plain value types every other crate speaks: typed ids, the workspace name (rule W1),
//! case-insensitive emails and SCIM user names, roles, statuses, login methods, and the
//! [`Clock`] through which all domain code reads the time.
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use tessera_core::{Clock, Email, FixedClock, WorkspaceName};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // W1: lowercase ASCII letters and digits only; the refusal names the rule.
//! let workspace = WorkspaceName::parse("acme")?;
//! assert_eq!(workspace.as_str(), "acme");
//! let refused = WorkspaceName::parse("Acme Corp").err().ok_or("accepted")?;
//! assert!(refused.to_string().contains("W1"), "{refused}");
//!
//! // Emails compare case-insensitively but keep the spelling they were given.
//! let typed = Email::parse("Ada.Lovelace@Acme.example")?;
//! assert_eq!(typed, Email::parse("ada.lovelace@acme.example")?);
//! assert_eq!(typed.as_str(), "Ada.Lovelace@Acme.example");
//! assert_eq!(typed.domain(), "acme.example");
//!
//! // Domain code reads the time through a Clock, so tests can hold and move it.
//! let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().ok_or("no such time")?;
//! let clock = FixedClock::new(start);
//! clock.advance(Duration::minutes(5));
//! assert_eq!(clock.now(), start + Duration::minutes(5));
//! # Ok(())
//! # }
//! ```

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
