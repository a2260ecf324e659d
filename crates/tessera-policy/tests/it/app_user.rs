//! Users in the app: U3, U4, U5, U6, U7, C5, and who may act.

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, Role, Source, UserStatus};
use tessera_policy::{
    Actor, BuiltInTeam, Command, InvitationReason, InviteChannel, PolicyError, SamlLogin,
};

fn invite(org: &Org, address: &str, role: Role, channel: InviteChannel) -> Command {
    Command::InviteUser {
        by: org.by(),
        email: email(address),
        role,
        given_name: None,
        family_name: None,
        channel,
    }
}

// covers U7, C5
#[test]
fn u7_account_admins_invite_by_email_and_c5_refuses_salesforce_invites_once_connected() {
    // (case, connection, channel, refusal)
    let cases = [
        (
            "email, connected",
            Some(ConnectionMode::Scim),
            InviteChannel::Email,
            None,
        ),
        ("email, not connected", None, InviteChannel::Email, None),
        (
            "salesforce, not connected",
            None,
            InviteChannel::Salesforce,
            None,
        ),
        (
            "salesforce, connected",
            Some(ConnectionMode::Jit),
            InviteChannel::Salesforce,
            Some("C5"),
        ),
    ];
    for (case, mode, channel, refusal) in cases {
        let mut org = Org::new(mode);
        let command = invite(&org, "liz@corp.example", Role::Expert, channel);
        match refusal {
            Some(rule) => {
                org.refused(command, rule);
            }
            None => {
                let decision = org.ok(command);
                let liz = org.user_by_email("liz@corp.example");
                assert_eq!(liz.status, UserStatus::Pending, "{case}");
                assert_eq!(liz.role, Role::Expert, "{case}");
                assert!(!liz.idp_connected(), "{case}: not connected to the IdP");
                assert_ne!(liz.login_method, LoginMethod::Sso, "{case}");
                assert_eq!(
                    decision.invitations[0].reason,
                    InvitationReason::Invited,
                    "{case}"
                );
                assert_eq!(decision.audit[0].actor, "admin@corp.example", "{case}");
            }
        }
    }
}

#[test]
fn u7_inviting_an_existing_email_is_a_conflict_and_an_admin_invite_joins_account_admins() {
    let mut org = Org::new(None);
    let error = org
        .run(invite(
            &org,
            "ADMIN@corp.example",
            Role::Viewer,
            InviteChannel::Email,
        ))
        .unwrap_err();
    assert!(matches!(error, PolicyError::EmailTaken { .. }), "{error}");
    org.ok(invite(
        &org,
        "boss@corp.example",
        Role::AccountAdmin,
        InviteChannel::Email,
    ));
    let boss = org.user_by_email("boss@corp.example");
    assert!(org.is_member(org.built_in(BuiltInTeam::AccountAdmins).id, boss.id));
}

// covers U6, T1
#[test]
fn u6_account_admins_change_roles_and_account_admins_follows() {
    let mut org = Org::new(None);
    let max = org.seed("max@corp.example", LoginMethod::Password, Role::Viewer);
    let admins = org.built_in(BuiltInTeam::AccountAdmins).id;
    // (case, new role, in Account Admins after)
    let cases = [
        ("promote", Role::AccountAdmin, true),
        ("same role again", Role::AccountAdmin, true),
        ("demote", Role::Expert, false),
    ];
    for (case, role, in_admins) in cases {
        org.ok(Command::SetRole {
            by: org.by(),
            user: max,
            role,
        });
        assert_eq!(org.user(max).role, role, "{case}");
        assert_eq!(org.is_member(admins, max), in_admins, "{case}");
    }
    assert_eq!(org.mem.audit().last().unwrap().source, Source::App);
}

