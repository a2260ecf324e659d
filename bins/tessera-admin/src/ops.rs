//! `idp show|add-cert|remove-cert`, `diagnostics` and the expiry warnings of
//! `org show`: the admin's operations from the operator's shell.

use crate::cli::parse_workspace;
use crate::output::{failed, print};
use anyhow::Context;
use clap::Args;
use serde_json::json;
use std::fmt::Write;
use std::path::PathBuf;
use tessera_core::{Clock, OrgId, WorkspaceName};
use tessera_policy::Actor;
use tessera_saml::Certificate;
use tessera_service::connect::{ConnectService, IdpSummary};
use tessera_service::diagnostics::{DiagnosticsService, SpEndpoints};
use tessera_service::expiry::{ExpiryPolicy, ExpiryWarning};
use tessera_store::Store;

/// Where expiry is judged: the SCIM token's maximum age and the SP certificate.
#[derive(Debug, Args)]
pub struct ExpiryArgs {
    /// The age in days at which a SCIM token counts as expired (as the server's
    /// `scim_token_max_age_days`).
    #[arg(long, env = "TESSERA_SCIM_TOKEN_MAX_AGE_DAYS", default_value_t = 365)]
    scim_token_max_age_days: u32,
    /// The server's SP certificate, when it is configured with `sp_certificate_file`
    /// (default: the one the server generated and stored).
    #[arg(long, env = "TESSERA_SP_CERTIFICATE_FILE")]
    sp_certificate: Option<PathBuf>,
}

/// Arguments of `idp add-cert`.
#[derive(Debug, Args)]
pub struct AddCertArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// The new signing certificate: a PEM file (or the PEM text itself).
    pem: String,
}

/// Arguments of `idp remove-cert`.
#[derive(Debug, Args)]
pub struct RemoveCertArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// The SHA-256 fingerprint `idp show` prints.
    fingerprint: String,
}

/// Arguments of `diagnostics`.
#[derive(Debug, Args)]
pub struct DiagnosticsArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// The server's public URL (the values the hints tell the IdP admin to paste).
    #[arg(
        long,
        env = "TESSERA_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
}

