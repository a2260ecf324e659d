//! T2 merge (with its dry run), M3 mapping links, S3 manual sync.

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, Role, Source};
use tessera_policy::{
    Actor, Change, Command, Decision, MappingLink, OrgView, PolicyError, UserRecord, plan_merge,
};

// covers T2
#[test]
fn t2_merge_moves_local_members_into_the_idp_team_and_a_dry_run_shows_the_same_plan() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let both = org.provision("both@corp.example");
    let both_id = org.scim_user("both@corp.example").id;
    let only_local = org.seed("local@corp.example", LoginMethod::Password, Role::Viewer);
    let local = org.local_team("Sales");
    for user in [both_id, only_local] {
        org.ok(Command::AddTeamMember {
            by: org.by(),
            team: local.id,
            user,
        });
    }
    let idp = org.push_group("Sales", &[&both]);
    org.local_team("Unrelated");

    let plan = plan_merge(&org.mem).unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!((plan[0].local.id, plan[0].idp.id), (local.id, idp.id));
    assert_eq!(plan[0].moving, vec![only_local]);
    assert_eq!(plan[0].already_members, 1);
    // The dry run applied nothing.
    assert!(org.team(local.id).duplicate);

    let decision = org.ok(Command::MergeDuplicateTeams {
        by: Actor::Operator,
    });
    assert!(decision.changes.contains(&Change::DeleteTeam(local.id)));
    assert!(org.mem.team(local.id).unwrap().is_none());
    assert!(org.is_member(idp.id, only_local) && org.is_member(idp.id, both_id));
    assert!(!org.team(idp.id).duplicate);
    let audit = &decision.audit[0];
    assert_eq!(
        (audit.action, audit.source, audit.actor.as_str()),
        ("team.merged", Source::Cli, "operator")
    );
    // Nothing is left to merge.
    assert!(plan_merge(&org.mem).unwrap().is_empty());
    assert!(
        org.ok(Command::MergeDuplicateTeams {
            by: Actor::Operator
        })
        .is_empty()
    );
}

// covers T2
#[test]
fn t2_merge_is_refused_to_non_admins() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let viewer = org.seed("v@corp.example", LoginMethod::Password, Role::Viewer);
    org.refused(
        Command::MergeDuplicateTeams {
            by: Actor::User(viewer),
        },
        "T2",
    );
}

// covers M3
#[test]
fn m3_mapping_links_are_set_swapped_and_cleared_and_a_taken_email_is_refused() {
    let mut org = Org::new(None);
    let a = org.seed("a@old.example", LoginMethod::Password, Role::Viewer);
    let b = org.seed("b@old.example", LoginMethod::Salesforce, Role::Viewer);
    let link = |user, idp: Option<&str>| MappingLink {
        user,
        idp_email: idp.map(email),
    };
    // (case, links, a's link after, b's link after)
    let cases = [
        (
            "set",
            vec![
                link(a, Some("a@corp.example")),
                link(b, Some("b@corp.example")),
            ],
            Some("a@corp.example"),
            Some("b@corp.example"),
        ),
        (
            "swap",
            vec![
                link(a, Some("b@corp.example")),
                link(b, Some("a@corp.example")),
            ],
            Some("b@corp.example"),
            Some("a@corp.example"),
        ),
        (
            "clear one",
            vec![link(a, None), link(b, Some("a@corp.example"))],
            None,
            Some("a@corp.example"),
        ),
    ];
    for (case, links, want_a, want_b) in cases {
        org.ok(Command::ApplyMapping {
            by: org.by(),
            links,
        });
        assert_eq!(org.user(a).idp_email, want_a.map(email), "{case}");
        assert_eq!(org.user(b).idp_email, want_b.map(email), "{case}");
    }
    // Refused: an email twice, or one held by an account the sheet does not cover.
    org.refused(
        Command::ApplyMapping {
            by: org.by(),
            links: vec![
                link(a, Some("x@corp.example")),
                link(org.admin, Some("X@corp.example")),
            ],
        },
        "M3",
    );
    org.refused(
        Command::ApplyMapping {
            by: org.by(),
            links: vec![link(a, Some("a@corp.example"))],
        },
        "M3",
    );
    let error = org
        .run(Command::ApplyMapping {
            by: org.by(),
            links: vec![link(tessera_core::UserId::random(), None)],
        })
        .unwrap_err();
    assert!(matches!(error, PolicyError::UserNotFound { .. }), "{error}");
}

// covers S3, M3
#[test]
fn s3_a_manual_sync_applies_pending_memberships_and_the_mapping_links() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    let old = org.seed("old@corp.example", LoginMethod::Password, Role::Viewer);
    let team = org.push_group("Ops", &["lee@corp.example", "ext-9", "ghost"]);
    // A user arriving through SCIM claims its pending membership at once.
    org.ok(Command::ScimCreateUser(provisioned("lee@corp.example")));
    let lee = org.scim_user("lee@corp.example").id;
    assert!(org.is_member(team.id, lee));
    // A user whose externalId reached the store outside a SCIM command (restored or
    // imported rows) is picked up by the manual sync.
    org.ok(Command::ScimCreateUser(provisioned("nine@corp.example")));
    let nine = org.scim_user("nine@corp.example");
    org.mem
        .apply(&Decision {
            changes: vec![Change::UpdateUser(UserRecord {
                external_id: Some("ext-9".into()),
                ..nine.clone()
            })],
            ..Decision::default()
        })
        .unwrap();
    let decision = org.ok(Command::Sync {
        by: org.by(),
        links: vec![MappingLink {
            user: old,
            idp_email: Some(email("old.idp@corp.example")),
        }],
    });
    assert!(org.is_member(team.id, nine.id));
    assert_eq!(
        org.pending(team.id),
        vec!["ghost".to_owned()],
        "unknown references wait"
    );
    assert_eq!(org.user(old).idp_email, Some(email("old.idp@corp.example")));
    assert_eq!(decision.audit.last().unwrap().action, "org.synced");
    // A second sync has nothing left to do but say so.
    let again = org.ok(Command::Sync {
        by: org.by(),
        links: vec![],
    });
    assert_eq!(again.changes, vec![]);
}
