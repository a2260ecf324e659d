//! Which account a verified Salesforce identity signs in to, in one write transaction
//! with its link, the login record (U1) and the audit entries; a refusal writes its
//! audit entry and nothing else.

use super::{PendingLogin, SalesforceIdentity, SalesforceLink, SalesforceService, signed_in};
use crate::error::{ErrorKind, ServiceError, ServiceResult, StorageError};
use crate::events::{EventSource, LoginOutcome, record_login_outcome};
use crate::login::SignIn;
use crate::storage::Transaction;
use crate::transact;
use chrono::{DateTime, Utc};
use serde_json::json;
use tessera_core::{LoginMethod, OrgKind, Source, UserStatus};
use tessera_policy::{AuditEntry, UserRecord};

/// What the caller must do after a Salesforce callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SalesforceOutcome {
    /// Start a session for the user and send the browser to `next`.
    SignIn(SignIn),
    /// Sign nobody in; show the refusal (403).
    Refused(SalesforceRefusal),
}

/// A refused Salesforce login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesforceRefusal {
    /// The reason code, as audited: `environment_mismatch`, `email_unverified`,
    /// `no_account`, `login_method`, `already_linked`, `deactivated`, or one of the
    /// caller's (`id_token_invalid`, `issuer_mismatch`, …).
    pub code: &'static str,
    /// The product rule that refused it, if one did (W2, L3, U3, U5).
    pub rule: Option<&'static str>,
    /// What the user reads.
    pub message: String,
}

impl SalesforceRefusal {
    fn new(code: &'static str, rule: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            code,
            rule,
            message: message.into(),
        }
    }
}

impl From<SalesforceRefusal> for ServiceError {
    /// A `Forbidden` error naming the rule, if any.
    fn from(refusal: SalesforceRefusal) -> Self {
        ServiceError::new(ErrorKind::Forbidden, refusal.message).with_rule(refusal.rule)
    }
}

/// What a refused Salesforce response tells the user.
pub(crate) const RESPONSE_REFUSED: &str = "Salesforce's answer could not be accepted. Try \
    signing in again; if it keeps failing, an account admin can see why in the audit log.";

/// The chosen account, and whether the identity is linked to it now.
struct Chosen {
    user: UserRecord,
    link_now: bool,
}

impl SalesforceService {
    /// Decides and records the login of `identity` for the started login `pending` at
    /// `now` (see the module docs); `Unavailable` when storage fails.
    pub fn complete(
        &self,
        pending: &PendingLogin,
        identity: &SalesforceIdentity,
        now: DateTime<Utc>,
    ) -> ServiceResult<SalesforceOutcome> {
        let decided = transact::write(self.storage.as_ref(), pending.org, |tx| {
            let chosen = match choose(tx, pending.environment, identity)? {
                Ok(chosen) => chosen,
                Err(refusal) => {
                    tx.record_audit(&[refused(&refusal, None, now)])?;
                    record_refusal_event(tx, &refusal, now)?;
                    return Ok(Err(refusal));
                }
            };
            let user = &chosen.user;
            let mut entries = Vec::new();
            if chosen.link_now {
                tx.insert_salesforce_link(&SalesforceLink {
                    user: user.id,
                    salesforce_org_id: identity.salesforce_org_id.clone(),
                    salesforce_user_id: identity.salesforce_user_id.clone(),
                    environment: identity.environment,
                    linked_at: now,
                })?;
                let details = json!({ "via": "salesforce", "environment": identity.environment });
                entries.push(user_audit("user.linked", user, details, now));
            }
            if user.status == UserStatus::Pending {
                let details = json!({ "status": UserStatus::Active });
                entries.push(user_audit("user.first_login", user, details, now));
            }
            tx.record_audit(&entries)?;
            tx.record_login(user.id, now)?;
            let outcome = LoginOutcome::Succeeded { user: user.id };
            record_login_outcome(tx, EventSource::Salesforce, outcome, now)?;
            Ok::<_, ServiceError>(Ok(user.id))
        })?;
        Ok(match decided {
            Ok(user) => signed_in(pending, user),
            Err(refusal) => SalesforceOutcome::Refused(refusal),
        })
    }

    /// Records a refusal the caller found (a failed code exchange or ID-token check,
    /// an `iss` that is not the issuer's, …) for the started login's org: `code` is
    /// audited with a bounded, single-line `detail`. Answers what the user reads.
    pub fn refuse(
        &self,
        pending: &PendingLogin,
        code: &'static str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<SalesforceOutcome> {
        let refusal = SalesforceRefusal::new(code, None, RESPONSE_REFUSED);
        tracing::warn!(org = %pending.org, code, detail, "Salesforce login refused");
        let entry = refused(&refusal, Some(detail), now);
        transact::write(self.storage.as_ref(), pending.org, |tx| {
            tx.record_audit(std::slice::from_ref(&entry))?;
            record_refusal_event(tx, &refusal, now).map_err(ServiceError::from)
        })?;
        Ok(SalesforceOutcome::Refused(refusal))
    }
}

