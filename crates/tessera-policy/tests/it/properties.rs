//! Random sequences of IdP and app commands keep the invariants after every step:
//! every user is in All Users and Account Admins holds exactly the account admins,
//! the built-in teams exist and no other team carries their names (T1), duplicate
//! flags and SCIM links stay consistent (T2, T7, U5), SSO-created accounts are SSO-only
//! (L3), IdP-managed team membership changes only through IdP commands (T5), roles
//! change only through the app and provisioning creates viewers (U6), and every
//! decision applies under the store's constraints and is audited (S4).

use crate::support::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use tessera_core::{ConnectionMode, LoginMethod, Role, TeamId, UserId};
use tessera_policy::{
    Actor, Command, GroupPatchOp, InviteChannel, MappingLink, ProvisionedGroup, ProvisionedUser,
    SamlLogin, UserPatch, decide,
};

const EMAILS: [&str; 7] = [
    "u0@corp.example",
    "u1@corp.example",
    "u2@corp.example",
    "u3@corp.example",
    "U1@CORP.example",
    "old0@corp.example",
    "admin@corp.example",
];
const TEAM_NAMES: [&str; 6] = ["Sales", "sales", "Ops", "All Users", "Field", "Sales (IdP)"];
const EXTRA_REFS: [&str; 4] = ["ext-0", "ext-1", "u3@corp.example", "ghost"];
const ROLES: [Role; 4] = [
    Role::Viewer,
    Role::Expert,
    Role::TeamAdmin,
    Role::AccountAdmin,
];

/// A command with indexes where it needs ids, resolved against the state when it runs.
#[derive(Debug, Clone)]
enum Op {
    ScimCreate {
        email: usize,
        active: bool,
        ext: Option<usize>,
    },
    ScimActive {
        user: usize,
        active: bool,
    },
    ScimEmail {
        user: usize,
        email: usize,
    },
    ScimDelete {
        user: usize,
    },
    GroupCreate {
        name: usize,
        members: Vec<usize>,
    },
    GroupPatch {
        team: usize,
        rename: Option<usize>,
        add: Vec<usize>,
        remove: Vec<usize>,
    },
    GroupReplace {
        team: usize,
        name: usize,
        members: Vec<usize>,
    },
    GroupDelete {
        team: usize,
    },
    Saml {
        email: usize,
    },
    Invite {
        actor: usize,
        email: usize,
        role: usize,
        salesforce: bool,
    },
    SetRole {
        actor: usize,
        user: usize,
        role: usize,
    },
    Deactivate {
        actor: usize,
        user: usize,
    },
    Delete {
        actor: usize,
        user: usize,
    },
    AddMember {
        actor: usize,
        team: usize,
        user: usize,
    },
    RemoveMember {
        actor: usize,
        team: usize,
        user: usize,
    },
    CreateTeam {
        actor: usize,
        name: usize,
    },
    RenameTeam {
        actor: usize,
        team: usize,
        name: usize,
    },
    EditTeam {
        actor: usize,
        team: usize,
    },
    DeleteTeam {
        actor: usize,
        team: usize,
    },
    Merge {
        actor: usize,
    },
    Sync {
        actor: usize,
        user: usize,
        email: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0..8usize;
    let refs = || prop::collection::vec(0..10usize, 0..4);
    prop_oneof![
        (i(), any::<bool>(), prop::option::of(0..2usize))
            .prop_map(|(email, active, ext)| Op::ScimCreate { email, active, ext }),
        (i(), any::<bool>()).prop_map(|(user, active)| Op::ScimActive { user, active }),
        (i(), i()).prop_map(|(user, email)| Op::ScimEmail { user, email }),
        i().prop_map(|user| Op::ScimDelete { user }),
        (i(), refs()).prop_map(|(name, members)| Op::GroupCreate { name, members }),
        (i(), prop::option::of(i()), refs(), refs()).prop_map(|(team, rename, add, remove)| {
            Op::GroupPatch {
                team,
                rename,
                add,
                remove,
            }
        }),
        (i(), i(), refs()).prop_map(|(team, name, members)| Op::GroupReplace {
            team,
            name,
            members
        }),
        i().prop_map(|team| Op::GroupDelete { team }),
        i().prop_map(|email| Op::Saml { email }),
        (i(), i(), i(), any::<bool>()).prop_map(|(actor, email, role, salesforce)| Op::Invite {
            actor,
            email,
            role,
            salesforce
        }),
        (i(), i(), i()).prop_map(|(actor, user, role)| Op::SetRole { actor, user, role }),
        (i(), i()).prop_map(|(actor, user)| Op::Deactivate { actor, user }),
        (i(), i()).prop_map(|(actor, user)| Op::Delete { actor, user }),
        (i(), i(), i()).prop_map(|(actor, team, user)| Op::AddMember { actor, team, user }),
        (i(), i(), i()).prop_map(|(actor, team, user)| Op::RemoveMember { actor, team, user }),
        (i(), i()).prop_map(|(actor, name)| Op::CreateTeam { actor, name }),
        (i(), i(), i()).prop_map(|(actor, team, name)| Op::RenameTeam { actor, team, name }),
        (i(), i()).prop_map(|(actor, team)| Op::EditTeam { actor, team }),
        (i(), i()).prop_map(|(actor, team)| Op::DeleteTeam { actor, team }),
        i().prop_map(|actor| Op::Merge { actor }),
        (i(), i(), i()).prop_map(|(actor, user, email)| Op::Sync { actor, user, email }),
    ]
}

fn pick<T: Clone>(items: &[T], index: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[index % items.len()].clone())
}

