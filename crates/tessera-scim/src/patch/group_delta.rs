//! Group PATCH as small deltas the server applies in SQL, never loading or rewriting the
//! whole member list (a group can have 50,000 members).

use super::{PatchOpKind, PatchOperation};
use crate::error::ScimError;
use crate::filter::{CompValue, CompareOp, Filter, PatchPath};
use crate::{json, urn};
use serde_json::Value;

/// One change to a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupDelta {
    /// Rename the group.
    SetDisplayName(String),
    /// Set (`Some`) or clear (`None`) the IdP's external id.
    SetExternalId(Option<String>),
    /// Add these member ids (already present ones are left alone).
    AddMembers(Vec<String>),
    /// Remove exactly these member ids (absent ones are ignored).
    RemoveMembers(Vec<String>),
    /// Make the member list exactly these ids.
    ReplaceMembers(Vec<String>),
    /// Remove every member: only an explicit `remove` of `members` without value.
    RemoveAllMembers,
}

/// Turns normalised operations into group deltas, in order, merging neighbours of the
/// same kind. `group_id` is the group's id: a `replace` of `id` with that value (Okta's
/// rename object) is ignored, any other `id` change is a `mutability` error. Attributes
/// other than `displayName`, `externalId` and `members` are refused (`invalidPath`).
pub fn group_deltas(
    operations: &[PatchOperation],
    group_id: &str,
) -> Result<Vec<GroupDelta>, ScimError> {
    let mut deltas: Vec<GroupDelta> = Vec::new();
    for operation in operations {
        if let Some(delta) = delta_for(operation, group_id)? {
            push_merged(&mut deltas, delta);
        }
    }
    Ok(deltas)
}

fn push_merged(deltas: &mut Vec<GroupDelta>, delta: GroupDelta) {
    match (deltas.last_mut(), delta) {
        (Some(GroupDelta::AddMembers(have)), GroupDelta::AddMembers(more))
        | (Some(GroupDelta::RemoveMembers(have)), GroupDelta::RemoveMembers(more)) => {
            for id in more {
                if !have.contains(&id) {
                    have.push(id);
                }
            }
        }
        (_, delta) => deltas.push(delta),
    }
}

fn delta_for(operation: &PatchOperation, group_id: &str) -> Result<Option<GroupDelta>, ScimError> {
    let PatchOperation { op, path, value } = operation;
    let attr = &path.attr;
    let text = path.to_string();
    if !attr.is_core(urn::GROUP) {
        return Err(ScimError::invalid_path(
            text,
            "groups have no extension attributes here",
        ));
    }
    let name = attr.name.as_str();
    let plain = path.filter.is_none() && attr.sub_attr.is_none();
    match (name, plain, op) {
        ("id", true, PatchOpKind::Add | PatchOpKind::Replace)
            if value.as_ref().and_then(Value::as_str) == Some(group_id) =>
        {
            Ok(None)
        }
        ("id" | "meta", _, _) => Err(ScimError::Mutability {
            attribute: name.to_owned(),
        }),
        ("displayName", true, PatchOpKind::Add | PatchOpKind::Replace) => match value {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                Ok(Some(GroupDelta::SetDisplayName(s.trim().to_owned())))
            }
            _ => Err(ScimError::invalid_value(
                "displayName",
                "must be a non-empty string",
            )),
        },
        ("displayName", true, PatchOpKind::Remove) => Err(ScimError::invalid_value(
            "displayName",
            "is required and cannot be removed",
        )),
        ("externalId", true, PatchOpKind::Add | PatchOpKind::Replace) => match value {
            Some(Value::String(s)) => Ok(Some(GroupDelta::SetExternalId(Some(s.clone())))),
            _ => Err(ScimError::invalid_value("externalId", "must be a string")),
        },
        ("externalId", true, PatchOpKind::Remove) => Ok(Some(GroupDelta::SetExternalId(None))),
        ("members", true, PatchOpKind::Add) => {
            Ok(Some(GroupDelta::AddMembers(member_ids(value.as_ref())?)))
        }
        ("members", true, PatchOpKind::Replace) => Ok(Some(GroupDelta::ReplaceMembers(
            member_ids(value.as_ref())?,
        ))),
        ("members", true, PatchOpKind::Remove) => match value {
            None => Ok(Some(GroupDelta::RemoveAllMembers)),
            Some(value) => Ok(Some(GroupDelta::RemoveMembers(member_ids(Some(value))?))),
        },
        ("members", false, PatchOpKind::Remove) => {
            removal_by_filter(path).map(|ids| Some(GroupDelta::RemoveMembers(ids)))
        }
        ("members", false, _) => Err(ScimError::invalid_path(
            text,
            "members can be added or replaced only as a whole list of values",
        )),
        _ => Err(ScimError::invalid_path(
            text,
            "a group PATCH may change displayName, externalId and members only",
        )),
    }
}

/// The member ids in a `members` value: an array (or one) of `{"value": id}` objects or
/// plain id strings.
fn member_ids(value: Option<&Value>) -> Result<Vec<String>, ScimError> {
    let items: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => {
            return Err(ScimError::invalid_value(
                "members",
                "add and replace need a value",
            ));
        }
    };
    let mut ids: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let id = match item {
            Value::Object(member) => json::get(member, "value").and_then(Value::as_str),
            Value::String(id) => Some(id.as_str()),
            _ => None,
        };
        match id.map(str::trim) {
            Some(id) if !id.is_empty() => {
                if !ids.iter().any(|have| have == id) {
                    ids.push(id.to_owned());
                }
            }
            _ => {
                return Err(ScimError::invalid_value(
                    "members",
                    "each member needs a non-empty \"value\" id",
                ));
            }
        }
    }
    Ok(ids)
}

/// `members[value eq "a"]` or `members[value eq "a" or value eq "b"]`.
fn removal_by_filter(path: &PatchPath) -> Result<Vec<String>, ScimError> {
    let unsupported = || {
        ScimError::invalid_path(
            path.to_string(),
            "members can be removed by filter only as members[value eq \"id\"] (or-ed)",
        )
    };
    if path.filter_sub_attr.is_some() || path.attr.sub_attr.is_some() {
        return Err(unsupported());
    }
    let terms: Vec<&Filter> = match &path.filter {
        Some(Filter::Or(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => return Err(unsupported()),
    };
    terms
        .into_iter()
        .map(|term| match term {
            Filter::Compare(attr, CompareOp::Eq, CompValue::Str(id)) if attr.is("value", None) => {
                Ok(id.clone())
            }
            _ => Err(unsupported()),
        })
        .collect()
}
