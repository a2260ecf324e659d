//! Case-insensitive access to JSON objects (SCIM attribute names are case-insensitive).

use serde_json::{Map, Value};

/// The key of `object` equal to `name` ignoring ASCII case, exact match preferred.
pub(crate) fn find_key<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a String> {
    object
        .get_key_value(name)
        .map(|(k, _)| k)
        .or_else(|| object.keys().find(|k| k.eq_ignore_ascii_case(name)))
}

/// The value under `name`, ignoring ASCII case.
pub(crate) fn get<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    find_key(object, name).and_then(|k| object.get(k))
}

/// The value under `name`, ignoring ASCII case, mutably.
pub(crate) fn get_mut<'a>(object: &'a mut Map<String, Value>, name: &str) -> Option<&'a mut Value> {
    let key = find_key(object, name)?.clone();
    object.get_mut(&key)
}

/// Removes the value under `name`, ignoring ASCII case.
pub(crate) fn remove(object: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let key = find_key(object, name)?.clone();
    object.remove(&key)
}

/// The entry under `name` (ignoring ASCII case), inserted as `default` under `name` when
/// absent.
pub(crate) fn entry<'a>(
    object: &'a mut Map<String, Value>,
    name: &str,
    default: Value,
) -> &'a mut Value {
    let key = find_key(object, name)
        .cloned()
        .unwrap_or_else(|| name.to_owned());
    object.entry(key).or_insert(default)
}

/// True when a value counts as "present" for SCIM: not null, not an empty string, array
/// or object.
pub(crate) fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(is_present),
        Value::Object(map) => map.values().any(is_present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookups_ignore_case_but_prefer_exact() {
        let Value::Object(mut map) = json!({"userName": "a", "USERNAME": "b", "Emails": []}) else {
            unreachable!()
        };
        assert_eq!(get(&map, "USERNAME"), Some(&json!("b")));
        assert_eq!(get(&map, "emails"), Some(&json!([])));
        *entry(&mut map, "EMAILS", Value::Null) = json!([1]);
        assert_eq!(map.get("Emails"), Some(&json!([1])));
        entry(&mut map, "title", json!("x"));
        assert_eq!(remove(&mut map, "TITLE"), Some(json!("x")));
        assert!(get_mut(&mut map, "nothing").is_none());
    }

    #[test]
    fn presence_follows_scim() {
        assert!(!is_present(&json!(null)));
        assert!(!is_present(&json!("")));
        assert!(!is_present(&json!([])));
        assert!(!is_present(&json!({"a": null})));
        assert!(is_present(&json!(false)));
        assert!(is_present(&json!([{"value": "x"}])));
    }
}
