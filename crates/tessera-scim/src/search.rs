//! The body of `POST …/.search` (RFC 7644 §3.4.3): the list parameters as a
//! SearchRequest object, read into the same [`ListQuery`] as a GET's query string.

use crate::error::ScimError;
use crate::json;
use crate::query::{ListQuery, parse_list_query};
use serde_json::Value;

/// The SearchRequest's parameters, read like a query string: `attributes` and
/// `excludedAttributes` as lists (or one comma-separated string), the others as
/// strings or numbers. Unknown members (`schemas`) are ignored.
pub fn parse_search_request(body: &Value) -> Result<ListQuery, ScimError> {
    let object = body
        .as_object()
        .ok_or_else(|| ScimError::syntax("a SearchRequest must be a JSON object"))?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for name in [
        "filter",
        "startIndex",
        "count",
        "attributes",
        "excludedAttributes",
        "sortBy",
        "sortOrder",
    ] {
        let value = match json::get(object, name) {
            None | Some(Value::Null) => continue,
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ScimError::invalid_value(name, "must be a list of strings"))?
                .join(","),
            Some(_) => return Err(ScimError::invalid_value(name, "has the wrong type")),
        };
        query.append_pair(name, &value);
    }
    parse_list_query(&query.finish())
}

#[cfg(test)]
mod tests {
    use super::parse_search_request;
    use serde_json::json;

    #[test]
    fn a_search_request_reads_like_a_query_string() {
        let query = parse_search_request(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "attributes": ["userName", "name.givenName"],
            "filter": "userName eq \"a&b@example.com\"",
            "startIndex": 2,
            "count": 10
        }))
        .unwrap();
        assert_eq!(query.start_index, 2);
        assert!(query.filter.is_some());
        assert!(query.projection.wants_attribute("userName"));
        assert!(!query.projection.wants_attribute("emails"));
        assert!(parse_search_request(&json!({"count": true})).is_err());
        assert!(parse_search_request(&json!([])).is_err());
    }
}
