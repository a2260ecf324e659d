//! Refused logins: why, what the user reads, and the record of a refused response
//! (its reason code and bounded, sanitised detail in the audit log and the server
//! log, within the org's per-minute budget).

use super::LoginService;
use super::budget::Admission;
use crate::diagnostics::{SamlAttemptEntry, SamlOutcome};
use crate::error::{ErrorKind, ServiceError, ServiceResult};
use crate::events::{EventSource, LoginOutcome, record_login_outcome};
use crate::transact;
use chrono::{DateTime, Utc};
use serde_json::json;
use tessera_core::{OrgId, Source, WorkspaceName};
use tessera_policy::AuditEntry;
use tessera_saml::SamlError;

/// What a refused response tells the user.
pub(crate) const RESPONSE_REFUSED: &str = "Your identity provider's response could not be \
    accepted. Try signing in again; if it keeps failing, an account admin can see why, and \
    how to fix it, on the Diagnostics page.";

/// What a response without an email tells the user.
pub(crate) const NO_EMAIL: &str = "Your identity provider did not send an email address for \
    you. Ask your IdP admin to send the email as the NameID or an email attribute.";

/// Why a response signed nobody in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    /// The SAML crate refused the response (signature, audience, time, replay, …): its
    /// error code, e.g. `replayed` or `signature_invalid`. Recorded in the audit log.
    Response(&'static str),
    /// The response carried no usable email.
    NoEmail,
    /// The policy engine refused the login (deactivated, not provisioned, …), naming
    /// the product rule when one did.
    Policy(Option<&'static str>),
}

impl RefusalReason {
    /// The reason code: the SAML error code, `no_email`, or the policy rule (`policy`
    /// when no rule is named).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Response(code) => code,
            Self::NoEmail => "no_email",
            Self::Policy(rule) => rule.unwrap_or("policy"),
        }
    }
}

/// A refused login: nobody is signed in (`tessera-server` answers 403 with the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRefusal {
    /// Why.
    pub reason: RefusalReason,
    /// What the user reads.
    pub message: String,
}

impl From<LoginRefusal> for ServiceError {
    /// A `Forbidden` error naming the policy rule, if any.
    fn from(refusal: LoginRefusal) -> Self {
        let rule = match refusal.reason {
            RefusalReason::Policy(rule) => rule,
            RefusalReason::Response(_) | RefusalReason::NoEmail => None,
        };
        ServiceError::new(ErrorKind::Forbidden, refusal.message).with_rule(rule)
    }
}

/// An audit entry by the SAML channel.
pub(crate) fn saml_audit(
    action: &'static str,
    target_kind: &'static str,
    target_label: Option<String>,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry {
        at: now,
        actor: "saml".into(),
        source: Source::Saml,
        action,
        target_kind,
        target_id: None,
        target_label,
        details,
    }
}

impl LoginService {
    /// Logs and audits a refused response within the org's budget; over it, the
    /// refusal is only counted (and the count goes with the next record). A failed
    /// record is `Unavailable`.
    pub(crate) fn record_refusal(
        &self,
        org: OrgId,
        ws: &WorkspaceName,
        error: &SamlError,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let (code, detail) = (error.code(), error.detail());
        let dropped = match self.budget.admit(org) {
            Admission::Record { dropped } => dropped,
            Admission::Drop { first } => {
                if first {
                    tracing::warn!(org = %ws, "SAML refusals over the record limit: counting only");
                }
                return Ok(());
            }
        };
        tracing::warn!(org = %ws, code, %detail, dropped, "SAML response refused");
        let mut details = json!({ "reason": code, "detail": detail });
        if dropped > 0 {
            details["unrecorded_before"] = dropped.into();
        }
        let entry = saml_audit("saml.login_refused", "org", None, details, now);
        let outcome = LoginOutcome::Refused {
            reason: code,
            email: None,
        };
        let line =
            SamlAttemptEntry::new(now, SamlOutcome::Refused, Some(code), Some(&detail), None);
        let retention = self.config.diagnostics;
        transact::write(self.storage.as_ref(), org, |tx| {
            tx.record_audit(std::slice::from_ref(&entry))?;
            tx.record_saml_attempt(&line, &retention)?;
            record_login_outcome(tx, EventSource::Saml, outcome, now).map_err(ServiceError::from)
        })
        .map_err(|e| ServiceError::unavailable(e.log_detail.unwrap_or(e.message)))
    }
}

impl LoginService {
    /// Records a refusal of a verified response (no email, a product rule) in the
    /// org's diagnostics; `email` is the verified one, if the response had it.
    pub(crate) fn record_verified_refusal(
        &self,
        org: OrgId,
        refusal: &LoginRefusal,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let line = SamlAttemptEntry::new(
            now,
            SamlOutcome::Refused,
            Some(refusal.reason.code()),
            Some(&refusal.message),
            email,
        );
        let retention = self.config.diagnostics;
        transact::write(self.storage.as_ref(), org, |tx| {
            tx.record_saml_attempt(&line, &retention)
                .map_err(ServiceError::from)
        })
    }
}
