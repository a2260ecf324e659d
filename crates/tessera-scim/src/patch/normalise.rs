//! Turns a PatchOp body in any IdP dialect into one list of [`PatchOperation`]s.
//!
//! Accepted: `op` in any case (`Replace`, `rePlace`); a pathless `add`/`replace` whose
//! value object has plain, dotted (`name.givenName`) or URN-prefixed keys, or a whole
//! extension object; OneLogin's schema URNs; `"True"`/`"False"` for booleans; Entra's
//! manager as a plain id; a single object where an array is expected; `null` meaning
//! "remove". After normalisation every operation has a path.

use super::{PatchOpKind, PatchOperation};
use crate::error::ScimError;
use crate::filter::{AttrPath, PatchPath, parse_path};
use crate::{json, schema_attrs, urn};
use serde_json::{Map, Value};

/// Most operations accepted in one PATCH request.
pub const MAX_PATCH_OPERATIONS: usize = 1000;

/// Normalises a PatchOp request body (RFC 7644 §3.5.2, as IdPs really send it).
pub fn normalise_patch(body: &Value) -> Result<Vec<PatchOperation>, ScimError> {
    let Value::Object(body) = body else {
        return Err(ScimError::syntax("a PatchOp body must be a JSON object"));
    };
    if let Some(schemas) = json::get(body, "schemas") {
        let names_patch_op = schemas.as_array().is_some_and(|s| {
            s.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(urn::PATCH_OP))
            })
        });
        if !names_patch_op {
            return Err(ScimError::syntax(format!(
                "schemas must contain {}",
                urn::PATCH_OP
            )));
        }
    }
    let Some(Value::Array(operations)) = json::get(body, "Operations") else {
        return Err(ScimError::syntax(
            "a PatchOp body needs an \"Operations\" array",
        ));
    };
    if operations.is_empty() {
        return Err(ScimError::syntax("\"Operations\" is empty"));
    }
    if operations.len() > MAX_PATCH_OPERATIONS {
        return Err(ScimError::TooMany {
            problem: format!("at most {MAX_PATCH_OPERATIONS} operations per PATCH"),
        });
    }
    let mut normalised = Vec::with_capacity(operations.len());
    for operation in operations {
        normalise_operation(operation, &mut normalised)?;
    }
    Ok(normalised)
}

fn normalise_operation(operation: &Value, out: &mut Vec<PatchOperation>) -> Result<(), ScimError> {
    let Value::Object(operation) = operation else {
        return Err(ScimError::syntax("each operation must be a JSON object"));
    };
    let op = match json::get(operation, "op")
        .and_then(Value::as_str)
        .map(str::trim)
    {
        Some(op) if op.eq_ignore_ascii_case("add") => PatchOpKind::Add,
        Some(op) if op.eq_ignore_ascii_case("replace") => PatchOpKind::Replace,
        Some(op) if op.eq_ignore_ascii_case("remove") => PatchOpKind::Remove,
        Some(op) => return Err(ScimError::syntax(format!("unknown operation {op:?}"))),
        None => return Err(ScimError::syntax("an operation needs an \"op\" string")),
    };
    let value = json::get(operation, "value").cloned();
    let path = match json::get(operation, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p.trim().is_empty() => None,
        Some(Value::String(p)) => match urn::split_known_urn(p.trim()) {
            Some((schema, "")) => return whole_schema(out, op, schema, value),
            _ => Some(parse_path(p)?),
        },
        Some(_) => return Err(ScimError::syntax("\"path\" must be a string")),
    };
    match (path, op) {
        (Some(path), _) => push(out, op, path, value),
        (None, PatchOpKind::Remove) => Err(ScimError::NoTarget {
            path: String::new(),
        }),
        (None, _) => match value {
            Some(Value::Object(map)) => expand(out, op, &map, None),
            _ => Err(ScimError::invalid_value(
                "value",
                "an add or replace without path needs an object value",
            )),
        },
    }
}

/// A path that names a whole schema (`urn:…:enterprise:2.0:User`): `add`/`replace`
/// set the sub-attributes the value lists and leave the others (RFC 7644 §3.5.2.1,
/// §3.5.2.3); `remove` removes the extension.
fn whole_schema(
    out: &mut Vec<PatchOperation>,
    op: PatchOpKind,
    schema: &'static str,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let core = schema == urn::USER || schema == urn::GROUP;
    match (op, value) {
        (PatchOpKind::Remove, _) if core => Err(ScimError::invalid_path(
            schema,
            "the core schema cannot be removed",
        )),
        (PatchOpKind::Remove, _) => push(out, op, PatchPath::attr(AttrPath::new(schema)), None),
        (_, Some(Value::Object(map))) => expand(out, op, &map, (!core).then_some(schema)),
        _ => Err(ScimError::invalid_value(
            schema,
            "a whole schema is set with an object value",
        )),
    }
}

