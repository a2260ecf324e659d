//! The in-memory reference store: it applies decisions atomically and enforces the
//! schema's constraints, so a wrong decision fails here before it fails in SQL.

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, Role, Source};
use tessera_policy::memory::MemoryError;
use tessera_policy::{
    BuiltInTeam, Change, Command, Decision, InvitationReason, MembershipRecord, OrgView,
    PendingMembership, UserRecord,
};

fn decision(changes: Vec<Change>) -> Decision {
    Decision {
        changes,
        ..Decision::default()
    }
}

#[test]
fn apply_enforces_keys_versions_and_references_and_is_all_or_nothing() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let ann = org.seed("ann@corp.example", LoginMethod::Password, Role::Viewer);
    let all_users = org.built_in(BuiltInTeam::AllUsers).id;
    let ann_record = org.user(ann);
    let twin = UserRecord {
        id: tessera_core::UserId::random(),
        ..ann_record.clone()
    };
    let membership = MembershipRecord {
        team: all_users,
        user: ann,
        source: Source::App,
        created_at: org.now,
    };
    let cases = [
        ("same email twice", vec![Change::InsertUser(twin)], "unique"),
        (
            "member twice",
            vec![Change::AddMembership(membership)],
            "unique",
        ),
        (
            "stale update",
            vec![Change::UpdateUser(UserRecord {
                version: 0,
                ..ann_record.clone()
            })],
            "stale",
        ),
        (
            "pending on no team",
            vec![Change::AddPending(PendingMembership {
                team: tessera_core::TeamId::random(),
                member_ref: "x".into(),
                created_at: org.now,
            })],
            "missing",
        ),
        (
            "first change fine, second not",
            vec![
                Change::UpdateUser(UserRecord {
                    given_name: Some("Ann".into()),
                    ..ann_record.clone()
                }),
                Change::RemoveMembership {
                    team: org.built_in(BuiltInTeam::AccountAdmins).id,
                    user: ann,
                },
            ],
            "missing",
        ),
    ];
    for (case, changes, kind) in cases {
        let before = format!("{:?}", org.mem);
        let error = org.mem.apply(&decision(changes)).unwrap_err();
        let got = match error {
            MemoryError::Unique(_) => "unique",
            MemoryError::Stale(_) => "stale",
            MemoryError::Missing(_) => "missing",
        };
        assert_eq!(got, kind, "{case}: {error}");
        assert_eq!(format!("{:?}", org.mem), before, "{case}: nothing applied");
    }
    // An update bumps the version, as the store's does.
    org.mem
        .apply(&decision(vec![Change::UpdateUser(UserRecord {
            given_name: Some("Ann".into()),
            ..ann_record.clone()
        })]))
        .unwrap();
    assert_eq!(org.user(ann).version, ann_record.version + 1);
}

#[test]
fn the_memory_org_keeps_what_decisions_carry_besides_rows() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let scim_id = org.provision("zed@corp.example");
    let zed = org.scim_user("zed@corp.example").id;
    let team = org.push_group("Ops", &[&scim_id, "later"]);
    org.ok(Command::ScimDeleteUser { scim_id });
    assert_eq!(org.mem.invitations().len(), 1);
    assert_eq!(
        org.mem.invitations()[0].reason.as_str(),
        InvitationReason::Provisioned.as_str()
    );
    assert_eq!(org.mem.revoked_sessions(), &[zed]);
    assert_eq!(
        org.mem
            .pending()
            .map(|p| p.member_ref.as_str())
            .collect::<Vec<_>>(),
        vec!["later"]
    );
    assert!(
        org.mem
            .memberships()
            .any(|m| m.team == team.id && m.user == zed)
    );
    assert!(org.mem.org_record().is_connected());
    assert_eq!(org.mem.org().unwrap(), *org.mem.org_record());
    assert_eq!(org.mem.audit().last().unwrap().action, "user.detached");
    assert!(org.mem.invariant_violations().is_empty());
    assert_eq!(BuiltInTeam::AllUsers.as_str(), "all_users");
    assert_eq!(InvitationReason::Invited.as_str(), "invited");
}

#[test]
fn invariant_violations_name_the_broken_rule() {
    let mut org = Org::new(None);
    let ann = org.seed("ann@corp.example", LoginMethod::Password, Role::Viewer);
    let all_users = org.built_in(BuiltInTeam::AllUsers).id;
    let ann_record = org.user(ann);
    org.mem
        .apply(&decision(vec![
            Change::RemoveMembership {
                team: all_users,
                user: ann,
            },
            Change::UpdateUser(UserRecord {
                created_by: Source::Scim,
                ..ann_record
            }),
        ]))
        .unwrap();
    let problems = org.mem.invariant_violations();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("T1: ann@corp.example is not in All Users")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("L3: ")),
        "{problems:?}"
    );
}

#[test]
fn decisions_serialize_and_changes_round_trip_through_json() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let scim_id = org.provision("rt@corp.example");
    let rt = org.scim_user("rt@corp.example").id;
    let team = org.local_team("Local");
    let mut decisions = vec![
        org.ok(Command::ScimPatchUser {
            scim_id: scim_id.clone(),
            patch: tessera_policy::UserPatch {
                active: Some(false),
                ..Default::default()
            },
        }),
        org.ok(Command::ScimCreateGroup(group("Ops", &[&scim_id, "later"]))),
        org.ok(Command::ScimDeleteUser { scim_id }),
        org.ok(Command::DeleteTeam {
            by: org.by(),
            team: team.id,
        }),
    ];
    let ned = org.seed("ned@corp.example", LoginMethod::Password, Role::Viewer);
    decisions.push(org.ok(Command::DeleteUser {
        by: org.by(),
        user: ned,
    }));
    decisions.push(org.ok(Command::Sync {
        by: org.by(),
        links: vec![tessera_policy::MappingLink {
            user: rt,
            idp_email: None,
        }],
    }));
    for decision in decisions {
        serde_json::to_string(&decision).unwrap();
        for change in &decision.changes {
            let json = serde_json::to_string(change).unwrap();
            let back: Change = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, change, "{json}");
        }
    }
}
