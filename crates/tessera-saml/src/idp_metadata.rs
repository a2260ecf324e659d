//! Reading the IdP metadata an admin uploads (Okta, Entra ID, Google Workspace,
//! OneLogin, JumpCloud, PingFederate, PingOne, any SAML 2.0 IdP).
//!
//! Reads `md:EntityDescriptor` roots and `md:EntitiesDescriptor` wrappers (nested too);
//! only the `md:IDPSSODescriptor` counts (Entra's RoleDescriptors come first and carry
//! keys of their own). Signing certificates are the KeyDescriptors with `use="signing"`
//! or no `use`; each must parse.

use crate::attributes::IdpPreset;
use crate::certificate::Certificate;
use crate::error::{Result, SamlError};
use crate::model::parse_time;
use crate::names::{BINDING_POST, BINDING_REDIRECT, DSIG, METADATA};
use crate::settings::IdentityProvider;
use crate::xml_tree::{self, Element};
use chrono::{DateTime, Utc};

/// One `SingleSignOnService`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The binding URI.
    pub binding: String,
    /// The URL.
    pub location: String,
}

/// What an IdP's metadata says.
#[derive(Debug, Clone)]
pub struct IdpMetadata {
    /// The IdP's entity id (the Issuer of its responses).
    pub entity_id: String,
    /// Its SSO endpoints, per binding, in document order.
    pub sso_services: Vec<Endpoint>,
    /// Its signing certificates (several during a rollover), without repeats.
    pub signing_certificates: Vec<Certificate>,
    /// Whether it wants signed AuthnRequests.
    pub want_authn_requests_signed: bool,
    /// The NameID formats it offers.
    pub name_id_formats: Vec<String>,
    /// The metadata's `validUntil`, if any.
    pub valid_until: Option<DateTime<Utc>>,
}

fn invalid(reason: impl Into<String>) -> SamlError {
    SamlError::InvalidMetadata {
        reason: reason.into(),
    }
}

impl IdpMetadata {
    /// Reads the one IdP described by `xml`.
    pub fn parse(xml: &[u8]) -> Result<Self> {
        let mut all = Self::parse_all(xml)?;
        match all.len() {
            1 => Ok(all.remove(0)),
            n => Err(invalid(format!(
                "it describes {n} identity providers; upload the metadata of one"
            ))),
        }
    }

    /// Reads every IdP described by `xml` (an EntitiesDescriptor may hold many).
    pub fn parse_all(xml: &[u8]) -> Result<Vec<Self>> {
        let root = xml_tree::parse_allowing_comments(xml)?;
        let mut entities = Vec::new();
        collect_entities(&root, None, &mut entities)?;
        let mut out = Vec::new();
        for (entity, valid_until) in entities {
            if let Some(descriptor) = entity.child(METADATA, "IDPSSODescriptor") {
                out.push(read(entity, descriptor, valid_until)?);
            }
        }
        if out.is_empty() {
            return Err(invalid("no IDPSSODescriptor found"));
        }
        Ok(out)
    }

    /// The SSO URL for `binding`.
    pub fn sso_url(&self, binding: &str) -> Option<&str> {
        self.sso_services
            .iter()
            .find(|e| e.binding == binding)
            .map(|e| e.location.as_str())
    }

    /// The certificates that have expired at `now` (to warn the admin).
    pub fn expired_certificates(&self, now: DateTime<Utc>) -> Vec<&Certificate> {
        self.signing_certificates
            .iter()
            .filter(|c| c.is_expired(now))
            .collect()
    }

    /// The IdP settings this metadata gives, with the defaults of
    /// [`IdentityProvider::new`], the attribute names of the detected IdP, and signed
    /// AuthnRequests when the IdP wants them.
    pub fn to_identity_provider(&self) -> Result<IdentityProvider> {
        let sso_url = self
            .sso_url(BINDING_REDIRECT)
            .or_else(|| self.sso_url(BINDING_POST))
            .ok_or_else(|| invalid("no HTTP-Redirect or HTTP-POST SingleSignOnService"))?;
        let mut idp = IdentityProvider::new(
            self.entity_id.clone(),
            sso_url,
            self.signing_certificates.clone(),
        );
        idp.sign_authn_requests = self.want_authn_requests_signed;
        idp.attribute_map =
            IdpPreset::detect(&format!("{} {sso_url}", self.entity_id)).attribute_map();
        Ok(idp)
    }
}

fn collect_entities<'a, 'x>(
    e: &'a Element<'x>,
    inherited_valid_until: Option<DateTime<Utc>>,
    out: &mut Vec<(&'a Element<'x>, Option<DateTime<Utc>>)>,
) -> Result<()> {
    let own = e.attr("validUntil").map(parse_time).transpose()?;
    let valid_until = match (own, inherited_valid_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if e.is(METADATA, "EntityDescriptor") {
        out.push((e, valid_until));
    } else if e.is(METADATA, "EntitiesDescriptor") {
        for child in &e.children {
            collect_entities(child, valid_until, out)?;
        }
    } else if out.is_empty() {
        return Err(SamlError::UnexpectedRoot {
            expected: "md:EntityDescriptor or md:EntitiesDescriptor",
            found: e.name.to_string(),
        });
    }
    Ok(())
}

fn read(
    entity: &Element,
    descriptor: &Element,
    valid_until: Option<DateTime<Utc>>,
) -> Result<IdpMetadata> {
    let entity_id = entity
        .attr("entityID")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| invalid("the EntityDescriptor has no entityID"))?
        .trim()
        .to_owned();
    let mut signing_certificates: Vec<Certificate> = Vec::new();
    for key in descriptor.children_named(METADATA, "KeyDescriptor") {
        if !matches!(key.attr("use"), None | Some("signing")) {
            continue;
        }
        let certs = key
            .child(DSIG, "KeyInfo")
            .into_iter()
            .flat_map(|k| k.children_named(DSIG, "X509Data"))
            .flat_map(|d| d.children_named(DSIG, "X509Certificate"));
        for cert in certs {
            let cert = Certificate::parse(&cert.text)?;
            if !signing_certificates.contains(&cert) {
                signing_certificates.push(cert);
            }
        }
    }
    if signing_certificates.is_empty() {
        return Err(invalid("the IDPSSODescriptor has no signing certificate"));
    }
    let sso_services: Vec<Endpoint> = descriptor
        .children_named(METADATA, "SingleSignOnService")
        .filter_map(|s| {
            Some(Endpoint {
                binding: s.attr("Binding")?.trim().to_owned(),
                location: s.attr("Location")?.trim().to_owned(),
            })
        })
        .collect();
    if sso_services.is_empty() {
        return Err(invalid("the IDPSSODescriptor has no SingleSignOnService"));
    }
    Ok(IdpMetadata {
        entity_id,
        sso_services,
        signing_certificates,
        want_authn_requests_signed: matches!(
            descriptor.attr("WantAuthnRequestsSigned"),
            Some("true" | "1")
        ),
        name_id_formats: descriptor
            .children_named(METADATA, "NameIDFormat")
            .map(|f| f.trimmed_text().to_owned())
            .collect(),
        valid_until,
    })
}
