//! Applies normalised operations to a User in its JSON form (RFC 7644 §3.5.2.1-3).
//!
//! Lenient where IdPs need it: `add` and `replace` on a value path that matches nothing
//! create the element from the filter's `eq` terms (`emails[type eq "work"].value` on a
//! user without emails); removing something already absent succeeds. Strict where the
//! RFC is: `id`, `meta` and `groups` cannot change (a replace of `id` with its current
//! value is ignored), and the result must still be a valid User.

use super::{PatchOpKind, PatchOperation};
use crate::error::ScimError;
use crate::filter::{AttrPath, CompValue, CompareOp, Filter, PatchPath, matches};
use crate::resource::User;
use crate::{json, schema_attrs, urn};
use serde_json::{Map, Value};

/// Applies `operations` to `user` atomically: the patched user, or the first error.
pub fn apply_user_patch(user: &User, operations: &[PatchOperation]) -> Result<User, ScimError> {
    let mut resource = user.to_json();
    let Value::Object(object) = &mut resource else {
        return Err(ScimError::syntax("a user must be a JSON object"));
    };
    for operation in operations {
        apply(object, operation)?;
    }
    User::from_json(resource)
}

fn apply(resource: &mut Map<String, Value>, operation: &PatchOperation) -> Result<(), ScimError> {
    let PatchOperation { op, path, value } = operation;
    let attr = &path.attr;
    let extension = attr
        .urn
        .as_deref()
        .filter(|u| !u.eq_ignore_ascii_case(urn::USER));
    if extension.is_none() && schema_attrs::is_read_only(&attr.name) {
        let unchanged = attr.name == "id"
            && path.filter.is_none()
            && attr.sub_attr.is_none()
            && *op != PatchOpKind::Remove
            && value.as_ref() == json::get(resource, "id");
        return if unchanged {
            Ok(())
        } else {
            Err(ScimError::Mutability {
                attribute: attr.name.clone(),
            })
        };
    }
    let Some(extension) = extension else {
        return apply_in(resource, *op, path, value.as_ref());
    };
    let container = json::entry(resource, extension, Value::Object(Map::new()));
    let Value::Object(container) = container else {
        return Err(ScimError::invalid_value(
            extension,
            "an extension must be an object",
        ));
    };
    apply_in(container, *op, path, value.as_ref())?;
    let empty = container.is_empty();
    if empty {
        json::remove(resource, extension);
    }
    set_schema(resource, extension, !empty);
    Ok(())
}

/// Lists (or unlists) an extension URN in `schemas`.
fn set_schema(resource: &mut Map<String, Value>, extension: &str, listed: bool) {
    let schemas = json::entry(resource, "schemas", Value::Array(Vec::new()));
    if let Value::Array(schemas) = schemas {
        let present = schemas.iter().any(|s| {
            s.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(extension))
        });
        if listed && !present {
            schemas.push(Value::String(extension.to_owned()));
        } else if !listed {
            schemas.retain(|s| {
                !s.as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case(extension))
            });
        }
    }
}

fn apply_in(
    container: &mut Map<String, Value>,
    op: PatchOpKind,
    path: &PatchPath,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let attr = &path.attr;
    match (&path.filter, &attr.sub_attr) {
        (Some(filter), _) => apply_filtered(container, op, path, filter, value),
        (None, Some(sub)) => apply_sub(container, op, attr, sub, value, path),
        (None, None) => apply_attribute(container, op, &attr.name, value),
    }
}

fn required(value: Option<&Value>, path: &str) -> Result<Value, ScimError> {
    value
        .cloned()
        .ok_or_else(|| ScimError::invalid_value(path, "add and replace need a value"))
}

