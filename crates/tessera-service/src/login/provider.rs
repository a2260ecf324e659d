//! The two sides of an org's SAML connection for the SAML crate: our SP (from the
//! config) and the org's IdP (from its stored settings).

use super::certificates::CertificateCache;
use super::{IdpSettings, LoginService};
use crate::error::{ServiceError, ServiceResult};
use crate::storage::OrgSummary;
use tessera_core::WorkspaceName;
use tessera_saml::{AttributeMap, IdentityProvider, ServiceProvider};

/// What a login start or an ACS request of a workspace without SSO is told.
pub(crate) const NOT_CONNECTED: &str = "Single sign-on is not set up for this workspace.";

impl LoginService {
    /// Our SP for the workspace `ws` (entity id, ACS URL, key pair): what SP metadata
    /// publishes.
    pub fn service_provider(&self, ws: &WorkspaceName) -> ServiceResult<ServiceProvider> {
        ServiceProvider::for_workspace(
            &self.config.public_url,
            ws.clone(),
            self.config.sp_key_pair.clone(),
        )
        .map_err(|e| ServiceError::internal(e.to_string()))
    }

    /// The org of `ws` and its IdP: `NotFound` without such an org, `Conflict` (with
    /// `not_connected` as its message) while it has no IdP or the operator's SSO switch
    /// is off (W3).
    pub(crate) fn connection(
        &self,
        ws: &WorkspaceName,
        not_connected: &str,
    ) -> ServiceResult<(OrgSummary, IdentityProvider)> {
        let (org, settings) = self
            .storage
            .org_with_idp(ws)?
            .ok_or_else(|| ServiceError::not_found("There is no workspace with that name."))?;
        if !org.sso_enabled {
            return Err(ServiceError::conflict(not_connected).with_rule(Some("W3")));
        }
        let settings = settings.ok_or_else(|| ServiceError::conflict(not_connected))?;
        let idp =
            identity_provider(&settings, &self.certificates).map_err(ServiceError::internal)?;
        Ok((org, idp))
    }
}

fn identity_provider(
    settings: &IdpSettings,
    cache: &CertificateCache,
) -> Result<IdentityProvider, String> {
    let certificates = settings
        .certificates
        .iter()
        .map(|text| cache.parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut idp = IdentityProvider::new(&settings.entity_id, &settings.sso_url, certificates);
    idp.allow_idp_initiated = settings.allow_idp_initiated;
    idp.allow_sha1 = settings.allow_sha1;
    idp.sign_authn_requests = settings.want_authn_requests_signed;
    idp.attribute_map = with_overrides(idp.attribute_map, &settings.attribute_overrides);
    Ok(idp)
}

/// Per-org attribute names (`{"email": ["mail"], "first_name": [...], ...}`) go first.
fn with_overrides(mut map: AttributeMap, overrides: &serde_json::Value) -> AttributeMap {
    let names = |key: &str| -> Vec<String> {
        overrides[key]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (key, target) in [
        ("email", &mut map.email),
        ("first_name", &mut map.first_name),
        ("last_name", &mut map.last_name),
        ("groups", &mut map.groups),
    ] {
        let mut preferred = names(key);
        preferred.append(target);
        *target = preferred;
    }
    map
}