/// The org's expiry warnings at `now`.
pub fn warnings(
    store: &Store,
    org: OrgId,
    args: &ExpiryArgs,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<ExpiryWarning>> {
    let pem = match &args.sp_certificate {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => store.sp_certificate_pem()?,
    };
    let sp = match pem {
        Some(pem) => Some(Certificate::parse(&pem).context("the SP certificate cannot be read")?),
        None => None,
    };
    let policy = ExpiryPolicy {
        scim_token_max_age: chrono::Duration::days(args.scim_token_max_age_days.into()),
    };
    ConnectService::new(store)
        .expiry_warnings(org, sp.as_ref(), &policy, now)
        .map_err(failed)
}

fn describe(ws: &WorkspaceName, idp: &IdpSummary, warnings: &[ExpiryWarning]) -> String {
    let mut text = format!(
        "{ws}: IdP {}\n  SSO URL: {}\n  signing certificates:",
        idp.entity_id, idp.sso_url
    );
    for c in &idp.certificates {
        let _ = write!(
            text,
            "\n    {}  {}  expires {}",
            c.sha256,
            c.subject,
            c.not_after.format("%Y-%m-%d")
        );
    }
    for w in warnings {
        let _ = write!(text, "\n  warning: {}", w.message);
    }
    text
}

/// `idp show {ws}`.
pub fn show(
    store: &Store,
    clock: &dyn Clock,
    ws: &WorkspaceName,
    json: bool,
) -> anyhow::Result<()> {
    let org = store.org(ws)?;
    let idp = ConnectService::new(store).idp(org.id).map_err(failed)?;
    let args = ExpiryArgs {
        scim_token_max_age_days: 365,
        sp_certificate: None,
    };
    let warnings: Vec<_> = warnings(store, org.id, &args, clock.now())?
        .into_iter()
        .filter(|w| {
            matches!(
                w.item,
                tessera_service::expiry::ExpiringItem::IdpCertificate { .. }
            )
        })
        .collect();
    print(json, &json!({ "idp": idp, "warnings": warnings }), || {
        describe(ws, &idp, &warnings)
    })
}

/// `idp add-cert {ws} PEM`.
pub fn add_cert(
    store: &Store,
    clock: &dyn Clock,
    args: &AddCertArgs,
    json: bool,
) -> anyhow::Result<()> {
    let pem = if args.pem.contains("-----BEGIN") {
        args.pem.clone()
    } else {
        std::fs::read_to_string(&args.pem).with_context(|| format!("cannot read {}", args.pem))?
    };
    let org = store.org(&args.ws)?;
    let idp = ConnectService::new(store)
        .add_idp_certificate(org.id, &pem, Actor::Operator, clock.now())
        .map_err(failed)?;
    print(json, &json!({ "idp": idp }), || {
        format!(
            "{}: {} signing certificate(s) pinned; logins signed by any of them are accepted\n{}",
            args.ws,
            idp.certificates.len(),
            describe(&args.ws, &idp, &[])
        )
    })
}

/// `idp remove-cert {ws} FINGERPRINT`.
pub fn remove_cert(
    store: &Store,
    clock: &dyn Clock,
    args: &RemoveCertArgs,
    json: bool,
) -> anyhow::Result<()> {
    let org = store.org(&args.ws)?;
    let idp = ConnectService::new(store)
        .remove_idp_certificate(org.id, &args.fingerprint, Actor::Operator, clock.now())
        .map_err(failed)?;
    print(json, &json!({ "idp": idp }), || {
        describe(&args.ws, &idp, &[])
    })
}

/// `diagnostics {ws}`.
pub fn diagnostics(store: &Store, args: &DiagnosticsArgs, json: bool) -> anyhow::Result<()> {
    let org = store.org(&args.ws)?;
    let base = args.public_url.trim_end_matches('/');
    let sp = SpEndpoints {
        entity_id: format!("{base}/saml/{}/metadata", args.ws),
        acs_url: format!("{base}/saml/{}/acs", args.ws),
    };
    let report = DiagnosticsService::new(store)
        .report(org.id, &sp)
        .map_err(failed)?;
    print(json, &report, || {
        let mut text = format!("{}: diagnostics (hints for {})", args.ws, report.idp);
        let last_used = report
            .scim_token_last_used
            .map_or("never (no request recorded)".to_owned(), |at| {
                at.to_rfc3339()
            });
        let _ = write!(
            text,
            "\nSCIM token last used: {last_used}\nSCIM requests, newest first:"
        );
        for r in &report.scim_requests {
            let _ = write!(
                text,
                "\n  {}  {} {}  {}  {}  {}",
                r.at.to_rfc3339(),
                r.method,
                r.path,
                r.status,
                r.error.as_deref().unwrap_or("-"),
                r.user_agent.as_deref().unwrap_or("-")
            );
        }
        let _ = write!(text, "\nSAML logins, newest first:");
        for l in &report.saml_logins {
            let who = l.entry.email.as_deref().unwrap_or("-");
            let _ = write!(
                text,
                "\n  {}  {}  {who}",
                l.entry.at.to_rfc3339(),
                l.entry.outcome.as_str()
            );
            if let Some(reason) = &l.entry.reason {
                let _ = write!(
                    text,
                    "  {reason}: {}",
                    l.entry.detail.as_deref().unwrap_or("")
                );
            }
            if let Some(hint) = &l.hint {
                let _ = write!(text, "\n    fix: {hint}");
            }
        }
        let _ = write!(text, "\nPending users (never signed in):");
        for u in &report.pending_users {
            let _ = write!(
                text,
                "\n  {}{}",
                u.email,
                if u.scim { " (SCIM)" } else { "" }
            );
        }
        let _ = write!(
            text,
            "\nMemberships waiting for a user the IdP has not pushed:"
        );
        for m in &report.pending_memberships {
            let _ = write!(text, "\n  {} ← {}", m.team, m.member_ref);
        }
        text
    })
}
