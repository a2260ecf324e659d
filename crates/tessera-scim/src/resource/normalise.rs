//! Brings an incoming resource to one shape before typing it: standard schema URNs,
//! canonical spelling of known attribute names, booleans as booleans.

use crate::patch::coerce_booleans;
use crate::{schema_attrs, urn};
use serde_json::{Map, Value};

/// Normalises a resource body in place (see the module docs). Unknown attributes are
/// kept as they are.
pub(crate) fn normalise_resource(value: Value) -> Value {
    let Value::Object(object) = coerce_booleans(value) else {
        return Value::Null;
    };
    let mut out = Map::new();
    for (key, value) in object {
        let key = if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
            urn::normalise_schema_urn(&key).to_owned()
        } else {
            canonical(key)
        };
        let value = match (key.as_str(), value) {
            ("schemas", Value::Array(schemas)) => Value::Array(
                schemas
                    .into_iter()
                    .map(|s| match s {
                        Value::String(s) => Value::String(urn::normalise_schema_urn(&s).to_owned()),
                        other => other,
                    })
                    .collect(),
            ),
            (_, value) => canonical_keys(value),
        };
        if !out.contains_key(&key) {
            out.insert(key, value);
        }
    }
    Value::Object(out)
}

fn canonical(key: String) -> String {
    schema_attrs::canonical_name(&key).map_or(key, str::to_owned)
}

/// Canonical spelling for the sub-attribute names of a complex or multi-valued value.
fn canonical_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = canonical(key);
                if !out.contains_key(&key) {
                    out.insert(key, canonical_keys(value));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical_keys).collect()),
        other => other,
    }
}
