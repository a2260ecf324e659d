//! `tessera-admin teams …` and `sync`: teams through the policy engine (T1–T7, S3).

use crate::cli::parse_workspace;
use crate::output::print;
use crate::users::{find_user, parse_email};
use anyhow::anyhow;
use clap::Subcommand;
use serde_json::json;
use std::fmt::Write;
use tessera_core::{Clock, Email, OrgId, WorkspaceName};
use tessera_policy::{Actor, Command};
use tessera_store::{Store, Team, TeamKind};

/// `teams …` verbs.
#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// List teams with their kind and flags.
    List {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
    },
    /// Create a local team (T6).
    Create {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// Its name.
        name: String,
    },
    /// Rename a local team (IdP teams are renamed in the IdP, T4).
    Rename {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// Its current name.
        name: String,
        /// Its new name.
        new_name: String,
    },
    /// Delete a local team (T4, T6).
    Delete {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// Its name.
        name: String,
    },
    /// Add a user to a local team (T5; reactivates a deactivated JIT user, U4).
    AddMember {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The team's name.
        name: String,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
    },
    /// Remove a user from a local team (T5: IdP teams change in the IdP).
    RemoveMember {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The team's name.
        name: String,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
    },
    /// A team's members, by email.
    Members {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The team's name.
        name: String,
    },
    /// Merge each local team into the IdP team of the same name (T2).
    MergeDuplicates {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// Only show what would move.
        #[arg(long)]
        dry_run: bool,
    },
}

/// The team named `name` (case-insensitive); a local team wins over its IdP twin (T2),
/// since only local teams can be renamed or deleted in the app.
pub fn find_team(store: &Store, org: OrgId, name: &str) -> anyhow::Result<Team> {
    let key = name.trim().to_lowercase();
    let mut matches: Vec<Team> = store
        .teams(org)?
        .into_iter()
        .filter(|t| t.name.to_lowercase() == key)
        .collect();
    matches.sort_by_key(|t| t.kind != TeamKind::Local);
    matches
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("no team of this org is named {name:?}"))
}

pub fn run(
    store: &Store,
    clock: &dyn Clock,
    command: TeamsCommand,
    json: bool,
) -> anyhow::Result<()> {
    let by = Actor::Operator;
    match command {
        TeamsCommand::List { ws } => {
            let teams = store.teams(store.org(&ws)?.id)?;
            print(json, &teams, || {
                let mut text = String::new();
                for team in &teams {
                    let kind = match team.kind {
                        TeamKind::AllUsers | TeamKind::AccountAdmins => "built-in",
                        TeamKind::Local => "local",
                        TeamKind::IdpManaged => "IdP",
                    };
                    let flag = if team.duplicate { " duplicate" } else { "" };
                    let _ = writeln!(
                        text,
                        "{:<32} {:<9} {:>6} members{flag}",
                        team.name, kind, team.members
                    );
                }
                text.trim_end().to_owned()
            })
        }
        TeamsCommand::Create { ws, name } => {
            let org = store.org(&ws)?;
            let command = Command::CreateTeam {
                by,
                name: name.clone(),
                description: String::new(),
            };
            store.execute(org.id, &command, clock.now())?;
            let team = find_team(store, org.id, &name)?;
            print(json, &team, || format!("created team {}", team.name))
        }
        TeamsCommand::Rename { ws, name, new_name } => {
            let org = store.org(&ws)?;
            let team = find_team(store, org.id, &name)?;
            store.execute(
                org.id,
                &Command::RenameTeam {
                    by,
                    team: team.id,
                    name: new_name.clone(),
                },
                clock.now(),
            )?;
            print(json, &json!({ "renamed": name, "to": new_name }), || {
                format!("renamed {name} to {new_name}")
            })
        }
        TeamsCommand::Delete { ws, name } => {
            let org = store.org(&ws)?;
            let team = find_team(store, org.id, &name)?;
            store.execute(
                org.id,
                &Command::DeleteTeam { by, team: team.id },
                clock.now(),
            )?;
            print(json, &json!({ "deleted": team.name }), || {
                format!("deleted team {}", team.name)
            })
        }
        TeamsCommand::AddMember { ws, name, email } => {
            let org = store.org(&ws)?;
            let team = find_team(store, org.id, &name)?;
            let user = find_user(store, org.id, &email)?;
            store.execute(
                org.id,
                &Command::AddTeamMember {
                    by,
                    team: team.id,
                    user: user.id,
                },
                clock.now(),
            )?;
            print(json, &json!({ "team": team.name, "added": email }), || {
                format!("added {email} to {}", team.name)
            })
        }
        TeamsCommand::RemoveMember { ws, name, email } => {
            let org = store.org(&ws)?;
            let team = find_team(store, org.id, &name)?;
            let user = find_user(store, org.id, &email)?;
            let (team_id, user) = (team.id, user.id);
            let command = Command::RemoveTeamMember {
                by,
                team: team_id,
                user,
            };
            store.execute(org.id, &command, clock.now())?;
            print(
                json,
                &json!({ "team": team.name, "removed": email }),
                || format!("removed {email} from {}", team.name),
            )
        }
        TeamsCommand::Members { ws, name } => {
            let org = store.org(&ws)?;
            let team = find_team(store, org.id, &name)?;
            let members = store.team_members(org.id, team.id)?;
            print(json, &members, || {
                let mut text = format!("{} ({} members)", team.name, members.len());
                for user in &members {
                    let idp = if user.idp_connected { " IdP" } else { "" };
                    let _ = write!(
                        text,
                        "\n  {:<40} {:<12} {}{idp}",
                        user.email,
                        user.status.label(),
                        user.role
                    );
                }
                text
            })
        }
        TeamsCommand::MergeDuplicates { ws, dry_run } => {
            let org = store.org(&ws)?;
            let plan = store.plan_merge(org.id)?;
            if !dry_run {
                store.execute(org.id, &Command::MergeDuplicateTeams { by }, clock.now())?;
            }
            let merges: Vec<_> = plan
                .iter()
                .map(|step| json!({ "team": step.idp.name, "moving_members": step.moving.len(), "already_members": step.already_members }))
                .collect();
            print(
                json,
                &json!({ "dry_run": dry_run, "merges": merges }),
                || {
                    let verb = if dry_run { "would merge" } else { "merged" };
                    let mut text = String::new();
                    for step in &plan {
                        let _ = writeln!(
                            text,
                            "{verb} local team {:?} into IdP team {:?}: {} member(s) move, {} already there",
                            step.local.name,
                            step.idp.name,
                            step.moving.len(),
                            step.already_members
                        );
                    }
                    if plan.is_empty() {
                        text.push_str("no duplicate teams to merge");
                    }
                    text.trim_end().to_owned()
                },
            )
        }
    }
}

/// `sync {ws}`: re-apply the last mapping links and the pending memberships (S3).
pub fn sync(
    store: &Store,
    clock: &dyn Clock,
    ws: &WorkspaceName,
    json: bool,
) -> anyhow::Result<()> {
    let org = store.org(ws)?;
    let links = store.latest_mapping_links(org.id)?;
    let decision = store.execute(
        org.id,
        &Command::Sync {
            by: Actor::Operator,
            links,
        },
        clock.now(),
    )?;
    let changes = decision.changes.len();
    print(json, &json!({ "changes": changes }), || {
        format!("sync applied {changes} change(s)")
    })
}
