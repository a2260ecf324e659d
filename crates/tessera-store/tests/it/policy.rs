//! The store applies policy decisions exactly as the engine's in-memory reference does,
//! on both backends, and a refused command writes nothing.

use crate::{t0, ws};
use std::collections::BTreeSet;
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgKind, Role, Source, UserName, UserStatus,
};
use tessera_policy::memory::MemoryOrg;
use tessera_policy::{
    Actor as PolicyActor, Change, Command, Decision, GroupPatchOp, OrgRecord, PolicyError,
    ProvisionedGroup, ProvisionedUser, RandomIds, TeamRecord, UserPatch, UserRecord, decide,
};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, AuditFilter, NewUser, Store, TeamKind, UserFilter};

/// Where a scenario runs: the real store or the in-memory reference.
trait World {
    fn run(&mut self, command: &Command) -> Result<Decision, String>;
    fn users(&self) -> BTreeSet<(String, UserStatus, Role, LoginMethod, bool)>;
    fn teams(&self) -> BTreeSet<(String, &'static str, bool, usize)>;
}

struct StoreWorld {
    store: Store,
    org: tessera_core::OrgId,
}

impl World for StoreWorld {
    fn run(&mut self, command: &Command) -> Result<Decision, String> {
        self.store
            .execute(self.org, command, t0())
            .map_err(|e| e.to_string())
    }
    fn users(&self) -> BTreeSet<(String, UserStatus, Role, LoginMethod, bool)> {
        let filter = UserFilter::default();
        self.store
            .users(self.org, &filter)
            .unwrap()
            .into_iter()
            .map(|u| {
                (
                    u.email.normalized().to_owned(),
                    u.status,
                    u.role,
                    u.login_method,
                    u.scim_managed,
                )
            })
            .collect()
    }
    fn teams(&self) -> BTreeSet<(String, &'static str, bool, usize)> {
        self.store
            .teams(self.org)
            .unwrap()
            .into_iter()
            .map(|t| {
                let kind = match t.kind {
                    TeamKind::AllUsers | TeamKind::AccountAdmins => "built_in",
                    TeamKind::Local => "local",
                    TeamKind::IdpManaged => "idp",
                };
                (t.name, kind, t.duplicate, t.members as usize)
            })
            .collect()
    }
}

struct MemoryWorld(MemoryOrg);

impl World for MemoryWorld {
    fn run(&mut self, command: &Command) -> Result<Decision, String> {
        let decision = decide(&self.0, command, t0(), &mut RandomIds).map_err(|e| e.to_string())?;
        self.0.apply(&decision).map_err(|e| e.to_string())?;
        Ok(decision)
    }
    fn users(&self) -> BTreeSet<(String, UserStatus, Role, LoginMethod, bool)> {
        self.0
            .users()
            .map(|u| {
                (
                    u.email.normalized().to_owned(),
                    u.status,
                    u.role,
                    u.login_method,
                    u.is_scim_managed(),
                )
            })
            .collect()
    }
    fn teams(&self) -> BTreeSet<(String, &'static str, bool, usize)> {
        self.0
            .teams()
            .map(|t: &TeamRecord| {
                let kind = match (t.built_in, t.idp_managed) {
                    (Some(_), _) => "built_in",
                    (None, true) => "idp",
                    (None, false) => "local",
                };
                let members = self.0.memberships().filter(|m| m.team == t.id).count();
                (t.name.clone(), kind, t.duplicate, members)
            })
            .collect()
    }
}

fn provisioned(address: &str) -> ProvisionedUser {
    ProvisionedUser {
        email: Some(Email::parse(address).unwrap()),
        ..ProvisionedUser::new(UserName::parse(address).unwrap())
    }
}

fn inserted_user(decision: &Decision) -> UserRecord {
    decision
        .changes
        .iter()
        .find_map(|c| match c {
            Change::InsertUser(user) => Some(user.clone()),
            _ => None,
        })
        .unwrap()
}

fn inserted_team(decision: &Decision) -> TeamRecord {
    decision
        .changes
        .iter()
        .find_map(|c| match c {
            Change::InsertTeam(team) => Some(team.clone()),
            _ => None,
        })
        .unwrap()
}

/// The same story in any world; returns the refusals it met, in order.
fn scenario(world: &mut dyn World, admin: tessera_core::UserId) -> Vec<String> {
    let by = PolicyActor::User(admin);
    let mut refusals = Vec::new();
    let mut refuse = |result: Result<Decision, String>| refusals.push(result.unwrap_err());

    world
        .run(&Command::CreateTeam {
            by,
            name: "Marketing".into(),
            description: String::new(),
        })
        .unwrap();
    world
        .run(&Command::CompleteConnection {
            by,
            mode: ConnectionMode::Scim,
        })
        .unwrap();
    let ada = inserted_user(
        &world
            .run(&Command::ScimCreateUser(provisioned("ada@acme.example")))
            .unwrap(),
    );
    let bob = inserted_user(
        &world
            .run(&Command::ScimCreateUser(provisioned("bob@acme.example")))
            .unwrap(),
    );
    let ada_ref = ada.scim_id.clone().unwrap();
    let bob_ref = bob.scim_id.clone().unwrap();
    let sales = inserted_team(
        &world
            .run(&Command::ScimCreateGroup(ProvisionedGroup {
                display_name: "Sales".into(),
                external_id: Some("g-1".into()),
                members: vec![ada_ref.clone(), "not-pushed-yet".into()],
            }))
            .unwrap(),
    );
    let sales_ref = sales.scim_id.clone().unwrap();
    world
        .run(&Command::ScimCreateGroup(ProvisionedGroup {
            display_name: "Marketing".into(),
            external_id: None,
            members: vec![bob_ref.clone()],
        }))
        .unwrap();
    world
        .run(&Command::ScimPatchGroup {
            scim_id: sales_ref.clone(),
            ops: vec![
                GroupPatchOp::AddMembers(vec![bob_ref.clone()]),
                GroupPatchOp::Rename("Sales EMEA".into()),
            ],
        })
        .unwrap();
    world
        .run(&Command::SetRole {
            by,
            user: ada.id,
            role: Role::Expert,
        })
        .unwrap();
    world
        .run(&Command::ScimPatchUser {
            scim_id: bob_ref.clone(),
            patch: UserPatch {
                active: Some(false),
                ..UserPatch::default()
            },
        })
        .unwrap();
    refuse(world.run(&Command::DeactivateUser { by, user: ada.id }));
    refuse(world.run(&Command::RenameTeam {
        by,
        team: sales.id,
        name: "Renamed".into(),
    }));
    refuse(world.run(&Command::ScimCreateGroup(ProvisionedGroup {
        display_name: "all users".into(),
        external_id: None,
        members: vec![],
    })));
    world
        .run(&Command::MergeDuplicateTeams {
            by: PolicyActor::Operator,
        })
        .unwrap();
    world
        .run(&Command::ScimDeleteGroup { scim_id: sales_ref })
        .unwrap();
    world
        .run(&Command::ScimDeleteUser { scim_id: ada_ref })
        .unwrap();
    refusals
}

fn admin_record(store_user: &tessera_store::User) -> UserRecord {
    UserRecord {
        id: store_user.id,
        email: store_user.email.clone(),
        given_name: None,
        family_name: None,
        display_name: None,
        status: UserStatus::Active,
        role: Role::AccountAdmin,
        login_method: LoginMethod::Password,
        idp_email: None,
        scim_id: None,
        scim_user_name: None,
        external_id: None,
        scim_attributes: None,
        created_by: Source::Cli,
        created_at: t0(),
        updated_at: t0(),
        first_login_at: Some(t0()),
        deactivated_at: None,
        version: 1,
    }
}

// covers U2, U5, U6, T1, T2, T3, T4, T7, S3
#[test]
fn the_store_applies_decisions_like_the_in_memory_reference() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        let admin = store
            .create_user(
                org.id,
                &NewUser {
                    email: Email::parse("admin@acme.example").unwrap(),
                    given_name: None,
                    family_name: None,
                    status: UserStatus::Active,
                    role: Role::AccountAdmin,
                    login_method: LoginMethod::Password,
                    created_by: Source::Cli,
                },
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        let mut memory = MemoryOrg::new(
            OrgRecord {
                id: org.id,
                kind: OrgKind::Production,
                connection_mode: None,
                connected_at: None,
                salesforce_profile_import: true,
                salesforce_invitations: true,
            },
            t0(),
            &mut RandomIds,
        );
        memory.seed_user(admin_record(&admin)).unwrap();
        let mut memory = MemoryWorld(memory);
        let mut real = StoreWorld {
            store: store.clone(),
            org: org.id,
        };

        let expected_refusals = scenario(&mut memory, admin.id);
        let refusals = scenario(&mut real, admin.id);
        assert_eq!(refusals, expected_refusals, "{:?}", db.backend);
        assert!(refusals[0].starts_with("U5: "), "{refusals:?}");
        assert!(refusals[1].starts_with("T4: "), "{refusals:?}");
        assert!(refusals[2].starts_with("T1: "), "{refusals:?}");
        assert_eq!(real.users(), memory.users(), "{:?}", db.backend);
        assert_eq!(real.teams(), memory.teams(), "{:?}", db.backend);
        assert!(memory.0.invariant_violations().is_empty());

        // S4: the decisions' audit entries are in the store's log.
        let audit = store
            .audit(
                org.id,
                &AuditFilter {
                    source: Some(Source::Scim),
                    limit: 1000,
                    ..AuditFilter::default()
                },
            )
            .unwrap();
        assert!(
            audit.iter().any(|e| e.action == "user.created"),
            "{audit:?}"
        );
        // U2: each SCIM-created user got an invitation.
        assert_eq!(memory.0.invitations().len(), 2);
    }
}

