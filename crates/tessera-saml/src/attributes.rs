//! Which SAML attributes carry email, first name, last name and groups, per IdP.
//!
//! Each supported IdP (rule L5) has a preset with the names its admins are told to
//! use; the default map is all of them at once, so most orgs need no setting. An org
//! may override any field. Names match `Name` or `FriendlyName`, case-insensitively.

use crate::model::Attribute;

const ENTRA_EMAIL: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const ENTRA_UPN: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
const ENTRA_GIVEN: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
const ENTRA_SURNAME: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname";
const ENTRA_GROUPS: &str = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups";
const OID_MAIL: &str = "urn:oid:0.9.2342.19200300.100.1.3";
const OID_GIVEN_NAME: &str = "urn:oid:2.5.4.42";
const OID_SURNAME: &str = "urn:oid:2.5.4.4";
const OID_IS_MEMBER_OF: &str = "urn:oid:1.3.6.1.4.1.5923.1.5.1.1";

/// The identity providers Tessera supports (rule L5), plus a generic one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdpPreset {
    /// Okta.
    Okta,
    /// Microsoft Entra ID (Azure AD).
    EntraId,
    /// Google Workspace.
    GoogleWorkspace,
    /// OneLogin.
    OneLogin,
    /// JumpCloud.
    JumpCloud,
    /// PingFederate.
    PingFederate,
    /// PingOne.
    PingOne,
    /// Any other SAML 2.0 IdP (LDAP and eduPerson names).
    Generic,
}

/// Attribute names, in order of preference, for each piece of the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeMap {
    /// Email address (the NameID is the fallback when none is present).
    pub email: Vec<String>,
    /// Given name.
    pub first_name: Vec<String>,
    /// Family name.
    pub last_name: Vec<String>,
    /// Group names (all values of all matching attributes).
    pub groups: Vec<String>,
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl IdpPreset {
    /// Every preset, in the order of rule L5.
    pub const ALL: [IdpPreset; 8] = [
        IdpPreset::Okta,
        IdpPreset::EntraId,
        IdpPreset::GoogleWorkspace,
        IdpPreset::JumpCloud,
        IdpPreset::OneLogin,
        IdpPreset::PingFederate,
        IdpPreset::PingOne,
        IdpPreset::Generic,
    ];

    /// Guesses the IdP from its entity id or SSO URL.
    pub fn detect(entity_id_or_url: &str) -> IdpPreset {
        let s = entity_id_or_url.to_ascii_lowercase();
        if s.contains("okta") {
            IdpPreset::Okta
        } else if s.contains("sts.windows.net") || s.contains("login.microsoftonline") {
            IdpPreset::EntraId
        } else if s.contains("accounts.google.com") {
            IdpPreset::GoogleWorkspace
        } else if s.contains("onelogin") {
            IdpPreset::OneLogin
        } else if s.contains("jumpcloud") {
            IdpPreset::JumpCloud
        } else if s.contains("pingone") {
            IdpPreset::PingOne
        } else if s.contains("pingfederate") || s.contains("/idp/sso.saml2") {
            IdpPreset::PingFederate
        } else {
            IdpPreset::Generic
        }
    }

    /// The attribute names this IdP's admins are told to configure.
    pub fn attribute_map(self) -> AttributeMap {
        let (email, first, last, groups): (&[&str], &[&str], &[&str], &[&str]) = match self {
            IdpPreset::EntraId => (
                &[ENTRA_EMAIL, ENTRA_UPN],
                &[ENTRA_GIVEN],
                &[ENTRA_SURNAME],
                &[ENTRA_GROUPS],
            ),
            IdpPreset::OneLogin => (
                &["User.email", "email"],
                &["User.FirstName", "firstName"],
                &["User.LastName", "lastName"],
                &["memberOf", "groups"],
            ),
            IdpPreset::JumpCloud => (
                &["email"],
                &["firstname", "firstName"],
                &["lastname", "lastName"],
                &["memberOf", "groups"],
            ),
            IdpPreset::Okta | IdpPreset::GoogleWorkspace => (
                &["email", OID_MAIL],
                &["firstName", OID_GIVEN_NAME],
                &["lastName", OID_SURNAME],
                &["groups"],
            ),
            IdpPreset::PingFederate | IdpPreset::PingOne => (
                &["email", "mail", OID_MAIL],
                &["firstName", "given_name", "givenName"],
                &["lastName", "family_name", "sn"],
                &["groups", "memberOf"],
            ),
            IdpPreset::Generic => (
                &[OID_MAIL, "mail", "email", "emailAddress"],
                &[OID_GIVEN_NAME, "givenName", "firstName"],
                &[OID_SURNAME, "sn", "surname", "lastName"],
                &[OID_IS_MEMBER_OF, "isMemberOf", "memberOf", "groups"],
            ),
        };
        AttributeMap {
            email: names(email),
            first_name: names(first),
            last_name: names(last),
            groups: names(groups),
        }
    }
}

