//! `tessera-admin connection set-mode|show|complete` and `idp set`: the operator's side
//! of the Connect walkthrough (C1–C5, W2, W3), through the same `ConnectService` as the
//! Connect page.

use crate::cli::parse_workspace;
use crate::output::{failed, print};
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::path::PathBuf;
use tessera_core::{Clock, ConnectionMode, WorkspaceName};
use tessera_policy::Actor;
use tessera_service::connect::{ConnectService, IdpDetails, NextAction, Walkthrough};
use tessera_store::Store;

/// `connection …` verbs.
#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Start the walkthrough in a mode, or change it before going live (C1).
    SetMode {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// jit (SAML only) or scim (SAML plus SCIM provisioning).
        mode: Mode,
    },
    /// Where the walkthrough stands: step, mode, next action, IdP, SCIM token (C2).
    Show {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
    },
    /// Go live, as the Connect page's last step does (C4, C5).
    Complete {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
    },
}

/// The connection modes (C1).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Mode {
    /// SAML only; accounts are created at first login.
    Jit,
    /// SAML login plus SCIM provisioning.
    Scim,
}

impl From<Mode> for ConnectionMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Jit => ConnectionMode::Jit,
            Mode::Scim => ConnectionMode::Scim,
        }
    }
}

/// `idp …` verbs.
#[derive(Debug, Subcommand)]
pub enum IdpCommand {
    /// Store the org's IdP: its metadata, or entity id + SSO URL + certificate.
    Set(IdpSetArgs),
    /// IdP entity ids connected to more than one org (allowed, since each org has its
    /// own ACS URL; check that the orgs belong to one customer).
    Clashes,
    /// The org's IdP and its pinned signing certificates (SHA-256 fingerprints, expiry).
    Show(crate::cli::OrgName),
    /// Pin one more signing certificate (rotation: add the new one first).
    AddCert(crate::ops::AddCertArgs),
    /// Unpin a signing certificate by fingerprint (never the last one).
    RemoveCert(crate::ops::RemoveCertArgs),
}

/// Arguments of `idp set`.
#[derive(Debug, Args)]
pub struct IdpSetArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// The IdP's SAML metadata XML file.
    #[arg(long, conflicts_with_all = ["entity_id", "sso_url", "cert"], required_unless_present = "entity_id")]
    metadata: Option<PathBuf>,
    /// The IdP's entity id (Issuer).
    #[arg(long, requires_all = ["sso_url", "cert"])]
    entity_id: Option<String>,
    /// The IdP's SSO URL (https, or http://localhost).
    #[arg(long)]
    sso_url: Option<String>,
    /// The IdP's signing certificate, a PEM file.
    #[arg(long)]
    cert: Option<PathBuf>,
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub fn connection(
    store: &Store,
    clock: &dyn Clock,
    command: ConnectionCommand,
    json: bool,
) -> anyhow::Result<()> {
    match command {
        ConnectionCommand::SetMode { ws, mode } => {
            let org = store.org(&ws)?;
            let mode = ConnectionMode::from(mode);
            let connect = ConnectService::new(store);
            connect
                .set_mode(org.id, mode, Actor::Operator, clock.now())
                .map_err(failed)?;
            let walkthrough = connect.walkthrough(org.id).map_err(failed)?;
            print(json, &walkthrough, || {
                format!(
                    "{ws}: connection mode {mode}; walkthrough at {}",
                    walkthrough.step
                )
            })
        }
        ConnectionCommand::Show { ws } => {
            let org = store.org(&ws)?;
            let walkthrough = ConnectService::new(store)
                .walkthrough(org.id)
                .map_err(failed)?;
            print(json, &walkthrough, || describe(&ws, &walkthrough))
        }
        ConnectionCommand::Complete { ws } => {
            let org = store.org(&ws)?;
            let connect = ConnectService::new(store);
            connect
                .complete(org.id, Actor::Operator, clock.now())
                .map_err(failed)?;
            let walkthrough = connect.walkthrough(org.id).map_err(failed)?;
            print(json, &walkthrough, || describe(&ws, &walkthrough))
        }
    }
}

