//! Every command the engine decides, and the one entry point [`decide`].

use crate::commands;
use crate::context::Ctx;
use crate::decision::Decision;
use crate::error::PolicyResult;
use crate::ids::IdSource;
use crate::inputs::{
    GroupPatchOp, InviteChannel, MappingLink, ProvisionedGroup, ProvisionedUser, SamlLogin,
    UserPatch,
};
use crate::view::OrgView;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tessera_core::{ConnectionMode, Email, Role, TeamId, UserId};

/// Who issues an app or CLI command, or a store operation the audit log records (the
/// one actor type of the workspace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in user of the app; must be an active account admin.
    User(UserId),
    /// The operator, through `tessera-admin`.
    Operator,
    /// Tessera itself (the demo org, housekeeping): acts with the operator's rights.
    System,
}

impl Actor {
    /// The operator using `tessera-admin`.
    pub fn operator() -> Self {
        Actor::Operator
    }

    /// Tessera itself.
    pub fn system() -> Self {
        Actor::System
    }
}

/// A command from the IdP (SCIM, SAML), the app or the admin CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// SCIM POST /Users (U2, U6, M3, L3, S3).
    ScimCreateUser(ProvisionedUser),
    /// SCIM PUT /Users/{id} (U5, U6).
    ScimReplaceUser {
        /// Our SCIM id of the user.
        scim_id: String,
        /// The new resource.
        user: ProvisionedUser,
    },
    /// SCIM PATCH /Users/{id}, including `active` (U5).
    ScimPatchUser {
        /// Our SCIM id of the user.
        scim_id: String,
        /// The normalised patch.
        patch: UserPatch,
    },
    /// SCIM DELETE /Users/{id}: deactivate and detach, keep the data (U5).
    ScimDeleteUser {
        /// Our SCIM id of the user.
        scim_id: String,
    },
    /// SCIM POST /Groups (T1, T2, S3).
    ScimCreateGroup(ProvisionedGroup),
    /// SCIM PUT /Groups/{id} (T3, S3).
    ScimReplaceGroup {
        /// Our SCIM id of the group.
        scim_id: String,
        /// The new resource.
        group: ProvisionedGroup,
    },
    /// SCIM PATCH /Groups/{id} (T3, S3).
    ScimPatchGroup {
        /// Our SCIM id of the group.
        scim_id: String,
        /// The normalised operations, in order.
        ops: Vec<GroupPatchOp>,
    },
    /// SCIM DELETE /Groups/{id}: the team stays as a local team (T7).
    ScimDeleteGroup {
        /// Our SCIM id of the group.
        scim_id: String,
    },
    /// A verified SAML login (U3, M3, L3).
    SamlLogin(SamlLogin),
    /// Invite someone by email or Salesforce (U7, C5).
    InviteUser {
        /// The acting account admin.
        by: Actor,
        /// Whom to invite.
        email: Email,
        /// Their role.
        role: Role,
        /// Given name.
        given_name: Option<String>,
        /// Family name.
        family_name: Option<String>,
        /// Email or Salesforce.
        channel: InviteChannel,
    },
    /// Change a user's role (U6).
    SetRole {
        /// The acting account admin.
        by: Actor,
        /// The user.
        user: UserId,
        /// The new role.
        role: Role,
    },
    /// Deactivate a user who is not SCIM-managed (U3, U5).
    DeactivateUser {
        /// The acting account admin.
        by: Actor,
        /// The user.
        user: UserId,
    },
    /// Delete a user who is not SCIM-managed (U5).
    DeleteUser {
        /// The acting account admin.
        by: Actor,
        /// The user.
        user: UserId,
    },
    /// Add a user to a local team; reactivates a deactivated JIT user (T5, U4).
    AddTeamMember {
        /// The acting account admin.
        by: Actor,
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
    },
    /// Remove a user from a local team (T5).
    RemoveTeamMember {
        /// The acting account admin.
        by: Actor,
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
    },
    /// Create a local team (T6).
    CreateTeam {
        /// The acting account admin.
        by: Actor,
        /// Its name.
        name: String,
        /// Its description.
        description: String,
    },
    /// Rename a local team (T4, T6).
    RenameTeam {
        /// The acting account admin.
        by: Actor,
        /// The team.
        team: TeamId,
        /// The new name.
        name: String,
    },
    /// Edit a team's description and access settings, IdP-managed ones included (T4).
    EditTeam {
        /// The acting account admin.
        by: Actor,
        /// The team.
        team: TeamId,
        /// A new description.
        description: Option<String>,
        /// New access settings.
        access_settings: Option<serde_json::Value>,
    },
    /// Delete a local team (T4, T6, T7).
    DeleteTeam {
        /// The acting account admin.
        by: Actor,
        /// The team.
        team: TeamId,
    },
    /// The one-time T2 migration: merge each local duplicate into its IdP team. For a
    /// dry run, show [`plan_merge`](crate::plan_merge) instead.
    MergeDuplicateTeams {
        /// The acting operator or account admin.
        by: Actor,
    },
    /// Apply the links of a validated mapping sheet (M3).
    ApplyMapping {
        /// The acting account admin.
        by: Actor,
        /// One link per sheet row.
        links: Vec<MappingLink>,
    },
    /// The manual sync: re-apply the mapping links and the pending memberships (S3).
    Sync {
        /// The acting account admin.
        by: Actor,
        /// The links of the last valid mapping sheet, if the caller kept it.
        links: Vec<MappingLink>,
    },
    /// The last step of the Connect walkthrough: the connection goes live (C4, C5).
    CompleteConnection {
        /// The acting account admin.
        by: Actor,
        /// JIT or SCIM.
        mode: ConnectionMode,
    },
}

