//! The command tree.

use crate::org;
use clap::{Args, Parser, Subcommand};
use tessera_core::{SystemClock, WorkspaceName};
use tessera_store::Store;

/// Operator CLI for Tessera: orgs, the SSO feature gate, migrations.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Database: sqlite://PATH or postgres://…
    #[arg(
        long,
        global = true,
        env = "TESSERA_DATABASE_URL",
        default_value = "sqlite://data/tessera.db",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list and inspect orgs; switch their SSO feature gate.
    #[command(subcommand)]
    Org(OrgCommand),
    /// List, invite, re-role and deactivate an org's users.
    #[command(subcommand)]
    Users(crate::users::UsersCommand),
    /// List, create, rename and delete teams; add members; merge duplicates (T2).
    #[command(subcommand)]
    Teams(crate::teams::TeamsCommand),
    /// Show an org's audit log, newest first (S4).
    Audit(crate::audit::AuditArgs),
    /// Show an org's events after a cursor, in seq order (one line each).
    Events(crate::events::EventsArgs),
    /// Manual sync: re-apply mapping links and pending memberships (S3).
    Sync(OrgName),
    /// Issue an admin API token for one of the org's account admins (shown once).
    ApiToken(crate::tokens::ApiTokenArgs),
    /// SCIM credentials.
    #[command(subcommand)]
    Scim(crate::tokens::ScimCommand),
    /// The Connect walkthrough's mode (C1).
    #[command(subcommand)]
    Connection(crate::connect::ConnectionCommand),
    /// The org's IdP details.
    #[command(subcommand)]
    Idp(crate::connect::IdpCommand),
    /// Export and import the user-mapping sheet (M1-M3).
    #[command(subcommand)]
    Mapping(crate::mapping::MappingCommand),
    /// Webhook endpoints: add (secret shown once), list, remove, replay.
    #[command(subcommand)]
    Webhooks(crate::webhooks::WebhooksCommand),
    /// Apply pending database migrations (the server also does this at start).
    Migrate,
    /// Why users, teams or logins are missing: the last SCIM requests and SAML logins
    /// (with fix hints), pending users and memberships.
    Diagnostics(crate::ops::DiagnosticsArgs),
}

/// `org …` verbs.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an org with its two built-in teams.
    Create(CreateOrg),
    /// List every org.
    List,
    /// Show one org, its settings, teams and expiry warnings.
    Show(ShowOrg),
    /// Let the org's account admins connect an IdP (rule W3).
    EnableSso(OrgName),
    /// Take the SSO/SCIM option away again (rule W3).
    DisableSso(OrgName),
    /// Change SAML options: IdP-initiated login (L1), SHA-1, attribute names.
    SamlOptions(crate::org::SamlOptionsArgs),
}

/// Arguments of `org create`.
#[derive(Debug, Args)]
pub struct CreateOrg {
    /// Workspace name: 1-63 lowercase letters and digits (rule W1).
    #[arg(value_parser = parse_workspace)]
    pub name: WorkspaceName,
    /// Create a sandbox org (it can never connect SSO, rule W2).
    #[arg(long)]
    pub sandbox: bool,
}

/// Arguments of `org show`.
#[derive(Debug, Args)]
pub struct ShowOrg {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    pub name: WorkspaceName,
    /// How expiry is judged.
    #[command(flatten)]
    pub expiry: crate::ops::ExpiryArgs,
}

/// A single workspace-name argument.
#[derive(Debug, Args)]
pub struct OrgName {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    pub name: WorkspaceName,
}

/// Parses a workspace-name argument (rule W1).
pub fn parse_workspace(value: &str) -> Result<WorkspaceName, String> {
    WorkspaceName::parse(value).map_err(|e| e.to_string())
}

impl Cli {
    /// Runs the command. Arguments were validated by clap before this point, so a
    /// refused argument never opens (let alone writes) the database.
    pub fn run(self) -> anyhow::Result<()> {
        let store = Store::open(&self.database_url)?;
        let clock = SystemClock;
        match self.command {
            Command::Org(command) => org::run(&store, &clock, command, self.json),
            Command::Users(command) => crate::users::run(&store, &clock, command, self.json),
            Command::Teams(command) => crate::teams::run(&store, &clock, command, self.json),
            Command::Audit(args) => crate::audit::run(&store, args, self.json),
            Command::Events(args) => crate::events::run(&store, args, self.json),
            Command::Sync(args) => crate::teams::sync(&store, &clock, &args.name, self.json),
            Command::ApiToken(args) => crate::tokens::api_token(&store, &clock, args, self.json),
            Command::Scim(command) => crate::tokens::scim(&store, &clock, command, self.json),
            Command::Connection(command) => {
                crate::connect::connection(&store, &clock, command, self.json)
            }
            Command::Idp(command) => crate::connect::idp(&store, &clock, command, self.json),
            Command::Mapping(command) => crate::mapping::run(&store, &clock, command, self.json),
            Command::Webhooks(command) => crate::webhooks::run(&store, &clock, command, self.json),
            Command::Diagnostics(args) => crate::ops::diagnostics(&store, &args, self.json),
            Command::Migrate => {
                let applied = store.migrate()?;
                crate::output::print(self.json, &applied, || {
                    if applied.is_empty() {
                        "the database is up to date".to_owned()
                    } else {
                        format!("applied {} migration(s)", applied.len())
                    }
                })
            }
        }
    }
}
