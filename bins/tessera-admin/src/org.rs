//! `tessera-admin org …`.

use crate::cli::OrgCommand;
use crate::output::print;
use serde::Serialize;
use std::fmt::Write;
use tessera_core::{Clock, OrgKind};
use tessera_service::expiry::ExpiryWarning;
use tessera_store::{Actor, Org, Store, Team};

/// An org with its teams, as `org show` prints it.
#[derive(Serialize)]
struct OrgDetails {
    #[serde(flatten)]
    org: Org,
    teams: Vec<Team>,
    /// IdP certificates, the SP certificate and the SCIM token near or past expiry.
    expiry_warnings: Vec<ExpiryWarning>,
}

pub fn run(
    store: &Store,
    clock: &dyn Clock,
    command: OrgCommand,
    json: bool,
) -> anyhow::Result<()> {
    let operator = Actor::operator();
    match command {
        OrgCommand::Create(args) => {
            let kind = if args.sandbox {
                OrgKind::Sandbox
            } else {
                OrgKind::Production
            };
            let org = store.create_org(&args.name, kind, &operator, clock.now())?;
            show(store, org, Vec::new(), json)
        }
        OrgCommand::List => {
            let orgs = store.list_orgs()?;
            print(json, &orgs, || {
                let mut text = String::new();
                for summary in &orgs {
                    let org = &summary.org;
                    let _ = writeln!(
                        text,
                        "{:<20} {:<10} sso={:<3} users={:<6} teams={}",
                        org.name,
                        org.kind,
                        if org.sso_enabled { "on" } else { "off" },
                        summary.users,
                        summary.teams
                    );
                }
                if orgs.is_empty() {
                    text.push_str("no orgs yet; create one with `tessera-admin org create NAME`");
                }
                text.trim_end().to_owned()
            })
        }
        OrgCommand::Show(args) => {
            let org = store.org(&args.name)?;
            let warnings = crate::ops::warnings(store, org.id, &args.expiry, clock.now())?;
            show(store, org, warnings, json)
        }
        OrgCommand::EnableSso(args) => {
            let org = store.set_sso_enabled(&args.name, true, &operator, clock.now())?;
            show(store, org, Vec::new(), json)
        }
        OrgCommand::SamlOptions(args) => {
            let org = store.org(&args.ws)?;
            store.set_saml_options(org.id, &args.options(), &operator, clock.now())?;
            show(store, store.org(&args.ws)?, Vec::new(), json)
        }
        OrgCommand::DisableSso(args) => {
            let org = store.set_sso_enabled(&args.name, false, &operator, clock.now())?;
            show(store, org, Vec::new(), json)
        }
    }
}

fn show(store: &Store, org: Org, warnings: Vec<ExpiryWarning>, json: bool) -> anyhow::Result<()> {
    let teams = store.teams(org.id)?;
    let details = OrgDetails {
        org,
        teams,
        expiry_warnings: warnings,
    };
    print(json, &details, || {
        let org = &details.org;
        let mut text = format!(
            "org {} ({})\n  id: {}\n  sso: {}\n  connection: {}\n  walkthrough: {}\n  idp-initiated login: {}\n  sha-1 accepted: {}\n  teams:",
            org.name,
            org.kind,
            org.id,
            if org.sso_enabled {
                "enabled"
            } else {
                "disabled"
            },
            org.connection_mode.map_or("not chosen", |m| m.as_str()),
            org.walkthrough_step,
            if org.allow_idp_initiated {
                "allowed"
            } else {
                "refused"
            },
            if org.allow_sha1 { "yes" } else { "no" },
        );
        for team in &details.teams {
            let _ = write!(text, "\n    {} ({} members)", team.name, team.members);
        }
        for warning in &details.expiry_warnings {
            let _ = write!(text, "\n  warning: {}", warning.message);
        }
        text
    })
}

/// Arguments of `org saml-options`.
#[derive(Debug, clap::Args)]
pub struct SamlOptionsArgs {
    /// Workspace name.
    #[arg(value_parser = crate::cli::parse_workspace)]
    ws: tessera_core::WorkspaceName,
    /// Accept unsolicited (IdP-initiated) responses (on by default, L1).
    #[arg(long)]
    allow_idp_initiated: Option<bool>,
    /// Accept SHA-1 signatures (off by default; logged as a warning).
    #[arg(long)]
    allow_sha1: Option<bool>,
    /// Attribute carrying the email, tried before the IdP presets (repeatable).
    #[arg(long = "email-attribute")]
    email: Vec<String>,
    /// Attribute carrying the first name (repeatable).
    #[arg(long = "first-name-attribute")]
    first_name: Vec<String>,
    /// Attribute carrying the last name (repeatable).
    #[arg(long = "last-name-attribute")]
    last_name: Vec<String>,
    /// Attribute carrying the groups (repeatable).
    #[arg(long = "groups-attribute")]
    groups: Vec<String>,
}

impl SamlOptionsArgs {
    fn options(&self) -> tessera_store::SamlOptions {
        let names = [&self.email, &self.first_name, &self.last_name, &self.groups];
        let overrides = names.iter().any(|list| !list.is_empty()).then(|| {
            serde_json::json!({
                "email": self.email,
                "first_name": self.first_name,
                "last_name": self.last_name,
                "groups": self.groups,
            })
        });
        tessera_store::SamlOptions {
            allow_idp_initiated: self.allow_idp_initiated,
            allow_sha1: self.allow_sha1,
            attribute_overrides: overrides,
        }
    }
}
