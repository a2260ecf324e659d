//! The ACS entry point: a SAMLResponse in, a validated login out.

use crate::attributes::AttributeMap;
use crate::binding;
use crate::error::{Result, SamlError};
use crate::model::{AssertionData, Attribute, Confirmation, NameId};
use crate::names::CM_BEARER;
use crate::ports::{ReplayCache, RequestIdStore};
use crate::settings::{IdentityProvider, Limits, ServiceProvider};
use crate::verify::{self, Trust, Verified};
use chrono::{DateTime, Duration, Utc};
use tessera_core::Email;

/// A login the IdP vouched for, after every check passed.
#[derive(Debug, Clone)]
pub struct Login {
    /// The subject's NameID and its format.
    pub name_id: NameId,
    /// The IdP session index (for logout).
    pub session_index: Option<String>,
    /// When the IdP wants the session to end, if it said.
    pub session_not_on_or_after: Option<DateTime<Utc>>,
    /// The email: the mapped attribute, else the NameID when it is an address.
    pub email: Option<Email>,
    /// Given name, if mapped.
    pub first_name: Option<String>,
    /// Family name, if mapped.
    pub last_name: Option<String>,
    /// Group names, if mapped.
    pub groups: Vec<String>,
    /// Every attribute of the assertion.
    pub attributes: Vec<Attribute>,
    /// The assertion's ID (recorded in the replay cache).
    pub assertion_id: String,
    /// Until when the replay cache keeps the assertion ID.
    pub assertion_expires_at: DateTime<Utc>,
    /// SHA-1 was used (allowed by the org): the server should write an audit warning.
    pub sha1_used: bool,
    /// The AuthnRequest answered; `None` for an IdP-initiated login.
    pub in_response_to: Option<String>,
    /// The RelayState stored with that AuthnRequest (not yet sanitised).
    pub relay_state: Option<String>,
}

/// Validates a base64 `SAMLResponse` posted to `sp`'s ACS, for the org whose IdP is
/// `idp`, at `now`. Consults `requests` (InResponseTo) and records the assertion in
/// `replay`, only after every other check passed.
pub fn validate_response<R, C>(
    saml_response: &str,
    sp: &ServiceProvider,
    idp: &IdentityProvider,
    limits: &Limits,
    now: DateTime<Utc>,
    requests: &R,
    replay: &C,
) -> Result<Login>
where
    R: RequestIdStore + ?Sized,
    C: ReplayCache + ?Sized,
{
    let xml = binding::decode_post(saml_response, limits)?;
    let trust = Trust {
        certificates: &idp.certificates,
        allow_sha1: idp.allow_sha1,
        decryption_key: sp.key_pair.as_ref(),
    };
    let verified = verify::verify_response(&xml, &trust)?;
    let checked = check(&verified, sp, idp, now)?;
    if checked.in_response_to.is_none() && !idp.allow_idp_initiated {
        return Err(SamlError::UnsolicitedRefused);
    }
    let assertion = &verified.assertion;
    if !replay
        .insert_once(&assertion.id, checked.expires_at, now)
        .map_err(SamlError::Port)?
    {
        return Err(SamlError::Replayed {
            id: assertion.id.clone(),
        });
    }
    let relay_state = match &checked.in_response_to {
        Some(id) => {
            let outstanding = requests
                .take(&sp.workspace, id, now)
                .map_err(SamlError::Port)?
                .ok_or_else(|| SamlError::UnknownInResponseTo { id: id.clone() })?;
            if !outstanding.from_this_browser {
                return Err(SamlError::OtherBrowser { id: id.clone() });
            }
            outstanding.relay_state
        }
        None => None,
    };
    Ok(login(verified, checked, relay_state, &idp.attribute_map))
}

/// What the pure checks established.
struct Checked {
    in_response_to: Option<String>,
    expires_at: DateTime<Utc>,
    name_id: NameId,
}

fn check(
    v: &Verified,
    sp: &ServiceProvider,
    idp: &IdentityProvider,
    now: DateTime<Utc>,
) -> Result<Checked> {
    let a = &v.assertion;
    let skew = idp.clock_skew;
    for issuer in [Some(&a.issuer), v.envelope.issuer.as_ref()]
        .into_iter()
        .flatten()
    {
        if *issuer != idp.entity_id {
            return Err(SamlError::IssuerMismatch {
                expected: idp.entity_id.clone(),
                found: issuer.clone(),
            });
        }
    }
    match &v.envelope.destination {
        Some(d) if *d != sp.acs_url => {
            return Err(SamlError::DestinationMismatch {
                expected: sp.acs_url.clone(),
                found: d.clone(),
            });
        }
        None if v.response_signed => {
            return Err(SamlError::Missing {
                what: "Destination on a signed Response",
            });
        }
        _ => {}
    }
    check_audience(a, &sp.entity_id)?;
    check_window(a.not_before, a.not_on_or_after, now, skew)?;
    let confirmation = bearer_confirmation(a, &sp.acs_url, now, skew)?;
    let in_response_to = signed_in_response_to(v, confirmation)?;
    let name_id = a.name_id.clone().ok_or(SamlError::Missing {
        what: "Subject NameID",
    })?;
    let expires_at = [a.not_on_or_after, confirmation.not_on_or_after]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(now)
        + skew;
    Ok(Checked {
        in_response_to,
        expires_at,
        name_id,
    })
}

