//! Row counts that show whether a flood of refused requests wrote anything (the abuse
//! suite under `bench/abuse` reads them between scenarios).

use crate::schema::saml_requests;
use crate::{Result, Store};
use diesel::prelude::*;
use tessera_core::OrgId;

impl Store {
    /// How many AuthnRequest rows the org has, expired or not.
    pub fn saml_request_rows(&self, org_id: OrgId) -> Result<u64> {
        let rows: i64 = saml_requests::table
            .filter(saml_requests::org_id.eq(org_id.to_string()))
            .count()
            .get_result(&mut *self.conn()?)?;
        Ok(u64::try_from(rows).unwrap_or(0))
    }
}
