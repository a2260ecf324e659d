//! SCIM Groups: T1, T2, T3, T7, T8, S3, and the cost of a one-member PATCH.

use crate::support::*;
use std::cell::Cell;
use std::convert::Infallible;
use tessera_core::{ConnectionMode, Email, Role, TeamId, UserId, UserName};
use tessera_policy::memory::MemoryOrg;
use tessera_policy::{
    BuiltInTeam, Command, GroupPatchOp, OrgRecord, OrgView, PendingMembership, PolicyError,
    TeamRecord, UserRecord, decide,
};

fn scim_org() -> Org {
    Org::new(Some(ConnectionMode::Scim))
}

// covers T1
#[test]
fn t1_an_idp_group_cannot_take_a_built_in_name() {
    let names = [
        ("All Users", Some("T1")),
        ("account admins", Some("T1")),
        ("  ALL USERS ", Some("T1")),
        ("All Users EMEA", None),
    ];
    for (name, refusal) in names {
        let mut org = scim_org();
        match refusal {
            Some(rule) => {
                org.refused(Command::ScimCreateGroup(group(name, &[])), rule);
            }
            None => {
                org.push_group(name, &[]);
            }
        }
    }
    // Nor can a group be renamed to one.
    let mut org = scim_org();
    let team = org.push_group("Sales", &[]);
    org.refused(
        Command::ScimPatchGroup {
            scim_id: team.scim_id.unwrap(),
            ops: vec![GroupPatchOp::Rename("Account Admins".into())],
        },
        "T1",
    );
}

// covers T2
#[test]
fn t2_a_group_named_like_a_local_team_is_created_and_both_are_flagged() {
    let mut org = scim_org();
    let local = org.local_team("Sales");
    let idp = org.push_group("sales", &[]);
    assert!(idp.duplicate && idp.idp_managed);
    assert!(org.team(local.id).duplicate);
    // A second IdP group with the name is a SCIM uniqueness conflict.
    let error = org
        .run(Command::ScimCreateGroup(group("SALES", &[])))
        .unwrap_err();
    assert!(
        matches!(error, PolicyError::GroupNameTaken { .. }),
        "{error}"
    );
}

// covers T3, T2
#[test]
fn t3_renaming_a_group_renames_the_team_and_moves_the_duplicate_flags() {
    let mut org = scim_org();
    let sales = org.local_team("Sales");
    let field = org.local_team("Field");
    let team = org.push_group("Sales", &[]);
    let scim_id = team.scim_id.clone().unwrap();
    let cases = [
        ("to a fresh name", "Revenue", false, false, false),
        ("onto a local team's name", "Field", true, false, true),
        ("case only", "FIELD", true, false, true),
    ];
    for (case, name, idp_dup, sales_dup, field_dup) in cases {
        let decision = org.ok(Command::ScimReplaceGroup {
            scim_id: scim_id.clone(),
            group: group(name, &[]),
        });
        let now = org.team(team.id);
        assert_eq!(now.name, name, "{case}");
        assert_eq!(now.duplicate, idp_dup, "{case}");
        assert_eq!(org.team(sales.id).duplicate, sales_dup, "{case}");
        assert_eq!(org.team(field.id).duplicate, field_dup, "{case}");
        assert!(
            decision.audit.iter().any(|e| e.action == "team.renamed"),
            "{case}"
        );
    }
    let other = org.push_group("Other", &[]);
    let error = org
        .run(Command::ScimPatchGroup {
            scim_id: other.scim_id.unwrap(),
            ops: vec![GroupPatchOp::Rename("field".into())],
        })
        .unwrap_err();
    assert!(
        matches!(error, PolicyError::GroupNameTaken { .. }),
        "{error}"
    );
}