impl Default for AttributeMap {
    /// Every preset's names at once (each name once, first preset first).
    fn default() -> Self {
        let mut map = AttributeMap {
            email: Vec::new(),
            first_name: Vec::new(),
            last_name: Vec::new(),
            groups: Vec::new(),
        };
        for preset in IdpPreset::ALL {
            let p = preset.attribute_map();
            for (into, from) in [
                (&mut map.email, p.email),
                (&mut map.first_name, p.first_name),
                (&mut map.last_name, p.last_name),
                (&mut map.groups, p.groups),
            ] {
                for name in from {
                    if !into.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                        into.push(name);
                    }
                }
            }
        }
        map
    }
}

fn matches(attribute: &Attribute, name: &str) -> bool {
    attribute.name.eq_ignore_ascii_case(name)
        || attribute
            .friendly_name
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case(name))
}

impl AttributeMap {
    /// The first non-empty value of the first listed name present.
    pub(crate) fn first_value(names: &[String], attributes: &[Attribute]) -> Option<String> {
        names.iter().find_map(|name| {
            attributes
                .iter()
                .filter(|a| matches(a, name))
                .flat_map(|a| a.values.iter())
                .find(|v| !v.is_empty())
                .cloned()
        })
    }

    /// Every non-empty value of every listed name, without repeats.
    pub(crate) fn all_values(names: &[String], attributes: &[Attribute]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in attributes
            .iter()
            .filter(|a| names.iter().any(|n| matches(a, n)))
        {
            for v in a.values.iter().filter(|v| !v.is_empty()) {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str, values: &[&str]) -> Attribute {
        Attribute {
            name: name.into(),
            friendly_name: None,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn default_map_reads_every_dialect() {
        let map = AttributeMap::default();
        let cases = [
            (attr(ENTRA_EMAIL, &["a@corp.example"]), "a@corp.example"),
            (attr("User.email", &["b@corp.example"]), "b@corp.example"),
            (attr("EMAIL", &["c@corp.example"]), "c@corp.example"),
            (attr(OID_MAIL, &["d@corp.example"]), "d@corp.example"),
        ];
        for (a, expected) in cases {
            assert_eq!(
                AttributeMap::first_value(&map.email, &[a]).as_deref(),
                Some(expected)
            );
        }
        let groups = [
            attr(ENTRA_GROUPS, &["g1", "g2"]),
            attr("memberOf", &["g2", "g3"]),
        ];
        assert_eq!(
            AttributeMap::all_values(&map.groups, &groups),
            ["g1", "g2", "g3"]
        );
    }

    #[test]
    fn presets_are_detected_from_entity_ids() {
        assert_eq!(
            IdpPreset::detect("http://www.okta.com/exk1"),
            IdpPreset::Okta
        );
        assert_eq!(
            IdpPreset::detect("https://sts.windows.net/tenant/"),
            IdpPreset::EntraId
        );
        assert_eq!(
            IdpPreset::detect("https://accounts.google.com/o/saml2?idpid=C0"),
            IdpPreset::GoogleWorkspace
        );
        assert_eq!(
            IdpPreset::detect("https://app.onelogin.com/saml/metadata/1"),
            IdpPreset::OneLogin
        );
        assert_eq!(IdpPreset::detect("JumpCloud"), IdpPreset::JumpCloud);
        assert_eq!(
            IdpPreset::detect("https://auth.pingone.com/env/saml20/idp/sso"),
            IdpPreset::PingOne
        );
        assert_eq!(
            IdpPreset::detect("https://corp.example/idp/SSO.saml2"),
            IdpPreset::PingFederate
        );
        assert_eq!(
            IdpPreset::detect("https://idp.example.org"),
            IdpPreset::Generic
        );
    }
}