struct Resolver<'a> {
    org: &'a Org,
}

impl Resolver<'_> {
    fn actor(&self, index: usize) -> Actor {
        match index % 4 {
            0 | 1 => Actor::User(self.org.admin),
            2 => Actor::Operator,
            _ => Actor::User(self.user(index / 4)),
        }
    }
    fn user(&self, index: usize) -> UserId {
        let users: Vec<UserId> = self.org.mem.users().map(|u| u.id).collect();
        pick(&users, index).unwrap_or_else(UserId::random)
    }
    fn scim_user(&self, index: usize) -> String {
        let ids: Vec<String> = self
            .org
            .mem
            .users()
            .filter_map(|u| u.scim_id.clone())
            .collect();
        pick(&ids, index).unwrap_or_else(|| "missing".to_owned())
    }
    fn team(&self, index: usize) -> TeamId {
        let teams: Vec<TeamId> = self.org.mem.teams().map(|t| t.id).collect();
        pick(&teams, index).unwrap_or_else(TeamId::random)
    }
    fn group(&self, index: usize) -> String {
        let ids: Vec<String> = self
            .org
            .mem
            .teams()
            .filter_map(|t| t.scim_id.clone())
            .collect();
        pick(&ids, index).unwrap_or_else(|| "missing".to_owned())
    }
    fn member_refs(&self, indexes: &[usize]) -> Vec<String> {
        indexes
            .iter()
            .map(|&i| {
                if i < EXTRA_REFS.len() {
                    EXTRA_REFS[i].to_owned()
                } else {
                    self.scim_user(i)
                }
            })
            .collect()
    }

    fn command(&self, op: &Op) -> Command {
        let email_at = |i: usize| email(EMAILS[i % EMAILS.len()]);
        let name_at = |i: usize| TEAM_NAMES[i % TEAM_NAMES.len()].to_owned();
        match op {
            Op::ScimCreate {
                email: e,
                active,
                ext,
            } => Command::ScimCreateUser(ProvisionedUser {
                active: *active,
                external_id: ext.map(|x| format!("ext-{x}")),
                ..provisioned(EMAILS[e % EMAILS.len()])
            }),
            Op::ScimActive { user, active } => Command::ScimPatchUser {
                scim_id: self.scim_user(*user),
                patch: UserPatch {
                    active: Some(*active),
                    ..UserPatch::default()
                },
            },
            Op::ScimEmail { user, email: e } => Command::ScimPatchUser {
                scim_id: self.scim_user(*user),
                patch: UserPatch {
                    email: Some(email_at(*e)),
                    ..UserPatch::default()
                },
            },
            Op::ScimDelete { user } => Command::ScimDeleteUser {
                scim_id: self.scim_user(*user),
            },
            Op::GroupCreate { name, members } => Command::ScimCreateGroup(ProvisionedGroup {
                display_name: name_at(*name),
                external_id: None,
                members: self.member_refs(members),
            }),
            Op::GroupPatch {
                team,
                rename,
                add,
                remove,
            } => {
                let mut ops = Vec::new();
                if let Some(name) = rename {
                    ops.push(GroupPatchOp::Rename(name_at(*name)));
                }
                ops.push(GroupPatchOp::AddMembers(self.member_refs(add)));
                ops.push(GroupPatchOp::RemoveMembers(self.member_refs(remove)));
                Command::ScimPatchGroup {
                    scim_id: self.group(*team),
                    ops,
                }
            }
            Op::GroupReplace {
                team,
                name,
                members,
            } => Command::ScimReplaceGroup {
                scim_id: self.group(*team),
                group: ProvisionedGroup {
                    display_name: name_at(*name),
                    external_id: None,
                    members: self.member_refs(members),
                },
            },
            Op::GroupDelete { team } => Command::ScimDeleteGroup {
                scim_id: self.group(*team),
            },
            Op::Saml { email: e } => Command::SamlLogin(SamlLogin {
                email: email_at(*e),
                given_name: None,
                family_name: None,
            }),
            Op::Invite {
                actor,
                email: e,
                role,
                salesforce,
            } => Command::InviteUser {
                by: self.actor(*actor),
                email: email_at(*e),
                role: ROLES[role % ROLES.len()],
                given_name: None,
                family_name: None,
                channel: if *salesforce {
                    InviteChannel::Salesforce
                } else {
                    InviteChannel::Email
                },
            },
            Op::SetRole { actor, user, role } => Command::SetRole {
                by: self.actor(*actor),
                user: self.user(*user),
                role: ROLES[role % ROLES.len()],
            },
            Op::Deactivate { actor, user } => Command::DeactivateUser {
                by: self.actor(*actor),
                user: self.user(*user),
            },
            Op::Delete { actor, user } => Command::DeleteUser {
                by: self.actor(*actor),
                user: self.user(*user),
            },
            Op::AddMember { actor, team, user } => Command::AddTeamMember {
                by: self.actor(*actor),
                team: self.team(*team),
                user: self.user(*user),
            },
            Op::RemoveMember { actor, team, user } => Command::RemoveTeamMember {
                by: self.actor(*actor),
                team: self.team(*team),
                user: self.user(*user),
            },
            Op::CreateTeam { actor, name } => Command::CreateTeam {
                by: self.actor(*actor),
                name: name_at(*name),
                description: String::new(),
            },
            Op::RenameTeam { actor, team, name } => Command::RenameTeam {
                by: self.actor(*actor),
                team: self.team(*team),
                name: name_at(*name),
            },
            Op::EditTeam { actor, team } => Command::EditTeam {
                by: self.actor(*actor),
                team: self.team(*team),
                description: Some("edited".into()),
                access_settings: None,
            },
            Op::DeleteTeam { actor, team } => Command::DeleteTeam {
                by: self.actor(*actor),
                team: self.team(*team),
            },
            Op::Merge { actor } => Command::MergeDuplicateTeams {
                by: self.actor(*actor),
            },
            Op::Sync {
                actor,
                user,
                email: e,
            } => Command::Sync {
                by: self.actor(*actor),
                links: vec![MappingLink {
                    user: self.user(*user),
                    idp_email: Some(email_at(*e)),
                }],
            },
        }
    }
}