/// The refusal's `login.refused` event, reason code and all.
fn record_refusal_event(
    tx: &dyn Transaction,
    refusal: &SalesforceRefusal,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let outcome = LoginOutcome::Refused {
        reason: refusal.code,
        email: None,
    };
    record_login_outcome(tx, EventSource::Salesforce, outcome, now)
}

/// The account of `identity`: its link, else (the first time) the Salesforce account
/// with its verified email (L3); W2 first.
fn choose(
    tx: &dyn Transaction,
    environment: OrgKind,
    identity: &SalesforceIdentity,
) -> ServiceResult<Result<Chosen, SalesforceRefusal>> {
    let org = tx.org()?;
    if identity.environment != environment || org.kind != identity.environment {
        let message = format!(
            "W2: this workspace is a {} org; sign in with Salesforce {}.",
            org.kind.as_str(),
            org.kind.as_str()
        );
        return Ok(Err(SalesforceRefusal::new(
            "environment_mismatch",
            Some("W2"),
            message,
        )));
    }
    let linked = tx.salesforce_link(&identity.salesforce_org_id, &identity.salesforce_user_id)?;
    let (user, link_now) = match linked {
        Some(user) => (tx.user(user)?, false),
        None => {
            let email = identity.email.as_ref().filter(|_| identity.email_verified);
            let Some(email) = email else {
                return Ok(Err(SalesforceRefusal::new(
                    "email_unverified",
                    None,
                    "Salesforce has not verified this user's email address. Verify it in \
                     Salesforce, then sign in again.",
                )));
            };
            (tx.user_by_email(email)?, true)
        }
    };
    let Some(user) = user else {
        return Ok(Err(SalesforceRefusal::new(
            "no_account",
            None,
            "No account of this workspace signs in with this Salesforce user.",
        )));
    };
    if let Some(refusal) = refuse_account(tx, &user, link_now)? {
        return Ok(Err(refusal));
    }
    Ok(Ok(Chosen { user, link_now }))
}

/// Why `user` may not sign in with Salesforce, if it may not.
fn refuse_account(
    tx: &dyn Transaction,
    user: &UserRecord,
    link_now: bool,
) -> ServiceResult<Option<SalesforceRefusal>> {
    let own = match user.login_method {
        LoginMethod::Salesforce => None,
        LoginMethod::Sso => Some("single sign-on through your identity provider"),
        LoginMethod::Password => Some("its email and password"),
    };
    if let Some(own) = own {
        let message = format!("L3: this account signs in with {own}, not with Salesforce.");
        return Ok(Some(SalesforceRefusal::new(
            "login_method",
            Some("L3"),
            message,
        )));
    }
    if user.status == UserStatus::Deactivated {
        let rule = if user.is_scim_managed() { "U5" } else { "U3" };
        let message =
            format!("{rule}: this account is deactivated. Ask an account admin of your workspace.");
        return Ok(Some(SalesforceRefusal::new(
            "deactivated",
            Some(rule),
            message,
        )));
    }
    if link_now && tx.user_has_salesforce_link(user.id)? {
        return Ok(Some(SalesforceRefusal::new(
            "already_linked",
            None,
            "This account signs in with another Salesforce user.",
        )));
    }
    Ok(None)
}

/// An audit entry about `user` by its own Salesforce login.
fn user_audit(
    action: &'static str,
    user: &UserRecord,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry {
        at: now,
        actor: user.email.to_string(),
        source: Source::Salesforce,
        action,
        target_kind: "user",
        target_id: Some(user.id.to_string()),
        target_label: Some(user.email.to_string()),
        details,
    }
}

/// The audit entry of a refusal, shaped like `saml.login_refused`.
fn refused(refusal: &SalesforceRefusal, detail: Option<&str>, now: DateTime<Utc>) -> AuditEntry {
    let mut details = json!({ "reason": refusal.code });
    if let Some(rule) = refusal.rule {
        details["rule"] = rule.into();
    }
    if let Some(detail) = detail {
        let bounded: String = detail
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(300)
            .collect();
        details["detail"] = bounded.into();
    }
    AuditEntry {
        at: now,
        actor: "salesforce".into(),
        source: Source::Salesforce,
        action: "salesforce.login_refused",
        target_kind: "org",
        target_id: None,
        target_label: None,
        details,
    }
}
