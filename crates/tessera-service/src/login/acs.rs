//! The assertion consumer service: a response valid for the org (checked by
//! `tessera_saml::validate_response` with its pinned certificates, request ids and
//! replay cache) lets the policy engine decide who signs in (JIT: U3, M3 links, L3;
//! deactivated accounts refused). A storage failure while validating is
//! `Unavailable`, not a refusal.

use super::ports::StoragePorts;
use super::provider::NOT_CONNECTED;
use super::refusal::{NO_EMAIL, RESPONSE_REFUSED, saml_audit};
use super::{LoginRefusal, LoginService, RefusalReason};
use crate::diagnostics::{SamlAttemptEntry, SamlOutcome};
use crate::error::{ErrorKind, ServiceError, ServiceResult};
use crate::events::{EventSource, LoginOutcome, record_login_outcome};
use crate::transact;
use chrono::{DateTime, Utc};
use serde_json::json;
use tessera_core::{Email, OrgId, UserId, WorkspaceName};
use tessera_policy::{Command, SamlLogin, Subject};
use tessera_saml::{Limits, Login, SamlError, validate_response};

/// A response posted to the ACS (HTTP-POST binding).
#[derive(Debug, Clone, Copy)]
pub struct AcsRequest<'a> {
    /// The workspace of the ACS URL.
    pub workspace: &'a WorkspaceName,
    /// The posted `SAMLResponse` (base64).
    pub saml_response: &'a str,
    /// The posted `RelayState`, if any.
    pub relay_state: Option<&'a str>,
    /// The browser binding value the posting browser presented, if any.
    pub browser: Option<&'a str>,
}

/// What the caller must do with a posted response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcsOutcome {
    /// Start a session for the user and send the browser to `next`.
    SignIn(SignIn),
    /// Sign nobody in; show the refusal.
    Refused(LoginRefusal),
}

/// A successful login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The user's org.
    pub org: OrgId,
    /// Who signed in.
    pub user: UserId,
    /// Where to send them: the RelayState stored with the AuthnRequest, else the posted
    /// one, when it is a same-host relative path; else `/app`.
    pub next: String,
}

fn refused(reason: RefusalReason, message: impl Into<String>) -> AcsOutcome {
    AcsOutcome::Refused(LoginRefusal {
        reason,
        message: message.into(),
    })
}

impl LoginService {
    /// Consumes a posted response at `now`. `NotFound` without such an org,
    /// `Conflict` while SSO is not set up for it (or switched off, W3), `Unavailable`
    /// when storage fails while validating or recording a refusal.
    pub fn consume(
        &self,
        posted: &AcsRequest<'_>,
        now: DateTime<Utc>,
    ) -> ServiceResult<AcsOutcome> {
        let ws = posted.workspace;
        let (org, idp) = self.connection(ws, NOT_CONNECTED)?;
        let sp = self.service_provider(ws)?;
        let ports = StoragePorts {
            storage: self.storage.as_ref(),
            org: org.id,
            browser: posted.browser,
        };
        let limits = Limits::default();
        let login = match validate_response(
            posted.saml_response,
            &sp,
            &idp,
            &limits,
            now,
            &ports,
            &ports,
        ) {
            Ok(login) => login,
            Err(SamlError::Port(error)) => {
                return Err(ServiceError::unavailable(error.to_string()));
            }
            Err(error) => {
                self.record_refusal(org.id, ws, &error, now)?;
                return Ok(refused(
                    RefusalReason::Response(error.code()),
                    RESPONSE_REFUSED,
                ));
            }
        };
        let next = login
            .relay_state
            .as_deref()
            .or(posted.relay_state)
            .and_then(tessera_saml::relay_state::sanitize)
            .unwrap_or("/app")
            .to_owned();
        match self.decide_login(org.id, &login, now)? {
            Ok(user) => Ok(AcsOutcome::SignIn(SignIn {
                org: org.id,
                user,
                next,
            })),
            Err(refusal) => {
                let email = login.email.as_ref().map(ToString::to_string);
                self.record_verified_refusal(org.id, &refusal, email.as_deref(), now)?;
                Ok(AcsOutcome::Refused(refusal))
            }
        }
    }

    /// Audits SHA-1 acceptance, then decides and applies the login and records it, in
    /// one write transaction.
    fn decide_login(
        &self,
        org: OrgId,
        login: &Login,
        now: DateTime<Utc>,
    ) -> ServiceResult<Result<UserId, LoginRefusal>> {
        let Some(email) = login.email.clone() else {
            self.record_refused(org, &RefusalReason::NoEmail, None, now)?;
            return Ok(Err(LoginRefusal {
                reason: RefusalReason::NoEmail,
                message: NO_EMAIL.into(),
            }));
        };
        let storage = self.storage.as_ref();
        if login.sha1_used {
            let details =
                json!({ "warning": "the IdP signed with SHA-1, allowed by this org's setting" });
            let entry = saml_audit(
                "saml.sha1_accepted",
                "user",
                Some(email.to_string()),
                details,
                now,
            );
            transact::write(storage, org, |tx| {
                tx.record_audit(std::slice::from_ref(&entry))
                    .map_err(ServiceError::from)
            })?;
        }
        let email_text = email.to_string();
        let command = Command::SamlLogin(SamlLogin {
            email: email.clone(),
            given_name: login.first_name.clone(),
            family_name: login.last_name.clone(),
        });
        let signed_in =
            SamlAttemptEntry::new(now, SamlOutcome::SignedIn, None, None, Some(&email_text));
        let retention = self.config.diagnostics;
        let decided = transact::write(storage, org, |tx| -> ServiceResult<UserId> {
            let decision = transact::decide_and_apply(tx, &command, now)?;
            let Some(Subject::User(user)) = decision.subject else {
                return Err(ServiceError::internal("the login named no user"));
            };
            tx.record_login(user, now)?;
            tx.record_saml_attempt(&signed_in, &retention)?;
            let outcome = LoginOutcome::Succeeded { user };
            record_login_outcome(tx, EventSource::Saml, outcome, now)?;
            Ok(user)
        });
        match decided {
            Ok(user) => Ok(Ok(user)),
            Err(error) if matches!(error.kind, ErrorKind::Unavailable | ErrorKind::Internal) => {
                Err(error)
            }
            Err(refusal) => {
                let reason = RefusalReason::Policy(refusal.rule);
                self.record_refused(org, &reason, Some(&email), now)?;
                Ok(Err(LoginRefusal {
                    reason,
                    message: refusal.message,
                }))
            }
        }
    }

    /// Appends `login.refused` for a refusal of a verified response, in its own write.
    fn record_refused(
        &self,
        org: OrgId,
        reason: &RefusalReason,
        email: Option<&Email>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let outcome = LoginOutcome::Refused {
            reason: reason.code(),
            email,
        };
        transact::write(self.storage.as_ref(), org, |tx| {
            record_login_outcome(tx, EventSource::Saml, outcome, now).map_err(ServiceError::from)
        })
        .map_err(|e| ServiceError::unavailable(e.log_detail.unwrap_or(e.message)))
    }
}
