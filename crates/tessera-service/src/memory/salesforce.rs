//! Salesforce login rows of the in-memory backend: started logins (kept with the org
//! they belong to, found by their hash across orgs) and identity links.

use super::{MemoryStorage, OrgData, no_org};
use crate::error::StorageError;
use crate::login::salesforce::{SalesforceLink, SalesforceState};
use tessera_core::{TokenHash, UserId};

/// One org's started Salesforce logins and links.
#[derive(Debug, Clone, Default)]
pub(crate) struct SalesforceData {
    states: Vec<SalesforceState>,
    links: Vec<SalesforceLink>,
}

impl SalesforceData {
    pub(crate) fn link(&self, org_id: &str, user_id: &str) -> Option<UserId> {
        self.links
            .iter()
            .find(|l| l.salesforce_org_id == org_id && l.salesforce_user_id == user_id)
            .map(|l| l.user)
    }

    pub(crate) fn has_link(&self, user: UserId) -> bool {
        self.links.iter().any(|l| l.user == user)
    }

    pub(crate) fn insert_link(&mut self, link: &SalesforceLink) -> Result<(), StorageError> {
        let clash = self.has_link(link.user)
            || self
                .link(&link.salesforce_org_id, &link.salesforce_user_id)
                .is_some();
        if clash {
            return Err(StorageError::Conflict);
        }
        self.links.push(link.clone());
        Ok(())
    }
}

impl MemoryStorage {
    pub(crate) fn save_state(&self, state: &SalesforceState) -> Result<(), StorageError> {
        let mut orgs = self.lock();
        for data in orgs.values_mut() {
            data.salesforce
                .states
                .retain(|kept| kept.expires_at > state.created_at);
        }
        let data: &mut OrgData = orgs
            .get_mut(&state.org)
            .ok_or_else(|| StorageError::Internal(no_org(state.org).message))?;
        data.salesforce.states.push(state.clone());
        Ok(())
    }

    pub(crate) fn take_state(&self, hash: &TokenHash) -> Option<SalesforceState> {
        let mut orgs = self.lock();
        orgs.values_mut().find_map(|data| {
            let states = &mut data.salesforce.states;
            let at = states.iter().position(|kept| &kept.state_hash == hash)?;
            Some(states.remove(at))
        })
    }
}
