//! Both SQL backends keep the services' storage contract (`tessera_service::contract`),
//! the suite the in-memory backend passes too.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tessera_core::{OrgId, OrgKind, WorkspaceName};
use tessera_service::Storage;
use tessera_service::contract::{Backend, run};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, Store};

struct Sql(Store);

impl Backend for Sql {
    fn storage(&self) -> Arc<dyn Storage> {
        Arc::new(self.0.clone())
    }

    fn scim_org(&self, workspace: &WorkspaceName, now: DateTime<Utc>) -> (OrgId, String) {
        let org = self.walkthrough_org(workspace, now);
        let token = self
            .0
            .issue_scim_token(org, &Actor::operator(), now)
            .unwrap();
        (org, token)
    }

    fn walkthrough_org(&self, workspace: &WorkspaceName, now: DateTime<Utc>) -> OrgId {
        let operator = Actor::operator();
        let org = self
            .0
            .create_org(workspace, OrgKind::Production, &operator, now)
            .unwrap();
        self.0
            .set_sso_enabled(workspace, true, &operator, now)
            .unwrap();
        org.id
    }
}

#[test]
fn both_sql_backends_keep_the_services_contract() {
    for db in TestDatabase::all() {
        run(&Sql(db.open()));
    }
}