/// Expands the keys of a pathless value object into one operation each, in key order
/// (so `name` comes before `name.givenName`). `extension` is the URN of the extension
/// object being expanded.
fn expand(
    out: &mut Vec<PatchOperation>,
    op: PatchOpKind,
    map: &Map<String, Value>,
    extension: Option<&str>,
) -> Result<(), ScimError> {
    for (key, value) in map {
        if extension.is_none() && key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        let is_urn = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
        let path = match (extension, is_urn) {
            (Some(ext), _) => parse_path(&format!("{ext}:{key}"))?,
            (None, true) => match (urn::split_known_urn(key), value) {
                (Some((standard, "")), Value::Object(inner)) => {
                    let core = standard == urn::USER || standard == urn::GROUP;
                    expand(out, op, inner, (!core).then_some(standard))?;
                    continue;
                }
                // A whole schema set to null removes it, as a path naming it would;
                // any other non-object value is refused the same way.
                (Some((standard, "")), Value::Null) => {
                    whole_schema(out, PatchOpKind::Remove, standard, None)?;
                    continue;
                }
                (Some((standard, "")), other) => {
                    whole_schema(out, op, standard, Some(other.clone()))?;
                    continue;
                }
                (None, Value::Object(_)) => PatchPath::attr(AttrPath::new(key.clone())),
                _ => parse_path(key)?,
            },
            (None, false) => parse_path(key)?,
        };
        if path.filter.is_some() {
            return Err(ScimError::invalid_path(
                key.clone(),
                "a pathless value cannot hold filtered paths",
            ));
        }
        push(out, op, path, Some(value.clone()))?;
    }
    Ok(())
}

fn push(
    out: &mut Vec<PatchOperation>,
    op: PatchOpKind,
    mut path: PatchPath,
    value: Option<Value>,
) -> Result<(), ScimError> {
    canonicalise_path(&mut path);
    let value = match (op, value) {
        (PatchOpKind::Remove, value) => value.filter(|v| !v.is_null()),
        (_, None) => {
            return Err(ScimError::invalid_value(
                path.to_string(),
                "add and replace need a value",
            ));
        }
        (_, Some(Value::Null)) => {
            out.push(PatchOperation {
                op: PatchOpKind::Remove,
                path,
                value: None,
            });
            return Ok(());
        }
        (_, Some(value)) => Some(normalise_value(&path, value)),
    };
    out.push(PatchOperation { op, path, value });
    Ok(())
}

/// Gives known attribute names their canonical spelling.
fn canonicalise_path(path: &mut PatchPath) {
    let canonical = |name: &mut String| {
        if let Some(c) = schema_attrs::canonical_name(name) {
            *name = c.to_owned();
        }
    };
    canonical(&mut path.attr.name);
    if let Some(sub) = path.attr.sub_attr.as_mut() {
        canonical(sub);
    }
    if let Some(sub) = path.filter_sub_attr.as_mut() {
        canonical(sub);
    }
}

/// Coerces string booleans, wraps single objects for multi-valued attributes, and turns
/// a plain manager id into `{"value": id}`.
fn normalise_value(path: &PatchPath, value: Value) -> Value {
    let attr = &path.attr;
    let is_manager = attr.urn.as_deref() == Some(urn::ENTERPRISE_USER) && attr.name == "manager";
    match (
        attr.sub_attr.as_deref().or(path.filter_sub_attr.as_deref()),
        value,
    ) {
        (None, Value::String(id)) if is_manager && path.filter.is_none() => {
            Value::Object(Map::from_iter([("value".to_owned(), Value::String(id))]))
        }
        (None, Value::Object(map))
            if path.filter.is_none() && schema_attrs::is_multi_valued(&attr.name) =>
        {
            coerce_booleans(Value::Array(vec![Value::Object(map)]))
        }
        (sub, Value::String(s)) if schema_attrs::is_boolean(&attr.name, sub) => {
            string_to_bool(&s).map_or(Value::String(s), Value::Bool)
        }
        (_, other) => coerce_booleans(other),
    }
}

fn string_to_bool(s: &str) -> Option<bool> {
    match s.trim() {
        t if t.eq_ignore_ascii_case("true") => Some(true),
        t if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Turns `"True"`/`"False"` under `active` and `primary` keys into booleans, at any depth.
pub(crate) fn coerce_booleans(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let boolean =
                        key.eq_ignore_ascii_case("active") || key.eq_ignore_ascii_case("primary");
                    let value = match value {
                        Value::String(s) if boolean => {
                            string_to_bool(&s).map_or(Value::String(s), Value::Bool)
                        }
                        other => coerce_booleans(other),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(coerce_booleans).collect()),
        other => other,
    }
}