/// The request answered, from signed bytes only: the bearer confirmation's
/// InResponseTo (always signed), else the Response's when the Response is signed. An
/// unsigned Response naming a request the signed assertion does not name is refused,
/// so it can neither turn an unsolicited assertion into an answer nor disagree.
fn signed_in_response_to(v: &Verified, confirmation: &Confirmation) -> Result<Option<String>> {
    match (&v.envelope.in_response_to, &confirmation.in_response_to) {
        (Some(r), Some(c)) if r != c => Err(SamlError::InResponseToMismatch {
            response: r.clone(),
            assertion: c.clone(),
        }),
        (Some(r), None) if !v.response_signed => {
            Err(SamlError::UnsignedInResponseTo { id: r.clone() })
        }
        (r, c) => Ok(c.clone().or_else(|| r.clone())),
    }
}

fn check_audience(a: &AssertionData, ours: &str) -> Result<()> {
    if a.audience_restrictions.is_empty() {
        return Err(SamlError::AudienceMismatch {
            expected: ours.to_owned(),
            found: Vec::new(),
        });
    }
    for restriction in &a.audience_restrictions {
        if !restriction.iter().any(|aud| aud == ours) {
            return Err(SamlError::AudienceMismatch {
                expected: ours.to_owned(),
                found: restriction.clone(),
            });
        }
    }
    Ok(())
}

fn check_window(
    not_before: Option<DateTime<Utc>>,
    not_on_or_after: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    skew: Duration,
) -> Result<()> {
    if let Some(not_before) = not_before
        && now + skew < not_before
    {
        return Err(SamlError::NotYetValid { not_before, now });
    }
    if let Some(not_on_or_after) = not_on_or_after
        && now - skew >= not_on_or_after
    {
        return Err(SamlError::Expired {
            not_on_or_after,
            now,
        });
    }
    Ok(())
}

/// The first bearer confirmation that passes; else the first one's error.
fn bearer_confirmation<'a>(
    a: &'a AssertionData,
    acs_url: &str,
    now: DateTime<Utc>,
    skew: Duration,
) -> Result<&'a Confirmation> {
    let mut first_error = None;
    for c in a.confirmations.iter().filter(|c| c.method == CM_BEARER) {
        let outcome = match (&c.recipient, c.not_on_or_after) {
            (None, _) => Err(SamlError::Missing {
                what: "SubjectConfirmationData Recipient",
            }),
            (Some(r), _) if r != acs_url => Err(SamlError::RecipientMismatch {
                expected: acs_url.to_owned(),
                found: r.clone(),
            }),
            (_, None) => Err(SamlError::Missing {
                what: "SubjectConfirmationData NotOnOrAfter",
            }),
            (_, Some(_)) => check_window(c.not_before, c.not_on_or_after, now, skew),
        };
        match outcome {
            Ok(()) => return Ok(c),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| SamlError::NotBearer {
        found: a.confirmations.iter().map(|c| c.method.clone()).collect(),
    }))
}

fn login(v: Verified, checked: Checked, relay_state: Option<String>, map: &AttributeMap) -> Login {
    let a = v.assertion;
    let email = AttributeMap::first_value(&map.email, &a.attributes)
        .and_then(|e| Email::parse(&e).ok())
        .or_else(|| Email::parse(&checked.name_id.value).ok());
    Login {
        email,
        first_name: AttributeMap::first_value(&map.first_name, &a.attributes),
        last_name: AttributeMap::first_value(&map.last_name, &a.attributes),
        groups: AttributeMap::all_values(&map.groups, &a.attributes),
        name_id: checked.name_id,
        session_index: a.session_index,
        session_not_on_or_after: a.session_not_on_or_after,
        attributes: a.attributes,
        assertion_id: a.id,
        assertion_expires_at: checked.expires_at,
        sha1_used: v.sha1_used,
        in_response_to: checked.in_response_to,
        relay_state,
    }
}
