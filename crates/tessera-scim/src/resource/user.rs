//! The User resource (RFC 7643 §4.1) with the enterprise extension (§4.3).

use super::meta::Meta;
use super::normalise::normalise_resource;
use super::serde_helpers::{lenient_bool, null_as_empty};
use crate::error::ScimError;
use crate::{json, urn};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tessera_core::UserName;

/// A SCIM User. Attributes Tessera does not model, and custom extensions, are kept in
/// `extra` and survive a round trip; `password` and the read-only `groups` sent by a
/// client are dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Schema URNs (core User, plus extensions in use).
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Server-assigned id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The IdP's id for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Unique, case-insensitive user name.
    pub user_name: UserName,
    /// Name parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Whether the account is active (`"True"`/`"False"` accepted).
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub active: Option<bool>,
    /// Email addresses.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub emails: Vec<MultiValue>,
    /// Phone numbers.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub phone_numbers: Vec<MultiValue>,
    /// Postal addresses.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub addresses: Vec<Address>,
    /// The enterprise extension.
    #[serde(
        rename = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enterprise: Option<EnterpriseUser>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Every other attribute, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `name` (RFC 7643 §4.1.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    /// Full name, formatted for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Prefix, e.g. "Ms.".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    /// Suffix, e.g. "III".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
    /// Other sub-attributes, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One value of `emails` or `phoneNumbers` (RFC 7643 §2.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MultiValue {
    /// The address or number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Human-readable form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// `work`, `home`, `mobile`...
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The preferred value (at most one per attribute).
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary: Option<bool>,
    /// Other sub-attributes, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One value of `addresses` (RFC 7643 §4.1.2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Full address, formatted for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `work`, `home`...
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The preferred address.
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary: Option<bool>,
    /// Other sub-attributes, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The enterprise extension (RFC 7643 §4.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseUser {
    /// Employee number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    /// Cost center.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    /// Organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    /// Department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<Manager>,
    /// Other attributes, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The manager reference of the enterprise extension.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manager {
    /// The manager's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// URI of the manager's resource.
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The manager's display name (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Other sub-attributes, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// Reads a User from a POST/PUT body or a stored document, accepting every IdP
    /// dialect (OneLogin URNs, `"True"`, nulls, any attribute-name case). Errors are
    /// `invalidValue` (or `invalidSyntax` for a non-object).
    pub fn from_json(value: Value) -> Result<Self, ScimError> {
        if !value.is_object() {
            return Err(ScimError::syntax("a User must be a JSON object"));
        }
        let Value::Object(mut object) = normalise_resource(value) else {
            return Err(ScimError::syntax("a User must be a JSON object"));
        };
        json::remove(&mut object, "password");
        json::remove(&mut object, "groups");
        if let Some(Value::String(id)) =
            json::get(&object, urn::ENTERPRISE_USER).and_then(|e| e.get("manager"))
        {
            let id = id.clone();
            if let Some(Value::Object(enterprise)) = object.get_mut(urn::ENTERPRISE_USER) {
                enterprise.insert(
                    "manager".into(),
                    Value::Object(Map::from_iter([("value".into(), Value::String(id))])),
                );
            }
        }
        let mut user: User = serde_json::from_value(Value::Object(object))
            .map_err(|e| ScimError::invalid_value("User", e.to_string()))?;
        user.check()?;
        if !user.schemas.iter().any(|s| s == urn::USER) {
            user.schemas.insert(0, urn::USER.to_owned());
        }
        if user.enterprise.is_some() && !user.schemas.iter().any(|s| s == urn::ENTERPRISE_USER) {
            user.schemas.push(urn::ENTERPRISE_USER.to_owned());
        }
        Ok(user)
    }

    /// The User as SCIM JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The primary email address, or the first one.
    pub fn primary_email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|e| e.primary == Some(true))
            .or_else(|| self.emails.first())
            .and_then(|e| e.value.as_deref())
    }

    fn check(&self) -> Result<(), ScimError> {
        for (attribute, primaries) in [
            (
                "emails",
                self.emails
                    .iter()
                    .filter(|e| e.primary == Some(true))
                    .count(),
            ),
            (
                "phoneNumbers",
                self.phone_numbers
                    .iter()
                    .filter(|e| e.primary == Some(true))
                    .count(),
            ),
            (
                "addresses",
                self.addresses
                    .iter()
                    .filter(|e| e.primary == Some(true))
                    .count(),
            ),
        ] {
            if primaries > 1 {
                return Err(ScimError::invalid_value(
                    attribute,
                    "at most one value can be primary",
                ));
            }
        }
        Ok(())
    }
}
