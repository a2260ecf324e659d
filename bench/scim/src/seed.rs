//! An org and its SCIM token, written straight into the database.

use anyhow::Context;
use tessera_core::{Clock, OrgKind, SystemClock, WorkspaceName};
use tessera_store::{Actor, Store, StoreError};

/// Opens (and migrates) `database_url`, creates the production org `workspace` unless it
/// exists, switches its SSO/SCIM gate on (W3) and issues a fresh SCIM token for it
/// (rotating any earlier one).
pub fn seed_org(database_url: &str, workspace: &str) -> anyhow::Result<String> {
    let store = Store::open(database_url).context("open the database")?;
    let name = WorkspaceName::parse(workspace).context("workspace name")?;
    let now = SystemClock.now();
    let org = match store.org(&name) {
        Ok(org) => org,
        Err(StoreError::OrgNotFound { .. }) => {
            store.create_org(&name, OrgKind::Production, &Actor::operator(), now)?
        }
        Err(error) => return Err(error.into()),
    };
    store.set_sso_enabled(&name, true, &Actor::operator(), now)?;
    Ok(store.issue_scim_token(org.id, &Actor::operator(), now)?)
}
