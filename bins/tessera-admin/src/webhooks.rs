//! `tessera-admin webhooks add|list|remove|replay`: the operator's endpoints (any URL,
//! private addresses included), the secret shown once.

use crate::cli::parse_workspace;
use crate::output::{failed, print};
use clap::{Args, Subcommand};
use serde_json::json;
use tessera_core::{Clock, WorkspaceName};
use tessera_service::events::EventType;
use tessera_service::webhooks::{WebhookAdmin, check_url, endpoint_json, parse_types};
use tessera_store::Store;

/// `webhooks …` verbs.
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Add an endpoint; prints its id and signing secret (shown once).
    Add(AddArgs),
    /// List the org's endpoints and where their delivery stands.
    List {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
    },
    /// Remove an endpoint with its attempts and dead letters.
    Remove {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The endpoint id (`whep_…`).
        endpoint: String,
    },
    /// Deliver again from a seq on, dead-lettered events included.
    Replay {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The endpoint id (`whep_…`).
        endpoint: String,
        /// The first seq to deliver again.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
        from: i64,
    },
}

/// Arguments of `webhooks add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// Where to POST the events (https:// or http://).
    #[arg(value_parser = parse_url)]
    url: String,
    /// Only these event types, comma-separated (default: all).
    #[arg(long, value_parser = parse_type_list, default_value = "")]
    types: TypeList,
}

/// A parsed `--types` list.
#[derive(Debug, Clone)]
pub struct TypeList(Vec<EventType>);

fn parse_type_list(value: &str) -> Result<TypeList, String> {
    parse_types(value).map(TypeList).map_err(|e| e.message)
}

fn parse_url(value: &str) -> Result<String, String> {
    check_url(value)
        .map(|()| value.to_owned())
        .map_err(|e| e.message)
}

pub fn run(
    store: &Store,
    clock: &dyn Clock,
    command: WebhooksCommand,
    json: bool,
) -> anyhow::Result<()> {
    let admin = WebhookAdmin::new(store);
    match command {
        WebhooksCommand::Add(args) => {
            let org = store.org(&args.ws)?;
            let endpoint = admin
                .add(org.id, &args.url, args.types.0, clock.now())
                .map_err(failed)?;
            print(json, &endpoint_json(&endpoint, true), || {
                format!(
                    "webhook endpoint {} for {}\nsigning secret (shown once; keep it secret): {}",
                    endpoint.id,
                    endpoint.url,
                    endpoint.secret.expose()
                )
            })
        }
        WebhooksCommand::List { ws } => {
            let org = store.org(&ws)?;
            let endpoints = admin.list(org.id).map_err(failed)?;
            let views: Vec<_> = endpoints.iter().map(|e| endpoint_json(e, false)).collect();
            print(json, &views, || {
                if endpoints.is_empty() {
                    return format!("{ws} has no webhook endpoints");
                }
                endpoints
                    .iter()
                    .map(|e| {
                        let types = if e.types.is_empty() {
                            "all types".to_owned()
                        } else {
                            serde_json::to_string(&e.types).unwrap_or_default()
                        };
                        format!(
                            "{}  {}  {types}  delivered up to seq {}, {} failed attempt(s) of the next",
                            e.id, e.url, e.state.cursor, e.state.attempts
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        WebhooksCommand::Remove { ws, endpoint } => {
            let org = store.org(&ws)?;
            admin.remove(org.id, &endpoint).map_err(failed)?;
            print(json, &json!({ "removed": endpoint }), || {
                format!("removed {endpoint}")
            })
        }
        WebhooksCommand::Replay { ws, endpoint, from } => {
            let org = store.org(&ws)?;
            admin
                .replay(org.id, &endpoint, from, clock.now())
                .map_err(failed)?;
            print(
                json,
                &json!({ "endpoint": endpoint, "replaying_from_seq": from }),
                || format!("{endpoint} delivers again from seq {from}"),
            )
        }
    }
}