fn is_idp_command(command: &Command) -> bool {
    matches!(
        command,
        Command::ScimCreateUser(_)
            | Command::ScimReplaceUser { .. }
            | Command::ScimPatchUser { .. }
            | Command::ScimDeleteUser { .. }
            | Command::ScimCreateGroup(_)
            | Command::ScimReplaceGroup { .. }
            | Command::ScimPatchGroup { .. }
            | Command::ScimDeleteGroup { .. }
            | Command::SamlLogin(_)
    )
}

/// The members of every IdP-managed team.
fn idp_memberships(org: &Org) -> BTreeMap<TeamId, Vec<UserId>> {
    org.mem
        .teams()
        .filter(|t| t.idp_managed)
        .map(|t| (t.id, org.members(t.id)))
        .collect()
}

fn roles(org: &Org) -> BTreeMap<UserId, Role> {
    org.mem.users().map(|u| (u.id, u.role)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    // covers T1, T2, T5, T7, U5, U6, L3, S3, S4
    #[test]
    fn random_command_sequences_keep_the_invariants(
        jit in any::<bool>(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mode = if jit { ConnectionMode::Jit } else { ConnectionMode::Scim };
        let mut org = Org::new(Some(mode));
        org.seed("old0@corp.example", LoginMethod::Password, Role::Expert);
        org.seed("old1@corp.example", LoginMethod::Salesforce, Role::AccountAdmin);
        for op in &ops {
            let command = Resolver { org: &org }.command(op);
            let memberships_before = idp_memberships(&org);
            let roles_before = roles(&org);
            let decision = match decide(&org.mem, &command, org.now, &mut org.ids) {
                Ok(decision) => decision,
                Err(error) => {
                    // A refusal names its rule, or is a lookup/conflict/input error.
                    let text = error.to_string();
                    if let Some(rule) = error.rule() {
                        prop_assert!(text.starts_with(&format!("{rule}: ")), "{text}");
                    }
                    continue;
                }
            };
            // S4: every change is audited, with who and through which source.
            prop_assert!(decision.changes.is_empty() || !decision.audit.is_empty(), "S4: {:?} unaudited", command);
            for entry in &decision.audit {
                prop_assert!(!entry.actor.is_empty() && entry.at == org.now, "S4: {:?}", entry);
            }
            if let Err(error) = org.mem.apply(&decision) {
                return Err(TestCaseError::fail(format!("{command:?} decided {decision:?}, which the store rejects: {error}")));
            }
            let problems = org.mem.invariant_violations();
            prop_assert!(problems.is_empty(), "after {:?}: {:?}", command, problems);
            let roles_after = roles(&org);
            if is_idp_command(&command) {
                for (user, role) in &roles_after {
                    let expected = roles_before.get(user).copied().unwrap_or(Role::Viewer);
                    prop_assert_eq!(*role, expected, "U6: {:?} changed a role", command);
                }
            } else if !matches!(command, Command::MergeDuplicateTeams { .. }) {
                let after = idp_memberships(&org);
                for (team, members) in &memberships_before {
                    if let Some(now) = after.get(team) {
                        let mut now = now.clone();
                        now.retain(|user| roles_after.contains_key(user));
                        let mut before = members.clone();
                        before.retain(|user| roles_after.contains_key(user));
                        prop_assert_eq!(&now, &before, "T5: {:?} changed an IdP team", command);
                    }
                }
            }
            org.now += chrono::Duration::minutes(1);
        }
    }
}
