//! The `groups` a client sends inside a User (Okta's wizard apps): read-only in
//! RFC 7643 §4.1.2, but honoured as the user's IdP group memberships.

use crate::error::ScimError;
use crate::json;
use serde_json::Value;

/// The group ids (`value`s) listed in the User's `groups`, or `None` when the
/// attribute is absent, `null` or an empty list (Okta sends `"groups": []` on every
/// PUT even when it pushes memberships through `/Groups`, so an empty list says
/// nothing). A malformed list is `invalidValue`.
pub fn user_group_refs(user: &Value) -> Result<Option<Vec<String>>, ScimError> {
    let Some(groups) = user.as_object().and_then(|o| json::get(o, "groups")) else {
        return Ok(None);
    };
    let items = match groups {
        Value::Null => return Ok(None),
        Value::Array(items) if items.is_empty() => return Ok(None),
        Value::Array(items) => items,
        _ => return Err(ScimError::invalid_value("groups", "must be a list")),
    };
    items
        .iter()
        .map(|item| {
            item.as_object()
                .and_then(|o| json::get(o, "value"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ScimError::invalid_value("groups", "each group needs a string `value`")
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::user_group_refs;
    use serde_json::json;

    #[test]
    fn reads_values_and_treats_empty_as_absent() {
        let user = json!({"groups": [{"value": "g1", "display": "Sales"}, {"Value": "g2"}]});
        assert_eq!(
            user_group_refs(&user).ok().flatten(),
            Some(vec!["g1".to_owned(), "g2".to_owned()])
        );
        assert_eq!(user_group_refs(&json!({"groups": []})).ok(), Some(None));
        assert_eq!(user_group_refs(&json!({"userName": "a"})).ok(), Some(None));
        assert!(user_group_refs(&json!({"groups": [{"display": "x"}]})).is_err());
        assert!(user_group_refs(&json!({"groups": "g1"})).is_err());
    }
}
