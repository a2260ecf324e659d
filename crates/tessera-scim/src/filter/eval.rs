//! Evaluates a filter against a resource in its JSON form (RFC 7644 §3.4.2.2).
//!
//! - Attribute names match case-insensitively; a core-schema URN prefix is optional and
//!   an extension URN selects the extension object.
//! - Strings compare case-insensitively unless the attribute is `caseExact`
//!   (`id`, `externalId`, `meta.*`); values that both parse as RFC 3339 date-times
//!   compare as instants.
//! - A multi-valued attribute matches when any of its values does; a multi-valued
//!   complex attribute without sub-attribute compares its elements' `value`.
//! - `ne` is the negation of `eq` (an absent attribute is "not equal"); `eq null` holds
//!   when the attribute is absent. Ordering a boolean or null matches nothing.

use super::ast::{AttrPath, CompValue, CompareOp, Filter};
use crate::{json, schema_attrs, urn};
use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// True when `resource` (a User or Group as JSON) satisfies `filter`.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    match resource {
        Value::Object(object) => eval(filter, object, None),
        _ => false,
    }
}

/// `parent` is the multi-valued attribute whose element `object` is, inside a value path.
fn eval(filter: &Filter, object: &Map<String, Value>, parent: Option<&str>) -> bool {
    match filter {
        Filter::And(items) => items.iter().all(|f| eval(f, object, parent)),
        Filter::Or(items) => items.iter().any(|f| eval(f, object, parent)),
        Filter::Not(inner) => !eval(inner, object, parent),
        Filter::Present(path) => match (attribute(object, path, parent), &path.sub_attr) {
            (None, _) => false,
            (Some(raw), None) => json::is_present(raw),
            (Some(raw), Some(sub)) => sub_values(raw, sub).into_iter().any(json::is_present),
        },
        Filter::ValuePath(path, inner) => {
            let name = path.name.as_str();
            match attribute(object, path, parent) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_object)
                    .any(|element| eval(inner, element, Some(name))),
                Some(Value::Object(element)) => eval(inner, element, Some(name)),
                _ => false,
            }
        }
        Filter::Compare(path, op, expected) => {
            let values = match (attribute(object, path, parent), &path.sub_attr) {
                (None, _) => Vec::new(),
                (Some(raw), None) => scalars(raw),
                (Some(raw), Some(sub)) => sub_values(raw, sub),
            };
            let case_exact = match parent {
                Some(p) => schema_attrs::is_case_exact(p, Some(&path.name)),
                None => schema_attrs::is_case_exact(&path.name, path.sub_attr.as_deref()),
            };
            match op {
                CompareOp::Eq => equal_any(&values, expected, case_exact),
                CompareOp::Ne => !equal_any(&values, expected, case_exact),
                _ => values.iter().any(|v| compare(v, *op, expected, case_exact)),
            }
        }
    }
}

/// The raw value of the attribute `path` names (its sub-attribute not applied). An
/// extension URN selects the extension object; inside a value path URNs are ignored.
fn attribute<'a>(
    object: &'a Map<String, Value>,
    path: &AttrPath,
    parent: Option<&str>,
) -> Option<&'a Value> {
    let container = match &path.urn {
        Some(u)
            if parent.is_none()
                && !u.eq_ignore_ascii_case(urn::USER)
                && !u.eq_ignore_ascii_case(urn::GROUP) =>
        {
            json::get(object, u)?.as_object()?
        }
        _ => object,
    };
    json::get(container, &path.name)
}

/// The values to compare for an attribute without sub-attribute: the elements of a
/// multi-valued attribute, and the `value` sub-attribute of complex ones.
fn scalars(raw: &Value) -> Vec<&Value> {
    match raw {
        Value::Array(items) => items.iter().filter_map(element_scalar).collect(),
        other => element_scalar(other).into_iter().collect(),
    }
}

fn element_scalar(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) => json::get(map, "value"),
        Value::Array(_) => None,
        other => Some(other),
    }
}

/// The values of sub-attribute `sub` of a complex attribute or of each element of a
/// multi-valued one.
fn sub_values<'a>(raw: &'a Value, sub: &str) -> Vec<&'a Value> {
    match raw {
        Value::Object(map) => json::get(map, sub).into_iter().collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|element| json::get(element, sub))
            .collect(),
        _ => Vec::new(),
    }
}

fn equal_any(values: &[&Value], expected: &CompValue, case_exact: bool) -> bool {
    if matches!(expected, CompValue::Null) {
        return values.iter().all(|v| v.is_null());
    }
    values
        .iter()
        .any(|v| compare(v, CompareOp::Eq, expected, case_exact))
}

fn compare(actual: &Value, op: CompareOp, expected: &CompValue, case_exact: bool) -> bool {
    match (actual, expected) {
        (Value::String(a), CompValue::Str(b)) => compare_strings(a, op, b, case_exact),
        (Value::Bool(a), CompValue::Bool(b)) => op == CompareOp::Eq && a == b,
        (Value::String(a), CompValue::Bool(b)) => {
            op == CompareOp::Eq && a.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        (Value::Number(a), CompValue::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a
                .partial_cmp(&b)
                .is_some_and(|ord| ordering_satisfies(ord, op)),
            _ => false,
        },
        _ => false,
    }
}

fn compare_strings(actual: &str, op: CompareOp, expected: &str, case_exact: bool) -> bool {
    let (a, b) = if case_exact {
        (actual.to_owned(), expected.to_owned())
    } else {
        (actual.to_lowercase(), expected.to_lowercase())
    };
    match op {
        CompareOp::Eq | CompareOp::Ne => {
            let equal = a == b || date_ordering(actual, expected) == Some(Ordering::Equal);
            equal == (op == CompareOp::Eq)
        }
        CompareOp::Co => a.contains(&b),
        CompareOp::Sw => a.starts_with(&b),
        CompareOp::Ew => a.ends_with(&b),
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le => {
            let ordering = date_ordering(actual, expected).unwrap_or_else(|| a.cmp(&b));
            ordering_satisfies(ordering, op)
        }
    }
}

fn date_ordering(a: &str, b: &str) -> Option<Ordering> {
    let a: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(a).ok()?;
    let b: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(b).ok()?;
    Some(a.cmp(&b))
}

fn ordering_satisfies(ordering: Ordering, op: CompareOp) -> bool {
    match op {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}
