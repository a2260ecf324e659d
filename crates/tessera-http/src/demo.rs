//! The demo org `just run` starts with.

use crate::StartError;
use tessera_core::{Clock, Email, LoginMethod, OrgKind, Role, Source, UserStatus, WorkspaceName};
use tessera_store::{Actor, NewUser, Org, Store};

/// The demo org's workspace name.
pub const DEMO_ORG: &str = "demo";
/// The demo org's account admin.
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.example";

/// On an empty database, creates the demo org (production, SSO enabled) with an account
/// admin, prints a one-time link (under `public_url`) where the admin sets a password
/// on stderr (not in the log), and returns the org with that link; on a database that has any org, does nothing.
pub fn ensure_demo_org(
    store: &Store,
    clock: &dyn Clock,
    public_url: &str,
) -> Result<Option<(Org, String)>, StartError> {
    if store.has_orgs()? {
        return Ok(None);
    }
    let name = WorkspaceName::parse(DEMO_ORG).map_err(|e| StartError::Runtime(e.to_string()))?;
    let email = Email::parse(DEMO_ADMIN_EMAIL).map_err(|e| StartError::Runtime(e.to_string()))?;
    let actor = Actor::system();
    let now = clock.now();
    let org = store.create_org(&name, OrgKind::Production, &actor, now)?;
    let admin = store.create_user(
        org.id,
        &NewUser {
            email,
            given_name: Some("Demo".into()),
            family_name: Some("Admin".into()),
            status: UserStatus::Active,
            role: Role::AccountAdmin,
            login_method: LoginMethod::Password,
            created_by: Source::System,
        },
        &actor,
        now,
    )?;
    let org = store.set_sso_enabled(&name, true, &actor, now)?;
    let token = store.issue_invitation_link(org.id, admin.id, chrono::Duration::days(7), now)?;
    let link = format!("{}/invite/{token}", public_url.trim_end_matches('/'));
    tracing::info!(
        org = DEMO_ORG,
        admin = DEMO_ADMIN_EMAIL,
        "created the demo org; its admin's one-time link is on the console (a new one: \
         tessera-admin users invite-link demo admin@demo.example)"
    );
    // The link is a credential: straight to the operator's console, never the log stream.
    eprintln!("Demo admin {DEMO_ADMIN_EMAIL}: set a password at {link}");
    Ok(Some((org, link)))
}
