//! The org's SP and IdP settings for the SAML crate, from the store and the config.

use crate::AppState;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tessera_core::WorkspaceName;
use tessera_saml::{AttributeMap, Certificate, IdentityProvider, ServiceProvider};
use tessera_store::{IdpSettings, Org};

/// Why a login cannot even start or be checked.
#[derive(Debug)]
pub(crate) enum Unavailable {
    /// No such org.
    NoOrg,
    /// The org has no IdP connection (or the operator switched SSO off, W3).
    NotConnected,
    /// Anything else (logged).
    Internal(String),
}

/// Our SP for the org `ws`.
pub(crate) fn service_provider(
    state: &AppState,
    ws: &WorkspaceName,
) -> Result<ServiceProvider, Unavailable> {
    ServiceProvider::for_workspace(
        &state.public_url,
        ws.clone(),
        Some(state.sp_keys.as_ref().clone()),
    )
    .map_err(|e| Unavailable::Internal(e.to_string()))
}

/// The org and its IdP, ready for the SAML crate. Refused while the operator's SSO
/// switch is off (W3).
pub(crate) fn identity_provider(
    state: &AppState,
    ws: &WorkspaceName,
) -> Result<(Org, IdentityProvider), Unavailable> {
    let org = match state.store.org(ws) {
        Ok(org) => org,
        Err(tessera_store::StoreError::OrgNotFound { .. }) => return Err(Unavailable::NoOrg),
        Err(error) => return Err(Unavailable::Internal(error.to_string())),
    };
    if !org.sso_enabled {
        return Err(Unavailable::NotConnected);
    }
    let settings = state
        .store
        .idp_settings(org.id)
        .map_err(|e| Unavailable::Internal(e.to_string()))?
        .ok_or(Unavailable::NotConnected)?;
    let idp = to_identity_provider(&settings).map_err(Unavailable::Internal)?;
    Ok((org, idp))
}

fn to_identity_provider(settings: &IdpSettings) -> Result<IdentityProvider, String> {
    let certificates = settings
        .certificates
        .iter()
        .map(|b64| {
            let der = STANDARD.decode(b64).map_err(|e| e.to_string())?;
            Certificate::from_der(&der).map_err(|e| e.to_string())
        })
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
