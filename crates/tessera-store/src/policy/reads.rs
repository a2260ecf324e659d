//! Read-only questions answered by the policy engine over the store.

use super::execute::ExecuteError;
use super::view::TransactionView;
use crate::Store;
use crate::schema::mapping_exports;
use diesel::prelude::*;
use tessera_core::{Email, OrgId};
use tessera_policy::{LoginRoute, MappingLink, MergeStep, PolicyError, login_route, plan_merge};

impl Store {
    /// What the T2 merge of duplicate teams would move (its dry run).
    pub fn plan_merge(&self, org_id: OrgId) -> Result<Vec<MergeStep>, ExecuteError> {
        let mut conn = self.conn().map_err(PolicyError::Port)?;
        plan_merge(&TransactionView::new(&mut conn, org_id))
    }

    /// How an email may log in to the org (L2, L3).
    pub fn login_route(&self, org_id: OrgId, email: &Email) -> Result<LoginRoute, ExecuteError> {
        let mut conn = self.conn().map_err(PolicyError::Port)?;
        login_route(&TransactionView::new(&mut conn, org_id), email)
    }

    /// The links of the org's last valid mapping-sheet upload, re-applied by a manual
    /// sync (S3); empty when none was uploaded.
    pub fn latest_mapping_links(&self, org_id: OrgId) -> Result<Vec<MappingLink>, ExecuteError> {
        let mut conn = self.conn().map_err(PolicyError::Port)?;
        let links: Option<Option<String>> = mapping_exports::table
            .filter(mapping_exports::org_id.eq(org_id.to_string()))
            .filter(mapping_exports::links.is_not_null())
            .order(mapping_exports::uploaded_at.desc())
            .select(mapping_exports::links)
            .first(&mut *conn)
            .optional()
            .map_err(|e| PolicyError::Port(e.into()))?;
        match links.flatten() {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                PolicyError::Port(crate::StoreError::Database(
                    diesel::result::Error::DeserializationError(Box::new(e)),
                ))
            }),
            None => Ok(Vec::new()),
        }
    }
}
