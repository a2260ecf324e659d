//! The Salesforce login rows of the port: started logins (a table, so every server
//! sharing the database can finish a flow another one started; taking one deletes it,
//! so exactly one caller gets it) and identity links. Rows only: expiry and browser
//! checks are the service's.

use super::transaction::SqlTransaction;
use crate::orgs::corrupt;
use crate::schema::{salesforce_links, salesforce_states};
use crate::time::{from_db, to_db};
use crate::{Result, Store, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tessera_core::{TokenHash, UserId};
use tessera_service::login::salesforce::{SalesforceLink, SalesforceState};

/// Stores a started login, purging the expired ones first.
pub(super) fn save_state(store: &Store, state: &SalesforceState) -> Result<()> {
    store.in_write_transaction(|conn| {
        diesel::delete(
            salesforce_states::table
                .filter(salesforce_states::expires_at.le(to_db(state.created_at))),
        )
        .execute(conn)?;
        diesel::insert_into(salesforce_states::table)
            .values((
                salesforce_states::state_hash.eq(state.state_hash.as_str()),
                salesforce_states::org_id.eq(state.org.to_string()),
                salesforce_states::environment.eq(state.environment.as_str()),
                salesforce_states::nonce.eq(&state.nonce),
                salesforce_states::pkce_verifier.eq(&state.pkce_verifier),
                salesforce_states::next.eq(&state.next),
                salesforce_states::browser_hash.eq(state.browser_hash.as_str()),
                salesforce_states::created_at.eq(to_db(state.created_at)),
                salesforce_states::expires_at.eq(to_db(state.expires_at)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

type StateRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
);

/// Deletes the started login and answers it, when this call deleted it.
pub(super) fn take_state(store: &Store, hash: &TokenHash) -> Result<Option<SalesforceState>> {
    store.in_write_transaction(|conn| {
        let row: Option<StateRow> = salesforce_states::table
            .filter(salesforce_states::state_hash.eq(hash.as_str()))
            .select((
                salesforce_states::org_id,
                salesforce_states::environment,
                salesforce_states::nonce,
                salesforce_states::pkce_verifier,
                salesforce_states::next,
                salesforce_states::browser_hash,
                salesforce_states::created_at,
                salesforce_states::expires_at,
            ))
            .first(conn)
            .optional()?;
        let Some((org, environment, nonce, pkce_verifier, next, browser, created, expires)) = row
        else {
            return Ok(None);
        };
        let taken = diesel::delete(
            salesforce_states::table.filter(salesforce_states::state_hash.eq(hash.as_str())),
        )
        .execute(conn)?;
        if taken != 1 {
            return Ok(None);
        }
        Ok(Some(SalesforceState {
            state_hash: hash.clone(),
            org: org.parse().map_err(corrupt("salesforce_states.org_id"))?,
            environment: environment
                .parse()
                .map_err(corrupt("salesforce_states.environment"))?,
            nonce,
            pkce_verifier,
            next,
            browser_hash: TokenHash::from_stored(browser),
            created_at: from_db(created),
            expires_at: from_db(expires),
        }))
    })
}

impl SqlTransaction<'_> {
    pub(super) fn salesforce_link(&self, org_id: &str, user_id: &str) -> Result<Option<UserId>> {
        let found: Option<String> = salesforce_links::table
            .filter(salesforce_links::org_id.eq(self.org()))
            .filter(salesforce_links::salesforce_org_id.eq(org_id))
            .filter(salesforce_links::salesforce_user_id.eq(user_id))
            .select(salesforce_links::user_id)
            .first(&mut **self.conn())
            .optional()?;
        found
            .map(|id| id.parse().map_err(corrupt("salesforce_links.user_id")))
            .transpose()
    }

    pub(super) fn has_salesforce_link(&self, user: UserId) -> Result<bool> {
        let count: i64 = salesforce_links::table
            .filter(salesforce_links::org_id.eq(self.org()))
            .filter(salesforce_links::user_id.eq(user.to_string()))
            .count()
            .get_result(&mut **self.conn())?;
        Ok(count > 0)
    }

    pub(super) fn insert_salesforce_link(&self, link: &SalesforceLink) -> Result<()> {
        diesel::insert_into(salesforce_links::table)
            .values((
                salesforce_links::user_id.eq(link.user.to_string()),
                salesforce_links::org_id.eq(self.org()),
                salesforce_links::salesforce_org_id.eq(&link.salesforce_org_id),
                salesforce_links::salesforce_user_id.eq(&link.salesforce_user_id),
                salesforce_links::environment.eq(link.environment.as_str()),
                salesforce_links::linked_at.eq(to_db(link.linked_at)),
            ))
            .execute(&mut **self.conn())
            .map_err(StoreError::from)?;
        Ok(())
    }
}