/// `add`/`replace`/`remove` of a whole attribute.
fn apply_attribute(
    container: &mut Map<String, Value>,
    op: PatchOpKind,
    name: &str,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let multi_valued = schema_attrs::is_multi_valued(name)
        || matches!(json::get(container, name), Some(Value::Array(_)));
    match op {
        PatchOpKind::Remove => {
            match (value, json::get_mut(container, name)) {
                (Some(listed), Some(Value::Array(items))) => {
                    let listed: Vec<&Value> = match listed {
                        Value::Array(l) => l.iter().collect(),
                        one => vec![one],
                    };
                    items.retain(|item| !listed.iter().any(|l| same_element(item, l)));
                    if items.is_empty() {
                        json::remove(container, name);
                    }
                }
                _ => {
                    json::remove(container, name);
                }
            }
            Ok(())
        }
        PatchOpKind::Add if multi_valued => {
            let new_items = as_items(required(value, name)?);
            let slot = json::entry(container, name, Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            if let Value::Array(items) = slot {
                for item in new_items {
                    if item_is_primary(&item) {
                        clear_primary(items);
                    }
                    match items.iter_mut().find(|have| same_element(have, &item)) {
                        Some(have) => merge(have, item),
                        None => items.push(item),
                    }
                }
            }
            Ok(())
        }
        PatchOpKind::Replace if multi_valued => {
            let items = as_items(required(value, name)?);
            *json::entry(container, name, Value::Null) = Value::Array(items);
            Ok(())
        }
        PatchOpKind::Add | PatchOpKind::Replace => {
            let value = required(value, name)?;
            let slot = json::entry(container, name, Value::Null);
            match (slot, value) {
                (Value::Object(have), Value::Object(new)) => {
                    for (key, sub) in new {
                        *json::entry(have, &key, Value::Null) = sub;
                    }
                }
                (slot, value) => *slot = value,
            }
            Ok(())
        }
    }
}

/// `name.sub` on a complex attribute (or on every element of a multi-valued one for
/// `remove`).
fn apply_sub(
    container: &mut Map<String, Value>,
    op: PatchOpKind,
    attr: &AttrPath,
    sub: &str,
    value: Option<&Value>,
    path: &PatchPath,
) -> Result<(), ScimError> {
    let name = attr.name.as_str();
    if op == PatchOpKind::Remove {
        match json::get_mut(container, name) {
            Some(Value::Object(object)) => {
                json::remove(object, sub);
            }
            Some(Value::Array(items)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    json::remove(item, sub);
                }
            }
            _ => {}
        }
        remove_if_empty(container, name);
        return Ok(());
    }
    let value = required(value, &path.to_string())?;
    match json::entry(container, name, Value::Object(Map::new())) {
        Value::Object(object) => {
            *json::entry(object, sub, Value::Null) = value;
            Ok(())
        }
        Value::Array(_) => Err(ScimError::invalid_path(
            path.to_string(),
            format!(
                "{name} is multi-valued: select elements with a filter, e.g. {name}[type eq \"work\"].{sub}"
            ),
        )),
        slot => {
            *slot = Value::Object(Map::from_iter([(sub.to_owned(), value)]));
            Ok(())
        }
    }
}

/// `name[filter]` and `name[filter].sub`.
fn apply_filtered(
    container: &mut Map<String, Value>,
    op: PatchOpKind,
    path: &PatchPath,
    filter: &Filter,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let name = path.attr.name.as_str();
    let sub = path.filter_sub_attr.as_deref();
    let slot = json::entry(container, name, Value::Array(Vec::new()));
    if slot.is_null() {
        *slot = Value::Array(Vec::new());
    }
    let Value::Array(items) = slot else {
        return Err(ScimError::invalid_path(
            path.to_string(),
            format!("{name} is not multi-valued"),
        ));
    };
    let selected = |item: &Value| matches_element(filter, name, item);
    if op == PatchOpKind::Remove {
        match sub {
            Some(sub) => {
                for item in items.iter_mut().filter(|i| selected(i)) {
                    if let Value::Object(object) = item {
                        json::remove(object, sub);
                    }
                }
            }
            None => items.retain(|item| !selected(item)),
        }
        remove_if_empty(container, name);
        return Ok(());
    }
    let value = required(value, &path.to_string())?;
    if !items.iter().any(selected) {
        let Some(template) = template_from_filter(filter) else {
            return Err(ScimError::NoTarget {
                path: path.to_string(),
            });
        };
        items.push(Value::Object(template));
    }
    let sets_primary = match sub {
        Some(s) => s.eq_ignore_ascii_case("primary") && value == Value::Bool(true),
        None => item_is_primary(&value),
    };
    if sets_primary {
        for item in items.iter_mut().filter(|i| !selected(i)) {
            if let Value::Object(object) = item {
                json::remove(object, "primary");
            }
        }
    }
    for item in items.iter_mut().filter(|i| selected(i)) {
        match (sub, item) {
            (Some(sub), Value::Object(object)) => {
                *json::entry(object, sub, Value::Null) = value.clone()
            }
            (None, item) => merge(item, value.clone()),
            (Some(_), _) => {}
        }
    }
    Ok(())
}

