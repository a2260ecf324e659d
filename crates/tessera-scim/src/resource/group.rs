//! The Group resource (RFC 7643 §4.2).

use super::meta::Meta;
use super::normalise::normalise_resource;
use super::serde_helpers::null_as_empty;
use crate::error::ScimError;
use crate::urn;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A SCIM Group. Unknown attributes are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Schema URNs.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Server-assigned id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The IdP's id for the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The group's name (required).
    pub display_name: String,
    /// Members. Servers should fill this only when the projection wants `members`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub members: Vec<Member>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Every other attribute, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member's id.
    pub value: String,
    /// The member's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// URI of the member's resource.
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// `User` or `Group`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

impl Group {
    /// Reads a Group from a POST/PUT body or a stored document (OneLogin URNs and any
    /// attribute-name case accepted). A blank `displayName` or a member without id is
    /// `invalidValue`.
    pub fn from_json(value: Value) -> Result<Self, ScimError> {
        if !value.is_object() {
            return Err(ScimError::syntax("a Group must be a JSON object"));
        }
        let mut group: Group = serde_json::from_value(normalise_resource(value))
            .map_err(|e| ScimError::invalid_value("Group", e.to_string()))?;
        group.display_name = group.display_name.trim().to_owned();
        if group.display_name.is_empty() {
            return Err(ScimError::invalid_value("displayName", "must not be blank"));
        }
        if group.members.iter().any(|m| m.value.trim().is_empty()) {
            return Err(ScimError::invalid_value(
                "members",
                "each member needs a non-empty \"value\" id",
            ));
        }
        if !group.schemas.iter().any(|s| s == urn::GROUP) {
            group.schemas.insert(0, urn::GROUP.to_owned());
        }
        Ok(group)
    }

    /// The Group as SCIM JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
