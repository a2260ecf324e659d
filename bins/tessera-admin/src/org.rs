//! `tessera-admin org …`.

use crate::cli::OrgCommand;
use crate::output::print;
use serde::Serialize;
use std::fmt::Write;
use tessera_core::{Clock, OrgKind};
use tessera_store::{Actor, Org, Store, Team};

/// An org with its teams, as `org show` prints it.
#[derive(Serialize)]
struct OrgDetails {
    #[serde(flatten)]
    org: Org,
    teams: Vec<Team>,
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
            show(store, org, json)
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
        OrgCommand::Show(args) => show(store, store.org(&args.name)?, json),
        OrgCommand::EnableSso(args) => {
            let org = store.set_sso_enabled(&args.name, true, &operator, clock.now())?;
            show(store, org, json)
        }
        OrgCommand::DisableSso(args) => {
            let org = store.set_sso_enabled(&args.name, false, &operator, clock.now())?;
            show(store, org, json)
        }
    }
}

fn show(store: &Store, org: Org, json: bool) -> anyhow::Result<()> {
    let teams = store.teams(org.id)?;
    let details = OrgDetails { org, teams };
    print(json, &details, || {
        let org = &details.org;
        let mut text = format!(
            "org {} ({})\n  id: {}\n  sso: {}\n  connection: {}\n  walkthrough: {}\n  teams:",
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
        );
        for team in &details.teams {
            let _ = write!(text, "\n    {} ({} members)", team.name, team.members);
        }
        text
    })
}
