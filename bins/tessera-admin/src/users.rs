//! `tessera-admin users …`: the operator acting on an org's users through the policy
//! engine, so every product rule applies as in the app.

use crate::cli::parse_workspace;
use crate::output::print;
use anyhow::{Context, anyhow};
use clap::Subcommand;
use std::fmt::Write;
use tessera_core::{Clock, Email, Role, UserStatus, WorkspaceName};
use tessera_policy::{Actor, Command, InviteChannel};
use tessera_store::{Store, Team, TeamKind, User, UserFilter};

/// `users …` verbs.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users, optionally only one status (U8).
    List {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// pending, active or deactivated.
        #[arg(long)]
        status: Option<UserStatus>,
    },
    /// Invite someone by email (U7).
    Invite {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// Their email.
        #[arg(value_parser = parse_email)]
        email: Email,
        /// Their role.
        #[arg(long, default_value = "viewer")]
        role: Role,
    },
    /// Change a user's role (U6).
    SetRole {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
        /// viewer, expert, team_admin or account_admin.
        role: Role,
    },
    /// Print a one-time invitation link for a user (where no mailer sends the outbox):
    /// password accounts set their password there (U7). Earlier links stop working.
    InviteLink {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
        /// The public base URL people reach this server at.
        #[arg(
            long,
            env = "TESSERA_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        /// How many days the link works.
        #[arg(long, default_value_t = 7)]
        days: i64,
    },
    /// Deactivate a user who is not managed by the IdP (U3, U5).
    Deactivate {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
    },
    /// Reactivate a deactivated JIT or invited user by adding them to a team, All Users
    /// by default (U4; the IdP reactivates SCIM-managed users, U5).
    Reactivate {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
        /// The local team to add them to.
        #[arg(long)]
        team: Option<String>,
    },
    /// A user's profile: status, role, login method, IdP mark and teams (U8, T5).
    Show {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The user's email.
        #[arg(value_parser = parse_email)]
        email: Email,
    },
}

/// Parses an email argument.
pub fn parse_email(value: &str) -> Result<Email, String> {
    Email::parse(value).map_err(|e| e.to_string())
}

/// The org's user with this email, or a one-line error.
pub fn find_user(store: &Store, org: tessera_core::OrgId, email: &Email) -> anyhow::Result<User> {
    store
        .user_by_email(org, email)?
        .ok_or_else(|| anyhow!("no user of this org has the email {email}"))
}

pub fn run(
    store: &Store,
    clock: &dyn Clock,
    command: UsersCommand,
    json: bool,
) -> anyhow::Result<()> {
    match command {
        UsersCommand::List { ws, status } => {
            let org = store.org(&ws)?;
            let filter = UserFilter {
                status,
                limit: i64::MAX,
                ..UserFilter::default()
            };
            let users = store.users(org.id, &filter)?;
            print(json, &users, || {
                let mut text = String::new();
                for user in &users {
                    let _ = writeln!(
                        text,
                        "{:<40} {:<12} {:<14} {:<10}{}",
                        user.email,
                        user.status.label(),
                        user.role,
                        user.login_method,
                        if user.idp_connected { " IdP" } else { "" }
                    );
                }
                text.trim_end().to_owned()
            })
        }
        UsersCommand::Invite { ws, email, role } => {
            let org = store.org(&ws)?;
            let command = Command::InviteUser {
                by: Actor::Operator,
                email: email.clone(),
                role,
                given_name: None,
                family_name: None,
                channel: InviteChannel::Email,
            };
            store.execute(org.id, &command, clock.now())?;
            show(store, org.id, &email, json, "invited")
        }
        UsersCommand::SetRole { ws, email, role } => {
            let org = store.org(&ws)?;
            let user = find_user(store, org.id, &email)?;
            store.execute(
                org.id,
                &Command::SetRole {
                    by: Actor::Operator,
                    user: user.id,
                    role,
                },
                clock.now(),
            )?;
            show(store, org.id, &email, json, "role set")
        }
        UsersCommand::InviteLink {
            ws,
            email,
            public_url,
            days,
        } => {
            let org = store.org(&ws)?;
            let user = find_user(store, org.id, &email)?;
            let ttl = chrono::Duration::days(days.clamp(1, 90));
            let token = store.issue_invitation_link(org.id, user.id, ttl, clock.now())?;
            let link = format!("{}/invite/{token}", public_url.trim_end_matches('/'));
            print(json, &serde_json::json!({ "link": link }), || {
                format!(
                    "invitation link for {email} (shown once, valid {} days):\n{link}",
                    ttl.num_days()
                )
            })
        }
        UsersCommand::Deactivate { ws, email } => {
            let org = store.org(&ws)?;
            let user = find_user(store, org.id, &email)?;
            store.execute(
                org.id,
                &Command::DeactivateUser {
                    by: Actor::Operator,
                    user: user.id,
                },
                clock.now(),
            )?;
            show(store, org.id, &email, json, "deactivated")
        }
        UsersCommand::Reactivate { ws, email, team } => {
            let org = store.org(&ws)?;
            let user = find_user(store, org.id, &email)?;
            let team = match team {
                Some(name) => Some(crate::teams::find_team(store, org.id, &name)?.id),
                None => None,
            };
            store.reactivate_user(org.id, Actor::Operator, user.id, team, clock.now())?;
            show(store, org.id, &email, json, "reactivated")
        }
        UsersCommand::Show { ws, email } => {
            let org = store.org(&ws)?;
            profile(store, org.id, &email, json)
        }
    }
}

/// `users show`: the user and their teams, IdP teams marked.
fn profile(
    store: &Store,
    org: tessera_core::OrgId,
    email: &Email,
    json: bool,
) -> anyhow::Result<()> {
    let user = find_user(store, org, email)?;
    let ids = store.team_ids_of_user(org, user.id)?;
    let teams: Vec<Team> = store
        .teams(org)?
        .into_iter()
        .filter(|t| ids.contains(&t.id))
        .collect();
    let value = serde_json::json!({ "user": user, "teams": teams });
    print(json, &value, || {
        let idp = match (user.scim_managed, user.idp_connected) {
            (true, _) => "IdP (SCIM-managed)",
            (false, true) => "IdP",
            (false, false) => "not IdP-connected",
        };
        let mut text = format!(
            "{}: {}, {}, logs in with {}, {idp}\nteams:",
            user.email,
            user.status.label(),
            user.role,
            user.login_method
        );
        for team in &teams {
            let mark = if team.kind == TeamKind::IdpManaged {
                " (IdP)"
            } else {
                ""
            };
            let _ = write!(text, "\n  {}{mark}", team.name);
        }
        text
    })
}

fn show(
    store: &Store,
    org: tessera_core::OrgId,
    email: &Email,
    json: bool,
    what: &str,
) -> anyhow::Result<()> {
    let user = find_user(store, org, email).context("reading the user back")?;
    print(json, &user, || {
        format!(
            "{what}: {} ({}, {})",
            user.email,
            user.status.label(),
            user.role
        )
    })
}
