//! The in-memory backend keeps the services' storage contract
//! (`tessera_service::contract`); `tessera-store`'s tests run the same suite on
//! SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // test code fails loudly

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tessera_core::{OrgId, OrgKind, WorkspaceName};
use tessera_service::Storage;
use tessera_service::contract::{Backend, run};
use tessera_service::memory::{MemoryStorage, NewOrg};

struct Memory(Arc<MemoryStorage>);

impl Backend for Memory {
    fn storage(&self) -> Arc<dyn Storage> {
        self.0.clone()
    }

    fn scim_org(&self, workspace: &WorkspaceName, now: DateTime<Utc>) -> (OrgId, String) {
        let new = NewOrg::connected_for_scim(workspace.clone(), now);
        let org = self.0.create_org(new, now).unwrap();
        let token = format!("scim-token-{}", workspace.as_str());
        self.0.add_scim_token(org, &token).unwrap();
        (org, token)
    }

    fn walkthrough_org(&self, workspace: &WorkspaceName, now: DateTime<Utc>) -> OrgId {
        let new = NewOrg {
            workspace: workspace.clone(),
            kind: OrgKind::Production,
            sso_enabled: true,
            connection_mode: None,
            connected_at: None,
        };
        self.0.create_org(new, now).unwrap()
    }
}

#[test]
fn the_in_memory_backend_keeps_the_contract() {
    run(&Memory(Arc::new(MemoryStorage::new())));
}