// covers S3, T8
#[test]
fn s3_members_add_remove_replace_and_pending_references() {
    let mut org = scim_org();
    let a = org.provision("a@corp.example");
    let b = org.provision("b@corp.example");
    let team = org.push_group("Ops", &[&a, "not-yet"]);
    let (ua, ub) = (
        org.scim_user("a@corp.example").id,
        org.scim_user("b@corp.example").id,
    );
    assert_eq!(org.members(team.id), vec![ua]);
    assert_eq!(org.pending(team.id), vec!["not-yet".to_owned()]);
    let scim_id = team.scim_id.clone().unwrap();
    // (case, operations, members after, pending after)
    type Case<'a> = (&'a str, Vec<GroupPatchOp>, Vec<UserId>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "add one",
            vec![GroupPatchOp::AddMembers(refs(&[&b]))],
            vec![ua, ub],
            vec!["not-yet"],
        ),
        (
            "add again is a no-op",
            vec![GroupPatchOp::AddMembers(refs(&[&b]))],
            vec![ua, ub],
            vec!["not-yet"],
        ),
        (
            "remove one and a pending",
            vec![GroupPatchOp::RemoveMembers(refs(&[&a, "not-yet"]))],
            vec![ub],
            vec![],
        ),
        (
            "add then remove in one patch",
            vec![
                GroupPatchOp::AddMembers(refs(&[&a])),
                GroupPatchOp::RemoveMembers(refs(&[&a])),
            ],
            vec![ub],
            vec![],
        ),
        (
            "replace",
            vec![GroupPatchOp::ReplaceMembers(refs(&[&a, "later"]))],
            vec![ua],
            vec!["later"],
        ),
        (
            "replace then add",
            vec![
                GroupPatchOp::ReplaceMembers(vec![]),
                GroupPatchOp::AddMembers(refs(&[&b])),
            ],
            vec![ub],
            vec![],
        ),
    ];
    for (case, ops, members, pending) in cases {
        org.ok(Command::ScimPatchGroup {
            scim_id: scim_id.clone(),
            ops,
        });
        let mut got = org.members(team.id);
        got.sort();
        let mut want = members;
        want.sort();
        assert_eq!(got, want, "{case}");
        assert_eq!(org.pending(team.id), refs(&pending), "{case}");
    }
    // T8: in several groups, still a viewer.
    org.push_group("Ops 2", &[&b]);
    assert_eq!(org.user(ub).role, Role::Viewer);
    // A PUT replaces the members; unknown group ids are 404.
    org.ok(Command::ScimReplaceGroup {
        scim_id: scim_id.clone(),
        group: group("Ops", &[&a]),
    });
    assert_eq!(org.members(team.id), vec![ua]);
    let error = org
        .run(Command::ScimDeleteGroup {
            scim_id: "nope".into(),
        })
        .unwrap_err();
    assert!(matches!(error, PolicyError::TeamNotFound { .. }), "{error}");
}

// covers T7
#[test]
fn t7_a_scim_delete_detaches_the_group_into_a_local_team_with_its_members() {
    let mut org = scim_org();
    let a = org.provision("a@corp.example");
    let team = org.push_group("Ops", &[&a, "later"]);
    let scim_id = team.scim_id.clone().unwrap();
    org.ok(Command::ScimDeleteGroup {
        scim_id: scim_id.clone(),
    });
    let after = org.team(team.id);
    assert!(!after.idp_managed);
    assert_eq!((after.scim_id, after.external_id), (None, None));
    assert_eq!(after.name, "Ops");
    assert_eq!(org.members(team.id).len(), 1, "members kept");
    assert!(org.pending(team.id).is_empty());
    let error = org
        .run(Command::ScimPatchGroup {
            scim_id,
            ops: vec![],
        })
        .unwrap_err();
    assert!(matches!(error, PolicyError::TeamNotFound { .. }), "{error}");
    // Admins may now remove it in the app.
    org.ok(Command::DeleteTeam {
        by: org.by(),
        team: team.id,
    });
}

// covers T7, T2
#[test]
fn t7_detaching_a_duplicate_keeps_the_local_twin_name_and_renames_the_detached_team() {
    let mut org = scim_org();
    let local = org.local_team("Sales");
    org.local_team("Sales (IdP)");
    let team = org.push_group("Sales", &[]);
    org.ok(Command::ScimDeleteGroup {
        scim_id: team.scim_id.unwrap(),
    });
    assert_eq!(org.team(team.id).name, "Sales (IdP 2)");
    assert!(!org.team(team.id).duplicate);
    assert!(!org.team(local.id).duplicate);
}

/// The port, counting the calls that list a team's members or pending references.
struct Counting<'a> {
    inner: &'a MemoryOrg,
    lookups: Cell<usize>,
    listings: Cell<usize>,
}