/// Decides `command` over the org state `view` at time `now`, taking new ids from `ids`.
/// Returns what to write, or the refusal naming the rule; never writes anything.
pub fn decide<V: OrgView + ?Sized>(
    view: &V,
    command: &Command,
    now: DateTime<Utc>,
    ids: &mut dyn IdSource,
) -> PolicyResult<Decision, V::Error> {
    let mut ctx = Ctx::new(view, now, ids);
    match command {
        Command::ScimCreateUser(user) => commands::scim_user::create(&mut ctx, user)?,
        Command::ScimReplaceUser { scim_id, user } => {
            commands::scim_user::replace(&mut ctx, scim_id, user)?
        }
        Command::ScimPatchUser { scim_id, patch } => {
            commands::scim_user::patch(&mut ctx, scim_id, patch)?
        }
        Command::ScimDeleteUser { scim_id } => commands::scim_user::delete(&mut ctx, scim_id)?,
        Command::ScimCreateGroup(group) => commands::scim_group::create(&mut ctx, group)?,
        Command::ScimReplaceGroup { scim_id, group } => {
            commands::scim_group::replace(&mut ctx, scim_id, group)?
        }
        Command::ScimPatchGroup { scim_id, ops } => {
            commands::scim_group::patch(&mut ctx, scim_id, ops)?
        }
        Command::ScimDeleteGroup { scim_id } => commands::scim_group::delete(&mut ctx, scim_id)?,
        Command::SamlLogin(login) => commands::jit::login(&mut ctx, login)?,
        Command::InviteUser {
            by,
            email,
            role,
            given_name,
            family_name,
            channel,
        } => commands::app_user::invite(
            &mut ctx,
            *by,
            commands::app_user::Invite {
                email,
                role: *role,
                given_name,
                family_name,
                channel: *channel,
            },
        )?,
        Command::SetRole { by, user, role } => {
            commands::app_user::set_role(&mut ctx, *by, *user, *role)?
        }
        Command::DeactivateUser { by, user } => {
            commands::app_user::deactivate(&mut ctx, *by, *user)?
        }
        Command::DeleteUser { by, user } => commands::app_user::delete(&mut ctx, *by, *user)?,
        Command::AddTeamMember { by, team, user } => {
            commands::app_team::add_member(&mut ctx, *by, *team, *user)?
        }
        Command::RemoveTeamMember { by, team, user } => {
            commands::app_team::remove_member(&mut ctx, *by, *team, *user)?
        }
        Command::CreateTeam {
            by,
            name,
            description,
        } => commands::app_team::create(&mut ctx, *by, name, description)?,
        Command::RenameTeam { by, team, name } => {
            commands::app_team::rename(&mut ctx, *by, *team, name)?
        }
        Command::EditTeam {
            by,
            team,
            description,
            access_settings,
        } => commands::app_team::edit(
            &mut ctx,
            *by,
            *team,
            description.as_deref(),
            access_settings.as_ref(),
        )?,
        Command::DeleteTeam { by, team } => commands::app_team::delete(&mut ctx, *by, *team)?,
        Command::MergeDuplicateTeams { by } => commands::merge::merge(&mut ctx, *by)?,
        Command::ApplyMapping { by, links } => commands::sync::apply_mapping(&mut ctx, *by, links)?,
        Command::Sync { by, links } => commands::sync::sync(&mut ctx, *by, links)?,
        Command::CompleteConnection { by, mode } => {
            commands::connection::complete(&mut ctx, *by, *mode)?
        }
    }
    Ok(ctx.finish())
}
