//! `tessera-admin api-token` and `scim token`: secrets shown once, stored as hashes.

use crate::cli::parse_workspace;
use crate::output::print;
use crate::users::parse_email;
use clap::{Args, Subcommand};
use serde_json::json;
use tessera_core::{Clock, Email, WorkspaceName};
use tessera_store::{Actor, Store};

/// Arguments of `api-token`.
#[derive(Debug, Args)]
pub struct ApiTokenArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// The account admin the token acts as.
    #[arg(value_parser = parse_email)]
    email: Email,
}

/// `scim …` verbs.
#[derive(Debug, Subcommand)]
pub enum ScimCommand {
    /// Issue (or rotate) the org's SCIM bearer token (C3); the old one stops working.
    Token {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The public base URL the IdP reaches this server at.
        #[arg(
            long,
            env = "TESSERA_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
}

pub fn api_token(
    store: &Store,
    clock: &dyn Clock,
    args: ApiTokenArgs,
    json: bool,
) -> anyhow::Result<()> {
    let org = store.org(&args.ws)?;
    let token = store.issue_admin_token(org.id, &args.email, &Actor::operator(), clock.now())?;
    print(json, &json!({ "token": token }), || {
        format!(
            "admin API token for {} (shown once; keep it secret):\n{token}",
            args.email
        )
    })
}

pub fn scim(
    store: &Store,
    clock: &dyn Clock,
    command: ScimCommand,
    json: bool,
) -> anyhow::Result<()> {
    match command {
        ScimCommand::Token { ws, public_url } => {
            let org = store.org(&ws)?;
            let token = store.issue_scim_token(org.id, &Actor::operator(), clock.now())?;
            let tenant_url = format!("{}/scim/v2/{ws}", public_url.trim_end_matches('/'));
            print(
                json,
                &json!({ "tenant_url": tenant_url, "token": token }),
                || {
                    format!(
                        "SCIM tenant URL: {tenant_url}\nSCIM token (shown once; keep it secret): {token}"
                    )
                },
            )
        }
    }
}