/// Whether one element of multi-valued `name` matches a value-path filter.
fn matches_element(filter: &Filter, name: &str, item: &Value) -> bool {
    let wrapped = Value::Object(Map::from_iter([(
        name.to_owned(),
        Value::Array(vec![item.clone()]),
    )]));
    matches(
        &Filter::ValuePath(AttrPath::new(name), Box::new(filter.clone())),
        &wrapped,
    )
}

/// The element a filter of `eq` terms describes: `type eq "work" and primary eq true`
/// gives `{"type": "work", "primary": true}`. `None` for any other filter.
fn template_from_filter(filter: &Filter) -> Option<Map<String, Value>> {
    let terms: Vec<&Filter> = match filter {
        Filter::And(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut template = Map::new();
    for term in terms {
        let Filter::Compare(path, CompareOp::Eq, value) = term else {
            return None;
        };
        if path.sub_attr.is_some() {
            return None;
        }
        let value = match value {
            CompValue::Str(s) => Value::String(s.clone()),
            CompValue::Bool(b) => Value::Bool(*b),
            CompValue::Number(n) => Value::Number(n.clone()),
            CompValue::Null => return None,
        };
        template.insert(
            schema_attrs::canonical_name(&path.name)
                .map_or_else(|| path.name.clone(), str::to_owned),
            value,
        );
    }
    Some(template)
}

fn as_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        one => vec![one],
    }
}

fn item_is_primary(item: &Value) -> bool {
    item.as_object()
        .and_then(|o| json::get(o, "primary"))
        .is_some_and(|p| p == &Value::Bool(true))
}

fn clear_primary(items: &mut [Value]) {
    for item in items.iter_mut().filter_map(Value::as_object_mut) {
        json::remove(item, "primary");
    }
}

/// Two elements of a multi-valued attribute are the same when their `value`s are equal
/// ignoring case (and `type`s too, when both have one), or when equal as a whole.
fn same_element(a: &Value, b: &Value) -> bool {
    let field = |v: &Value, key: &str| {
        v.as_object()
            .and_then(|o| json::get(o, key))
            .and_then(Value::as_str)
            .map(str::to_lowercase)
    };
    match (field(a, "value"), field(b, "value")) {
        (Some(x), Some(y)) => {
            x == y
                && (field(a, "type").is_none()
                    || field(b, "type").is_none()
                    || field(a, "type") == field(b, "type"))
        }
        _ => a == b,
    }
}

/// Merges the sub-attributes of `new` into `have` (or replaces a non-object).
fn merge(have: &mut Value, new: Value) {
    match (have, new) {
        (Value::Object(have), Value::Object(new)) => {
            for (key, value) in new {
                *json::entry(have, &key, Value::Null) = value;
            }
        }
        (have, new) => *have = new,
    }
}

fn remove_if_empty(container: &mut Map<String, Value>, name: &str) {
    if json::get(container, name).is_some_and(|v| !json::is_present(v)) {
        json::remove(container, name);
    }
}
