//! SAML login state of one in-memory org: its login options, outstanding
//! AuthnRequests and consumed assertion ids. The IdP connection itself is the Connect
//! walkthrough's row, as in SQL, so an org connected through the walkthrough logs in.

use super::{MemoryStorage, no_org};
use crate::connect::records::IdpConnectionRecord;
use crate::error::ServiceResult;
use crate::login::{IdpSettings, SavedRequest, StoredRequest};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use tessera_core::OrgId;

/// One org's SAML login state.
#[derive(Debug, Clone, Default)]
pub(crate) struct SamlData {
    /// The login options (attribute names, IdP-initiated, SHA-1) last set with
    /// [`MemoryStorage::set_idp_settings`]; the defaults otherwise.
    options: Option<IdpSettings>,
    /// Outstanding requests, oldest first.
    requests: Vec<SavedRequest>,
    /// Consumed assertion ids and until when they are kept.
    assertions: BTreeMap<String, DateTime<Utc>>,
}

impl SamlData {
    /// The settings of `connection` (the walkthrough's row) with this org's options.
    pub(crate) fn settings(&self, connection: &IdpConnectionRecord) -> IdpSettings {
        let (attribute_overrides, allow_idp_initiated, allow_sha1) = match &self.options {
            Some(o) => (
                o.attribute_overrides.clone(),
                o.allow_idp_initiated,
                o.allow_sha1,
            ),
            None => (serde_json::json!({}), true, false),
        };
        IdpSettings {
            entity_id: connection.entity_id.clone(),
            sso_url: connection.sso_url.clone(),
            certificates: connection.certificates.clone(),
            attribute_overrides,
            allow_idp_initiated,
            allow_sha1,
            want_authn_requests_signed: connection.want_authn_requests_signed,
        }
    }

    pub(crate) fn save_request(&mut self, request: &SavedRequest, keep_at_most: usize) -> usize {
        self.requests
            .retain(|kept| kept.expires_at > request.created_at);
        let excess = (self.requests.len() + 1).saturating_sub(keep_at_most.max(1));
        self.requests.drain(..excess);
        self.requests.push(request.clone());
        excess
    }

    pub(crate) fn take_request(&mut self, id: &str) -> Option<StoredRequest> {
        let at = self.requests.iter().position(|kept| kept.id == id)?;
        let taken = self.requests.remove(at);
        Some(StoredRequest {
            relay_state: taken.relay_state,
            browser_hash: Some(taken.browser_hash),
            expires_at: taken.expires_at,
        })
    }

    pub(crate) fn remember_assertion(
        &mut self,
        id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        self.assertions.retain(|_, until| *until > now);
        if self.assertions.contains_key(id) {
            return false;
        }
        self.assertions.insert(id.to_owned(), expires_at);
        true
    }
}

impl MemoryStorage {
    /// Sets (or replaces) the org's IdP connection, e.g. from
    /// [`IdpSettings::from_metadata`]; the org logs in with SAML once it is also
    /// connected (`NewOrg::connected_at`) with SSO on.
    pub fn set_idp_settings(&self, org: OrgId, settings: IdpSettings) -> ServiceResult<()> {
        let mut orgs = self.lock();
        let data = orgs.get_mut(&org).ok_or_else(|| no_org(org))?;
        data.connect.idp = Some(IdpConnectionRecord {
            entity_id: settings.entity_id.clone(),
            sso_url: settings.sso_url.clone(),
            certificates: settings.certificates.clone(),
            metadata_xml: None,
            want_authn_requests_signed: settings.want_authn_requests_signed,
        });
        data.saml.options = Some(settings);
        Ok(())
    }
}
