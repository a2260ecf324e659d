//! What diagnostics keep per org: short lines about SCIM requests and SAML logins,
//! never a body, a token, a signature or an assertion.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// The longest path, user agent or detail kept (longer ones are cut).
pub const MAX_FIELD_CHARS: usize = 300;

/// How long diagnostics are kept per org: at most `keep` lines of each kind, none
/// older than `max_age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The most lines kept per org and kind (SCIM requests, SAML logins).
    pub keep: u32,
    /// Older lines are dropped.
    pub max_age: Duration,
}

impl Default for Retention {
    /// 200 lines per kind, 30 days.
    fn default() -> Self {
        Self {
            keep: 200,
            max_age: Duration::days(30),
        }
    }
}

impl Retention {
    /// Lines older than this are dropped when a line is recorded at `now`.
    pub fn cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.max_age
    }
}

/// One SCIM request, as recorded at the SCIM edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScimRequestEntry {
    /// When it was answered.
    pub at: DateTime<Utc>,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path below the workspace's SCIM root (no query string: filters name people).
    pub path: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The SCIM error's `detail`, when the request failed.
    pub error: Option<String>,
    /// The client's `User-Agent` (which IdP called).
    pub user_agent: Option<String>,
}

impl ScimRequestEntry {
    /// A line with every field bounded and stripped of control characters.
    pub fn new(
        at: DateTime<Utc>,
        method: &str,
        path: &str,
        status: u16,
        error: Option<&str>,
        user_agent: Option<&str>,
    ) -> Self {
        Self {
            at,
            method: bounded(method),
            path: bounded(path),
            status,
            error: error.map(bounded),
            user_agent: user_agent.map(bounded),
        }
    }
}

/// How a SAML login ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SamlOutcome {
    /// Someone was signed in.
    SignedIn,
    /// Nobody was signed in.
    Refused,
}

impl SamlOutcome {
    /// `signed_in` or `refused`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::Refused => "refused",
        }
    }

    /// The outcome `as_str` names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "signed_in" => Some(Self::SignedIn),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }
}

/// One response posted to the ACS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SamlAttemptEntry {
    /// When it was posted.
    pub at: DateTime<Utc>,
    /// Signed in or refused.
    pub outcome: SamlOutcome,
    /// The refusal's reason code (`audience_mismatch`, `no_email`, a rule id, …).
    pub reason: Option<String>,
    /// The refusal's bounded detail (what was expected and what came).
    pub detail: Option<String>,
    /// The email the response carried, once it was verified.
    pub email: Option<String>,
}

impl SamlAttemptEntry {
    /// A line with every field bounded and stripped of control characters.
    pub fn new(
        at: DateTime<Utc>,
        outcome: SamlOutcome,
        reason: Option<&str>,
        detail: Option<&str>,
        email: Option<&str>,
    ) -> Self {
        Self {
            at,
            outcome,
            reason: reason.map(bounded),
            detail: detail.map(bounded),
            email: email.map(bounded),
        }
    }
}

/// `text` without control characters and cut at [`MAX_FIELD_CHARS`] characters.
fn bounded(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(MAX_FIELD_CHARS)
        .collect()
}
