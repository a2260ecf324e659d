//! Teams in the app: T1, T4, T5, T6.

use crate::support::*;
use serde_json::json;
use tessera_core::{ConnectionMode, LoginMethod, Role};
use tessera_policy::{BuiltInTeam, Command, OrgView, PolicyError, TeamKind};

// covers T6, T1, S1
#[test]
fn t6_admins_create_rename_and_delete_local_teams() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let team = org.local_team("Support");
    assert_eq!(team.kind(), TeamKind::Local);
    assert_eq!(team.scim_id, None, "never sent to the IdP");
    // (case, new name, expected outcome: Ok or the error's rule / kind)
    let cases = [
        ("rename", "Customer Support", Ok(())),
        ("built-in name", "all users", Err(Some("T1"))),
        ("blank", "   ", Err(None)),
        ("another built-in name", "Account Admins", Err(Some("T1"))),
    ];
    for (case, name, expected) in cases {
        let result = org.run(Command::RenameTeam {
            by: org.by(),
            team: team.id,
            name: name.into(),
        });
        match expected {
            Ok(()) => assert_eq!(org.team(team.id).name, name, "{case}"),
            Err(rule) => assert_eq!(result.unwrap_err().rule(), rule, "{case}"),
        }
    }
    org.local_team("Sales");
    let error = org
        .run(Command::CreateTeam {
            by: org.by(),
            name: "SALES".into(),
            description: String::new(),
        })
        .unwrap_err();
    assert!(
        matches!(error, PolicyError::TeamNameTaken { .. }),
        "{error}"
    );
    org.refused(
        Command::CreateTeam {
            by: org.by(),
            name: "Account Admins".into(),
            description: String::new(),
        },
        "T1",
    );
    org.ok(Command::DeleteTeam {
        by: org.by(),
        team: team.id,
    });
    assert!(org.mem.team(team.id).unwrap().is_none());
}

// covers T4
#[test]
fn t4_an_idp_team_cannot_be_renamed_or_deleted_in_the_app_but_its_description_and_access_can_change()
 {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let team = org.push_group("Engineering", &[]);
    org.refused(
        Command::RenameTeam {
            by: org.by(),
            team: team.id,
            name: "Eng".into(),
        },
        "T4",
    );
    let error = org.refused(
        Command::DeleteTeam {
            by: org.by(),
            team: team.id,
        },
        "T4",
    );
    assert_eq!(
        error.to_string(),
        "T4: an IdP-managed team cannot be deleted in the app (\"Engineering\")"
    );
    let decision = org.ok(Command::EditTeam {
        by: org.by(),
        team: team.id,
        description: Some("Builds things".into()),
        access_settings: Some(json!({ "can_publish": false })),
    });
    let after = org.team(team.id);
    assert_eq!(after.description, "Builds things");
    assert_eq!(after.access_settings, json!({ "can_publish": false }));
    assert!(after.idp_managed);
    assert_eq!(decision.audit[0].action, "team.edited");
    // The same edit again changes nothing.
    assert!(
        org.ok(Command::EditTeam {
            by: org.by(),
            team: team.id,
            description: Some("Builds things".into()),
            access_settings: None
        })
        .is_empty()
    );
}

// covers T5
#[test]
fn t5_members_of_an_idp_team_change_only_through_the_idp() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let scim_id = org.provision("a@corp.example");
    let a = org.scim_user("a@corp.example").id;
    let b = org.seed("b@corp.example", LoginMethod::Password, Role::Viewer);
    let team = org.push_group("Engineering", &[&scim_id]);
    org.refused(
        Command::AddTeamMember {
            by: org.by(),
            team: team.id,
            user: b,
        },
        "T5",
    );
    org.refused(
        Command::RemoveTeamMember {
            by: org.by(),
            team: team.id,
            user: a,
        },
        "T5",
    );
    // Local teams: both allowed.
    let local = org.local_team("Local");
    org.ok(Command::AddTeamMember {
        by: org.by(),
        team: local.id,
        user: b,
    });
    assert!(org.is_member(local.id, b));
    org.ok(Command::RemoveTeamMember {
        by: org.by(),
        team: local.id,
        user: b,
    });
    assert!(!org.is_member(local.id, b));
}

// covers T1
#[test]
fn t1_built_in_teams_cannot_be_renamed_deleted_or_edited_by_hand() {
    let mut org = Org::new(None);
    let b = org.seed("b@corp.example", LoginMethod::Password, Role::Viewer);
    for built_in in BuiltInTeam::ALL {
        let team = org.built_in(built_in).id;
        org.refused(
            Command::RenameTeam {
                by: org.by(),
                team,
                name: "Everyone".into(),
            },
            "T1",
        );
        org.refused(Command::DeleteTeam { by: org.by(), team }, "T1");
        org.refused(
            Command::RemoveTeamMember {
                by: org.by(),
                team,
                user: b,
            },
            "T1",
        );
    }
    org.refused(
        Command::AddTeamMember {
            by: org.by(),
            team: org.built_in(BuiltInTeam::AccountAdmins).id,
            user: b,
        },
        "T1",
    );
    // Adding to All Users, where everyone already is, changes nothing.
    let all = org.built_in(BuiltInTeam::AllUsers).id;
    assert!(
        org.ok(Command::AddTeamMember {
            by: org.by(),
            team: all,
            user: b
        })
        .is_empty()
    );
    // Description and access settings of a built-in team can be edited.
    org.ok(Command::EditTeam {
        by: org.by(),
        team: all,
        description: Some("Everyone".into()),
        access_settings: None,
    });
}