// covers U6, U7, U3
#[test]
fn u6_only_active_account_admins_act_and_never_on_their_own_account() {
    let mut org = Org::new(None);
    let viewer = org.seed("vic@corp.example", LoginMethod::Password, Role::TeamAdmin);
    let target = org.seed("tom@corp.example", LoginMethod::Password, Role::Viewer);
    let as_viewer = Actor::User(viewer);
    let cases = [
        (
            Command::SetRole {
                by: as_viewer,
                user: target,
                role: Role::Expert,
            },
            "U6",
        ),
        (
            Command::DeactivateUser {
                by: as_viewer,
                user: target,
            },
            "U3",
        ),
        (
            Command::CreateTeam {
                by: as_viewer,
                name: "X".into(),
                description: String::new(),
            },
            "T6",
        ),
        (
            Command::InviteUser {
                by: as_viewer,
                email: email("x@corp.example"),
                role: Role::Viewer,
                given_name: None,
                family_name: None,
                channel: InviteChannel::Email,
            },
            "U7",
        ),
        (
            Command::SetRole {
                by: org.by(),
                user: org.admin,
                role: Role::Viewer,
            },
            "U6",
        ),
        (
            Command::DeactivateUser {
                by: org.by(),
                user: org.admin,
            },
            "U3",
        ),
        (
            Command::DeleteUser {
                by: org.by(),
                user: org.admin,
            },
            "U3",
        ),
    ];
    for (command, rule) in cases {
        org.refused(command, rule);
    }
    // The operator acts through the CLI.
    org.ok(Command::SetRole {
        by: Actor::Operator,
        user: target,
        role: Role::Expert,
    });
    assert_eq!(org.mem.audit().last().unwrap().actor, "operator");
}

// covers U3, U4
#[test]
fn u3_admins_deactivate_jit_users_and_u4_adding_them_to_any_team_reactivates_them() {
    let mut org = Org::new(Some(ConnectionMode::Jit));
    let local = org.local_team("Support");
    let all_users = org.built_in(BuiltInTeam::AllUsers);
    for (case, team) in [("a local team", local.id), ("All Users", all_users.id)] {
        org.ok(Command::SamlLogin(SamlLogin {
            email: email("jit@corp.example"),
            given_name: None,
            family_name: None,
        }));
        let jit = org.user_by_email("jit@corp.example").id;
        let off = org.ok(Command::DeactivateUser {
            by: org.by(),
            user: jit,
        });
        assert!(revokes(&off, jit), "{case}");
        assert_eq!(org.user(jit).status, UserStatus::Deactivated, "{case}");
        assert!(
            org.is_member(all_users.id, jit),
            "{case}: data and memberships stay"
        );
        org.ok(Command::AddTeamMember {
            by: org.by(),
            team,
            user: jit,
        });
        assert_eq!(org.user(jit).status, UserStatus::Active, "{case}");
        assert!(org.is_member(team, jit), "{case}");
    }
}

// covers U5
#[test]
fn u5_the_app_cannot_deactivate_or_delete_a_scim_managed_user_but_can_others() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    org.provision("sue@corp.example");
    let sue = org.scim_user("sue@corp.example").id;
    org.refused(
        Command::DeactivateUser {
            by: org.by(),
            user: sue,
        },
        "U5",
    );
    org.refused(
        Command::DeleteUser {
            by: org.by(),
            user: sue,
        },
        "U5",
    );
    // Adding a deactivated SCIM user to a team does not reactivate it (the IdP does).
    let scim_id = org.scim_id("sue@corp.example");
    org.ok(Command::ScimPatchUser {
        scim_id,
        patch: tessera_policy::UserPatch {
            active: Some(false),
            ..Default::default()
        },
    });
    let team = org.local_team("Support");
    org.ok(Command::AddTeamMember {
        by: org.by(),
        team: team.id,
        user: sue,
    });
    assert_eq!(org.user(sue).status, UserStatus::Deactivated);

    let ned = org.seed("ned@corp.example", LoginMethod::Password, Role::Viewer);
    org.ok(Command::DeleteUser {
        by: org.by(),
        user: ned,
    });
    assert!(org.mem.users().all(|u| u.id != ned));
    assert_eq!(org.mem.audit().last().unwrap().action, "user.deleted");
}

// covers U8
#[test]
fn u8_users_show_whether_they_are_idp_connected() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    org.provision("con@corp.example");
    assert!(org.scim_user("con@corp.example").idp_connected());
    assert!(!org.user(org.admin).idp_connected());
}
