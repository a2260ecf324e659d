//! A small org in memory, and one-line builders for commands.

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::convert::Infallible;
use tessera_core::{
    ConnectionMode, Email, LoginMethod, OrgId, OrgKind, Role, Source, TeamId, UserId, UserName,
    UserStatus,
};
use tessera_policy::memory::MemoryOrg;
use tessera_policy::{
    Actor, BuiltInTeam, Command, Decision, OrgRecord, OrgView, PolicyError, ProvisionedGroup,
    ProvisionedUser, SequentialIds, TeamRecord, UserRecord, decide,
};

pub type Error = PolicyError<Infallible>;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap()
}

pub fn email(text: &str) -> Email {
    Email::parse(text).unwrap()
}

pub fn user_name(text: &str) -> UserName {
    UserName::parse(text).unwrap()
}

/// An active SCIM user whose userName is its email.
pub fn provisioned(address: &str) -> ProvisionedUser {
    ProvisionedUser {
        email: Some(email(address)),
        ..ProvisionedUser::new(user_name(address))
    }
}

pub fn group(name: &str, members: &[&str]) -> ProvisionedGroup {
    ProvisionedGroup {
        display_name: name.to_owned(),
        external_id: None,
        members: members.iter().map(|m| (*m).to_owned()).collect(),
    }
}

/// Whether the decision ends the user's sessions.
pub fn revokes(decision: &Decision, user: UserId) -> bool {
    decision
        .changes
        .iter()
        .any(|c| matches!(c, tessera_policy::Change::RevokeSessions { user: u, .. } if *u == user))
}

pub fn refs(members: &[&str]) -> Vec<String> {
    members.iter().map(|m| (*m).to_owned()).collect()
}

/// An org in memory with one account admin (`admin@corp.example`, password, created
/// before the connection); connected in `mode` a day after `t0` when given.
pub struct Org {
    pub mem: MemoryOrg,
    pub ids: SequentialIds,
    pub now: DateTime<Utc>,
    pub admin: UserId,
}

impl Org {
    pub fn new(mode: Option<ConnectionMode>) -> Self {
        Self::with_kind(OrgKind::Production, mode)
    }

    pub fn with_kind(kind: OrgKind, mode: Option<ConnectionMode>) -> Self {
        let mut ids = SequentialIds::starting_at(1);
        let org = OrgRecord {
            id: OrgId::random(),
            kind,
            connection_mode: mode,
            connected_at: mode.map(|_| t0() + Duration::days(1)),
            salesforce_profile_import: mode.is_none(),
            salesforce_invitations: mode.is_none(),
        };
        let mem = MemoryOrg::new(org, t0(), &mut ids);
        let mut org = Self {
            mem,
            ids,
            now: t0() + Duration::days(2),
            admin: UserId::random(),
        };
        org.admin = org.seed(
            "admin@corp.example",
            LoginMethod::Password,
            Role::AccountAdmin,
        );
        org
    }

    /// An account that existed before the connection, active.
    pub fn seed(&mut self, address: &str, login_method: LoginMethod, role: Role) -> UserId {
        let id = UserId::random();
        self.mem
            .seed_user(UserRecord {
                id,
                email: email(address),
                given_name: None,
                family_name: None,
                display_name: None,
                status: UserStatus::Active,
                role,
                login_method,
                idp_email: None,
                scim_id: None,
                scim_user_name: None,
                external_id: None,
                scim_attributes: None,
                created_by: Source::System,
                created_at: t0(),
                updated_at: t0(),
                first_login_at: Some(t0()),
                deactivated_at: None,
                version: 1,
            })
            .unwrap();
        id
    }

    pub fn by(&self) -> Actor {
        Actor::User(self.admin)
    }

    /// Decides without applying.
    pub fn decide(&mut self, command: &Command) -> Result<Decision, Error> {
        decide(&self.mem, command, self.now, &mut self.ids)
    }

    /// Decides and applies; the store constraints and the invariants must hold after.
    pub fn run(&mut self, command: Command) -> Result<Decision, Error> {
        let decision = self.decide(&command)?;
        self.mem.apply(&decision).unwrap();
        let problems = self.mem.invariant_violations();
        assert!(problems.is_empty(), "after {command:?}: {problems:?}");
        self.now += Duration::minutes(1);
        Ok(decision)
    }

    /// Runs a command that must succeed.
    pub fn ok(&mut self, command: Command) -> Decision {
        let text = format!("{command:?}");
        self.run(command)
            .unwrap_or_else(|error| panic!("{text} refused: {error}"))
    }

    /// Runs a command that must be refused under `rule`; nothing changes.
    pub fn refused(&mut self, command: Command, rule: &str) -> Error {
        let before = format!("{:?}", self.mem);
        let error = self.run(command).expect_err("expected a refusal");
        assert_eq!(error.rule(), Some(rule), "{error}");
        assert!(
            error.to_string().starts_with(&format!("{rule}: ")),
            "{error}"
        );
        assert_eq!(before, format!("{:?}", self.mem));
        error
    }

    pub fn user(&self, id: UserId) -> UserRecord {
        self.mem.user(id).unwrap().unwrap()
    }

    pub fn user_by_email(&self, address: &str) -> UserRecord {
        self.mem.user_by_email(&email(address)).unwrap().unwrap()
    }

    pub fn scim_user(&self, address: &str) -> UserRecord {
        self.mem
            .user_by_scim_user_name(&user_name(address))
            .unwrap()
            .unwrap()
    }

    pub fn scim_id(&self, address: &str) -> String {
        self.scim_user(address).scim_id.unwrap()
    }

    /// Provisions an active SCIM user and returns its SCIM id.
    pub fn provision(&mut self, address: &str) -> String {
        self.ok(Command::ScimCreateUser(provisioned(address)));
        self.scim_id(address)
    }

    /// Creates an IdP group and returns the team.
    pub fn push_group(&mut self, name: &str, members: &[&str]) -> TeamRecord {
        self.ok(Command::ScimCreateGroup(group(name, members)));
        self.idp_team(name)
    }

    pub fn local_team(&mut self, name: &str) -> TeamRecord {
        self.ok(Command::CreateTeam {
            by: self.by(),
            name: name.to_owned(),
            description: String::new(),
        });
        self.teams_named(name)
            .into_iter()
            .find(|t| !t.idp_managed)
            .unwrap()
    }

    pub fn teams_named(&self, name: &str) -> Vec<TeamRecord> {
        self.mem.teams_by_name(name).unwrap()
    }

    pub fn idp_team(&self, name: &str) -> TeamRecord {
        self.teams_named(name)
            .into_iter()
            .find(|t| t.idp_managed)
            .unwrap()
    }

    pub fn team(&self, id: TeamId) -> TeamRecord {
        self.mem.team(id).unwrap().unwrap()
    }

    pub fn built_in(&self, team: BuiltInTeam) -> TeamRecord {
        self.mem.built_in_team(team).unwrap().unwrap()
    }

    pub fn is_member(&self, team: TeamId, user: UserId) -> bool {
        self.mem.is_member(team, user).unwrap()
    }

    pub fn members(&self, team: TeamId) -> Vec<UserId> {
        self.mem.members(team).unwrap()
    }

    pub fn pending(&self, team: TeamId) -> Vec<String> {
        self.mem.pending_of_team(team).unwrap()
    }
}