/// The walkthrough as lines of text.
fn describe(ws: &WorkspaceName, walkthrough: &Walkthrough) -> String {
    let mode = walkthrough.mode.map_or("not chosen", |m| m.as_str());
    let mut lines = vec![format!(
        "{ws}: step {}, mode {mode}, SSO {}",
        walkthrough.step,
        if walkthrough.sso_enabled {
            "enabled"
        } else {
            "disabled (W3)"
        }
    )];
    match (walkthrough.connected_at, &walkthrough.next) {
        (Some(at), _) => lines.push(format!(
            "connected since {}",
            at.format("%Y-%m-%d %H:%M UTC")
        )),
        (None, Some(next)) => lines.push(format!("next: {}", next_label(*next))),
        (None, None) => {}
    }
    if let Some(idp) = &walkthrough.idp {
        lines.push(format!("IdP {} (SSO URL {})", idp.entity_id, idp.sso_url));
        for cert in &idp.certificates {
            lines.push(format!(
                "certificate {} valid until {}",
                cert.subject,
                cert.not_after.format("%Y-%m-%d")
            ));
        }
    }
    if walkthrough.mode == Some(ConnectionMode::Scim) {
        let token = if walkthrough.scim_token_active {
            "issued"
        } else {
            "not issued"
        };
        lines.push(format!("SCIM token {token}"));
    }
    lines.join("\n")
}

fn next_label(next: NextAction) -> &'static str {
    match next {
        NextAction::Start => "choose the mode (connection set-mode)",
        NextAction::DownloadMapping => "download the mapping sheet (mapping export)",
        NextAction::UploadMapping => "upload the filled-in sheet (mapping import)",
        NextAction::IdpDetails => "enter the IdP details (idp set)",
        NextAction::ScimCredentials => "issue the SCIM token (scim token)",
        NextAction::Connect => "go live (connection complete)",
    }
}

pub fn idp(
    store: &Store,
    clock: &dyn Clock,
    command: IdpCommand,
    json: bool,
) -> anyhow::Result<()> {
    let args = match command {
        IdpCommand::Set(args) => args,
        IdpCommand::Clashes => return clashes(store, json),
        IdpCommand::Show(args) => return crate::ops::show(store, clock, &args.name, json),
        IdpCommand::AddCert(args) => return crate::ops::add_cert(store, clock, &args, json),
        IdpCommand::RemoveCert(args) => {
            return crate::ops::remove_cert(store, clock, &args, json);
        }
    };
    let now = clock.now();
    let details = match (&args.metadata, &args.entity_id, &args.sso_url, &args.cert) {
        (Some(metadata), None, None, None) => {
            IdpDetails::from_metadata(&read(metadata)?, now).map_err(failed)?
        }
        (None, Some(entity_id), Some(sso_url), Some(cert)) => {
            IdpDetails::from_parts(entity_id, sso_url, &read(cert)?, now).map_err(failed)?
        }
        _ => anyhow::bail!("give --metadata FILE, or --entity-id, --sso-url and --cert together"),
    };
    let org = store.org(&args.ws)?;
    ConnectService::new(store)
        .set_idp(org.id, &details, Actor::Operator, now)
        .map_err(failed)?;
    let summary = details.summary();
    print(json, &json!({ "idp": summary }), || {
        format!(
            "{}: IdP {} (SSO URL {}), {} signing certificate(s)",
            args.ws,
            summary.entity_id,
            summary.sso_url,
            summary.certificates.len()
        )
    })
}

fn clashes(store: &Store, json: bool) -> anyhow::Result<()> {
    let clashes = store.idp_entity_id_clashes()?;
    let listed: Vec<_> = clashes
        .iter()
        .map(|(entity_id, orgs)| json!({ "entity_id": entity_id, "orgs": orgs }))
        .collect();
    print(json, &listed, || {
        if clashes.is_empty() {
            return "no IdP entity id is shared by several orgs".to_owned();
        }
        clashes
            .iter()
            .map(|(entity_id, orgs)| format!("{entity_id}: {}", orgs.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    })
}
