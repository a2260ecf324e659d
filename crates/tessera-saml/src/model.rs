//! The parts of a Response and its Assertion that Tessera checks and uses, read from
//! an element tree (for the assertion: the tree of the signed bytes).

use crate::error::{Result, SamlError};
use crate::names::{ASSERTION, PROTOCOL};
use crate::xml_tree::Element;
use chrono::{DateTime, Utc};

/// The Response element around the assertion.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub destination: Option<String>,
    pub in_response_to: Option<String>,
    pub issuer: Option<String>,
    pub status_code: String,
    pub status_sub_code: Option<String>,
    pub status_message: Option<String>,
}

/// A `SubjectConfirmation`.
#[derive(Debug, Clone)]
pub(crate) struct Confirmation {
    pub method: String,
    pub recipient: Option<String>,
    pub in_response_to: Option<String>,
    pub not_before: Option<DateTime<Utc>>,
    pub not_on_or_after: Option<DateTime<Utc>>,
}

/// A NameID with its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameId {
    /// The identifier.
    pub value: String,
    /// The `Format` attribute, if any.
    pub format: Option<String>,
}

/// One SAML attribute with all its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The `Name`.
    pub name: String,
    /// The `FriendlyName`, if any.
    pub friendly_name: Option<String>,
    /// The values, trimmed, in document order.
    pub values: Vec<String>,
}

/// The assertion's content.
#[derive(Debug, Clone)]
pub(crate) struct AssertionData {
    pub id: String,
    pub issuer: String,
    pub name_id: Option<NameId>,
    pub confirmations: Vec<Confirmation>,
    pub not_before: Option<DateTime<Utc>>,
    pub not_on_or_after: Option<DateTime<Utc>>,
    /// One entry per AudienceRestriction; `None` when Conditions has none.
    pub audience_restrictions: Vec<Vec<String>>,
    pub session_index: Option<String>,
    pub session_not_on_or_after: Option<DateTime<Utc>>,
    pub attributes: Vec<Attribute>,
}

/// Parses an xs:dateTime (SAML requires UTC; any offset is converted).
pub(crate) fn parse_time(value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| SamlError::InvalidTimestamp {
            value: value.to_owned(),
        })
}

fn optional_time(element: &Element, name: &str) -> Result<Option<DateTime<Utc>>> {
    element.attr(name).map(parse_time).transpose()
}

/// Reads the envelope of a `samlp:Response`.
pub(crate) fn envelope(response: &Element) -> Result<Envelope> {
    let status = response
        .child(PROTOCOL, "Status")
        .ok_or(SamlError::Missing {
            what: "samlp:Status",
        })?;
    let code = status
        .child(PROTOCOL, "StatusCode")
        .ok_or(SamlError::Missing {
            what: "samlp:StatusCode",
        })?;
    Ok(Envelope {
        destination: response.attr("Destination").map(str::to_owned),
        in_response_to: response.attr("InResponseTo").map(str::to_owned),
        issuer: response
            .child(ASSERTION, "Issuer")
            .map(|i| i.trimmed_text().to_owned()),
        status_code: code.attr("Value").unwrap_or_default().to_owned(),
        status_sub_code: code
            .child(PROTOCOL, "StatusCode")
            .and_then(|c| c.attr("Value"))
            .map(str::to_owned),
        status_message: status
            .child(PROTOCOL, "StatusMessage")
            .map(|m| m.trimmed_text().to_owned()),
    })
}

/// Reads a `saml:Assertion`.
pub(crate) fn assertion(a: &Element) -> Result<AssertionData> {
    let id = a
        .attr("ID")
        .ok_or(SamlError::Missing {
            what: "Assertion ID",
        })?
        .to_owned();
    let issuer = a
        .child(ASSERTION, "Issuer")
        .map(|i| i.trimmed_text().to_owned())
        .ok_or(SamlError::Missing {
            what: "Assertion Issuer",
        })?;
    let subject = a.child(ASSERTION, "Subject");
    let name_id = subject
        .and_then(|s| s.child(ASSERTION, "NameID"))
        .map(|n| NameId {
            value: n.trimmed_text().to_owned(),
            format: n.attr("Format").map(str::to_owned),
        });
    let mut confirmations = Vec::new();
    for c in subject
        .into_iter()
        .flat_map(|s| s.children_named(ASSERTION, "SubjectConfirmation"))
    {
        let data = c.child(ASSERTION, "SubjectConfirmationData");
        confirmations.push(Confirmation {
            method: c.attr("Method").unwrap_or_default().to_owned(),
            recipient: data.and_then(|d| d.attr("Recipient")).map(str::to_owned),
            in_response_to: data.and_then(|d| d.attr("InResponseTo")).map(str::to_owned),
            not_before: data
                .map(|d| optional_time(d, "NotBefore"))
                .transpose()?
                .flatten(),
            not_on_or_after: data
                .map(|d| optional_time(d, "NotOnOrAfter"))
                .transpose()?
                .flatten(),
        });
    }
    let conditions = a.child(ASSERTION, "Conditions");
    let audience_restrictions = conditions
        .into_iter()
        .flat_map(|c| c.children_named(ASSERTION, "AudienceRestriction"))
        .map(|r| {
            r.children_named(ASSERTION, "Audience")
                .map(|x| x.trimmed_text().to_owned())
                .collect()
        })
        .collect();
    let authn = a.child(ASSERTION, "AuthnStatement");
    let attributes = a
        .children_named(ASSERTION, "AttributeStatement")
        .flat_map(|s| s.children_named(ASSERTION, "Attribute"))
        .map(|attr| Attribute {
            name: attr.attr("Name").unwrap_or_default().to_owned(),
            friendly_name: attr.attr("FriendlyName").map(str::to_owned),
            values: attr
                .children_named(ASSERTION, "AttributeValue")
                .map(|v| v.trimmed_text().to_owned())
                .collect(),
        })
        .collect();
    Ok(AssertionData {
        id,
        issuer,
        name_id,
        confirmations,
        not_before: conditions
            .map(|c| optional_time(c, "NotBefore"))
            .transpose()?
            .flatten(),
        not_on_or_after: conditions
            .map(|c| optional_time(c, "NotOnOrAfter"))
            .transpose()?
            .flatten(),
        audience_restrictions,
        session_index: authn
            .and_then(|s| s.attr("SessionIndex"))
            .map(str::to_owned),
        session_not_on_or_after: authn
            .map(|s| optional_time(s, "SessionNotOnOrAfter"))
            .transpose()?
            .flatten(),
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml_tree::parse;

    #[test]
    fn times_parse_with_and_without_fractions() {
        assert_eq!(
            parse_time("2026-11-20T10:00:00Z").unwrap().timestamp(),
            parse_time("2026-11-20T10:00:00.000Z").unwrap().timestamp()
        );
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn canonical_bytes_keep_the_whole_name_id() {
        // What exclusive c14n hands over for `user@corp.com<!---->.evil.com`: the
        // comment is gone and the text is whole, so the full address is read.
        let xml = br#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"><saml:Issuer>idp</saml:Issuer><saml:Subject><saml:NameID>user@corp.com.evil.com</saml:NameID></saml:Subject></saml:Assertion>"#;
        let a = assertion(&parse(xml).unwrap()).unwrap();
        assert_eq!(a.name_id.unwrap().value, "user@corp.com.evil.com");
    }
}
