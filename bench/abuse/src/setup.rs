//! The two orgs, written straight into the database before the server starts: the
//! attacked org A (mid-walkthrough, so a mapping sheet upload is still parsed) and the
//! bystander org B (connected). Both are production, SSO-enabled, in SCIM mode.

use crate::Sizes;
use anyhow::Context;
use chrono::Duration;
use tessera_core::{
    Clock, ConnectionMode, Email, LoginMethod, OrgId, OrgKind, Role, Source, SystemClock, UserName,
    UserStatus, WorkspaceName, hash_password,
};
use tessera_policy::{Actor as PolicyActor, Command, ProvisionedUser};
use tessera_store::{Actor, IdpDetails, NewUser, SessionKind, Store};

/// The IdP signing certificate both orgs pin (the test IdP's).
const IDP_CERTIFICATE: &str = include_str!("../../../fixtures/saml/keys/idp.crt");
/// The password of every seeded password account (never the one the attacks try).
const PASSWORD: &str = "correct horse battery staple";

/// The attacked org.
pub const ATTACKED: &str = "attacked";
/// The bystander org.
pub const BYSTANDER: &str = "bystander";

/// One seeded org and its credentials.
pub struct SeededOrg {
    /// Its id.
    pub id: OrgId,
    /// Its workspace name.
    pub name: String,
    /// Its SCIM bearer token.
    pub scim_token: String,
}

/// Everything the attacks need.
pub struct Seeded {
    /// Org A.
    pub attacked: SeededOrg,
    /// Org B.
    pub bystander: SeededOrg,
    /// Org A's account admin's API token.
    pub admin_token: String,
    /// A web session cookie value of org A's account admin.
    pub admin_session: String,
    /// A web session cookie value of org A's viewer (not an admin).
    pub viewer_session: String,
    /// Org A's password accounts the brute-force attack aims at.
    pub password_accounts: Vec<String>,
}

fn user(email: &str, role: Role) -> anyhow::Result<NewUser> {
    Ok(NewUser {
        email: Email::parse(email).context("seed email")?,
        given_name: None,
        family_name: None,
        status: UserStatus::Active,
        role,
        login_method: LoginMethod::Password,
        created_by: Source::Cli,
    })
}

/// Creates org `name` through the walkthrough up to its SCIM token; `connect` finishes it.
fn org(store: &Store, name: &str, connect: bool) -> anyhow::Result<SeededOrg> {
    let now = SystemClock.now();
    let ws = WorkspaceName::parse(name).context("workspace name")?;
    let org = store.create_org(&ws, OrgKind::Production, &Actor::operator(), now)?;
    store.set_sso_enabled(&ws, true, &Actor::operator(), now)?;
    let by = PolicyActor::Operator;
    store.set_connection_mode(org.id, ConnectionMode::Scim, by, now)?;
    let sheet = store.export_mapping(org.id, by, now)?;
    store.import_mapping(org.id, &sheet.file_name, &sheet.bytes, false, by, now)?;
    let idp = IdpDetails::from_parts(
        &format!("https://idp.abuse.invalid/{name}"),
        &format!("https://idp.abuse.invalid/{name}/sso"),
        IDP_CERTIFICATE,
        now,
    )?;
    store.set_idp(org.id, &idp, by, now)?;
    let scim_token = store.issue_connection_scim_token(org.id, by, now)?;
    if connect {
        store.complete_connection(org.id, by, now)?;
    }
    Ok(SeededOrg {
        id: org.id,
        name: name.to_owned(),
        scim_token,
    })
}

/// Creates an account in `org` and returns a web session (cookie value) for it.
fn signed_in(store: &Store, org: OrgId, email: &str, role: Role) -> anyhow::Result<String> {
    let now = SystemClock.now();
    let account = store.create_user(org, &user(email, role)?, &Actor::operator(), now)?;
    Ok(store.create_session(org, account.id, SessionKind::Web, Duration::days(1), now)?)
}

/// Provisions `count` users into `org` as its IdP would over SCIM (all with the family
/// name `User N`, which only an unindexed filter finds).
fn scim_users(store: &Store, org: &SeededOrg, count: usize) -> anyhow::Result<()> {
    for i in 0..count {
        let email = format!("user{i}@{}.example", org.name);
        let mut user = ProvisionedUser::new(UserName::parse(&email).context("user name")?);
        user.email = Some(Email::parse(&email).context("email")?);
        user.given_name = Some("Seeded".into());
        user.family_name = Some(format!("User {i}"));
        user.external_id = Some(format!("ext-{i}"));
        store.execute(org.id, &Command::ScimCreateUser(user), SystemClock.now())?;
    }
    Ok(())
}

/// Seeds both orgs on `database_url`: org A with `sizes.attacked_users` SCIM users and
/// `sizes.password_accounts` password accounts, org B with `sizes.bystander_users`.
pub fn seed(database_url: &str, sizes: &Sizes) -> anyhow::Result<Seeded> {
    let password_accounts = sizes.password_accounts;
    let store = Store::open(database_url).context("open the database")?;
    let now = SystemClock.now();
    let operator = Actor::operator();
    let attacked = org(&store, ATTACKED, false)?;
    let bystander = org(&store, BYSTANDER, true)?;
    let admin_email = format!("admin@{ATTACKED}.example");
    let admin_session = signed_in(&store, attacked.id, &admin_email, Role::AccountAdmin)?;
    let admin_token = store.issue_admin_token(
        attacked.id,
        &Email::parse(&admin_email).context("admin email")?,
        &operator,
        now,
    )?;
    let viewer_email = format!("viewer@{ATTACKED}.example");
    let viewer_session = signed_in(&store, attacked.id, &viewer_email, Role::Viewer)?;
    let hash = hash_password(PASSWORD).context("hash the seed password")?;
    let mut victims = Vec::with_capacity(password_accounts);
    for i in 0..password_accounts {
        let email = format!("victim{i}@{ATTACKED}.example");
        let victim =
            store.create_user(attacked.id, &user(&email, Role::Viewer)?, &operator, now)?;
        store.set_password_hash(attacked.id, victim.id, &hash, now)?;
        victims.push(email);
    }
    scim_users(&store, &attacked, sizes.attacked_users)?;
    scim_users(&store, &bystander, sizes.bystander_users)?;
    Ok(Seeded {
        attacked,
        bystander,
        admin_token,
        admin_session,
        viewer_session,
        password_accounts: victims,
    })
}
