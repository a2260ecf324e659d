//! `tessera-admin events {ws}`: the org's event stream after a cursor (issue #11).

use crate::cli::parse_workspace;
use crate::output::print;
use clap::Args;
use serde_json::json;
use std::fmt::Write;
use tessera_core::WorkspaceName;
use tessera_service::events::{Event, EventReader, EventType};
use tessera_store::Store;

/// Arguments of `events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Workspace name.
    #[arg(value_parser = parse_workspace)]
    ws: WorkspaceName,
    /// Only events with a greater seq (0: from the oldest kept).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
    after: i64,
    /// At most this many events (1-1000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..=1000))]
    limit: u16,
    /// Only these types, comma-separated (e.g. user.created,user.deleted).
    #[arg(long, value_parser = parse_types)]
    types: Option<EventTypes>,
}

/// A parsed `--types` list.
#[derive(Debug, Clone)]
struct EventTypes(Vec<EventType>);

fn parse_types(value: &str) -> Result<EventTypes, String> {
    EventType::parse_list(value)
        .map(EventTypes)
        .map_err(|unknown| unknown.to_string())
}

pub fn run(store: &Store, args: EventsArgs, json: bool) -> anyhow::Result<()> {
    let types = args.types.map(|t| t.0).unwrap_or_default();
    let events = EventReader::new(store)
        .after(&args.ws, args.after, args.limit.into(), &types)
        .map_err(crate::output::failed)?;
    if events.is_empty() && !json {
        eprintln!("no events after seq {}", args.after);
        return Ok(());
    }
    print(json, &json!({ "events": events }), || {
        let mut text = String::new();
        for event in &events {
            let _ = writeln!(
                text,
                "{:>6} {} {:<20} {:<9} {}",
                event.seq,
                event.occurred_at.format("%Y-%m-%dT%H:%M:%SZ"),
                event.event_type,
                event.source.as_str(),
                summary(event)
            );
        }
        text.trim_end().to_owned()
    })
}

/// What the event is about, in a few words: the user's email, the team's name, …
fn summary(event: &Event) -> String {
    let data = &event.data;
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    let about = match event.event_type {
        EventType::MembershipAdded | EventType::MembershipRemoved => {
            match (text(&data["user"]["email"]), text(&data["team"]["name"])) {
                (Some(user), Some(team)) => Some(format!("{user} in {team}")),
                _ => None,
            }
        }
        EventType::LoginRefused => text(&data["reason"]),
        EventType::ConnectionCompleted => text(&data["mode"]),
        EventType::ExpiryWarning => text(&data["message"]),
        _ => text(&data["user"]["email"]).or_else(|| text(&data["team"]["name"])),
    };
    about.unwrap_or_default()
}