impl Counting<'_> {
    fn lookup(&self) {
        self.lookups.set(self.lookups.get() + 1);
    }
    fn listing(&self) {
        self.listings.set(self.listings.get() + 1);
    }
}

impl OrgView for Counting<'_> {
    type Error = Infallible;
    fn org(&self) -> Result<OrgRecord, Infallible> {
        self.lookup();
        self.inner.org()
    }
    fn user(&self, id: UserId) -> Result<Option<UserRecord>, Infallible> {
        self.lookup();
        self.inner.user(id)
    }
    fn user_by_email(&self, e: &Email) -> Result<Option<UserRecord>, Infallible> {
        self.lookup();
        self.inner.user_by_email(e)
    }
    fn user_by_idp_email(&self, e: &Email) -> Result<Option<UserRecord>, Infallible> {
        self.lookup();
        self.inner.user_by_idp_email(e)
    }
    fn user_by_scim_id(&self, s: &str) -> Result<Option<UserRecord>, Infallible> {
        self.lookup();
        self.inner.user_by_scim_id(s)
    }
    fn user_by_scim_user_name(&self, u: &UserName) -> Result<Option<UserRecord>, Infallible> {
        self.lookup();
        self.inner.user_by_scim_user_name(u)
    }
    fn user_by_external_id(&self, s: &str) -> Result<Option<UserRecord>, Infallible> {
        self.lookup();
        self.inner.user_by_external_id(s)
    }
    fn team(&self, id: TeamId) -> Result<Option<TeamRecord>, Infallible> {
        self.lookup();
        self.inner.team(id)
    }
    fn team_by_scim_id(&self, s: &str) -> Result<Option<TeamRecord>, Infallible> {
        self.lookup();
        self.inner.team_by_scim_id(s)
    }
    fn teams_by_name(&self, n: &str) -> Result<Vec<TeamRecord>, Infallible> {
        self.lookup();
        self.inner.teams_by_name(n)
    }
    fn built_in_team(&self, t: BuiltInTeam) -> Result<Option<TeamRecord>, Infallible> {
        self.lookup();
        self.inner.built_in_team(t)
    }
    fn duplicate_teams(&self) -> Result<Vec<TeamRecord>, Infallible> {
        self.listing();
        self.inner.duplicate_teams()
    }
    fn is_member(&self, t: TeamId, u: UserId) -> Result<bool, Infallible> {
        self.lookup();
        self.inner.is_member(t, u)
    }
    fn members(&self, t: TeamId) -> Result<Vec<UserId>, Infallible> {
        self.listing();
        self.inner.members(t)
    }
    fn pending_of_team(&self, t: TeamId) -> Result<Vec<String>, Infallible> {
        self.listing();
        self.inner.pending_of_team(t)
    }
    fn pending_for_member_ref(&self, r: &str) -> Result<Vec<PendingMembership>, Infallible> {
        self.lookup();
        self.inner.pending_for_member_ref(r)
    }
    fn all_pending(&self) -> Result<Vec<PendingMembership>, Infallible> {
        self.listing();
        self.inner.all_pending()
    }
}

/// A group of `size` members, and the (lookups, listings) of a PATCH adding one more.
fn cost_of_adding_one_member(size: usize) -> (usize, usize) {
    let mut org = scim_org();
    let members: Vec<String> = (0..size)
        .map(|i| org.provision(&format!("m{i}@corp.example")))
        .collect();
    let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let team = org.push_group("Big", &member_refs);
    let newcomer = org.provision("new@corp.example");
    let counting = Counting {
        inner: &org.mem,
        lookups: Cell::new(0),
        listings: Cell::new(0),
    };
    let command = Command::ScimPatchGroup {
        scim_id: team.scim_id.unwrap(),
        ops: vec![GroupPatchOp::AddMembers(vec![newcomer])],
    };
    let decision = decide(&counting, &command, org.now, &mut org.ids).unwrap();
    assert_eq!(decision.changes.len(), 1);
    (counting.lookups.get(), counting.listings.get())
}

// covers S2: a one-member PATCH is a handful of targeted lookups, whatever the group size
#[test]
fn adding_one_member_costs_the_same_in_a_small_and_a_large_group() {
    let small = cost_of_adding_one_member(3);
    let large = cost_of_adding_one_member(60);
    assert_eq!(small, large);
    assert_eq!(small.1, 0, "no listing of members");
}