// covers T4
#[test]
fn a_refused_command_writes_nothing() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        let before = store.audit(org.id, &AuditFilter::default()).unwrap().len();
        let err = store
            .execute(
                org.id,
                &Command::ScimCreateGroup(ProvisionedGroup {
                    display_name: "Account Admins".into(),
                    external_id: None,
                    members: vec![],
                }),
                t0(),
            )
            .unwrap_err();
        assert!(matches!(err, PolicyError::BuiltInTeamName { .. }), "{err}");
        assert_eq!(store.teams(org.id).unwrap().len(), 2);
        assert_eq!(
            store.audit(org.id, &AuditFilter::default()).unwrap().len(),
            before
        );
    }
}

#[test]
fn concurrent_scim_creates_of_one_user_name_give_one_account() {
    for db in TestDatabase::all() {
        let store = db.open();
        let org = store
            .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
            .unwrap();
        let results: Vec<_> = (0..6)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.execute(
                        org.id,
                        &Command::ScimCreateUser(provisioned("race@acme.example")),
                        t0(),
                    )
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{:?}",
            db.backend
        );
        for result in results.iter().filter(|r| r.is_err()) {
            let err = result.as_ref().unwrap_err();
            assert!(
                matches!(
                    err,
                    PolicyError::UserNameTaken { .. } | PolicyError::EmailTaken { .. }
                ),
                "{err}"
            );
        }
        assert_eq!(
            store.users(org.id, &UserFilter::default()).unwrap().len(),
            1
        );
    }
}

#[test]
fn a_new_org_has_nothing_to_merge() {
    let db = TestDatabase::sqlite().unwrap();
    let store = db.open();
    let org = store
        .create_org(&ws("acme"), OrgKind::Production, &Actor::operator(), t0())
        .unwrap();
    assert!(
        store.plan_merge(org.id).unwrap().is_empty(),
        "no duplicates, nothing to merge"
    );
}
