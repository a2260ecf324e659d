//! The `meta` attribute (RFC 7643 §3.1) and ETag handling (RFC 7644 §3.14).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// `meta`: resource type, timestamps, location and version (a weak ETag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// `User` or `Group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// When the resource was created.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rfc3339_opt")]
    pub created: Option<DateTime<Utc>>,
    /// When the resource last changed.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rfc3339_opt")]
    pub last_modified: Option<DateTime<Utc>>,
    /// The resource's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The weak ETag, `W/"…"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Meta {
    /// The `meta` of a stored resource. `base_url` is the SCIM root of the workspace
    /// (e.g. `https://host/scim/v2/acme`), `endpoint` is `Users` or `Groups`, `revision`
    /// anything that changes on every write (a counter, or the modification time).
    pub fn for_resource(
        resource_type: &str,
        base_url: &str,
        endpoint: &str,
        id: &str,
        created: DateTime<Utc>,
        last_modified: DateTime<Utc>,
        revision: &str,
    ) -> Self {
        Self {
            resource_type: Some(resource_type.to_owned()),
            created: Some(created),
            last_modified: Some(last_modified),
            location: Some(format!(
                "{}/{endpoint}/{id}",
                base_url.trim_end_matches('/')
            )),
            version: Some(weak_etag(revision)),
        }
    }
}

/// A weak ETag for a revision: `W/"<revision>"` (quotes and backslashes in the revision
/// are dropped so the tag stays well-formed).
pub fn weak_etag(revision: &str) -> String {
    let clean: String = revision
        .chars()
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    format!("W/\"{clean}\"")
}

/// True when a request's `If-Match` header allows writing a resource whose ETag is
/// `current`: `*`, or any listed tag equal to it under weak comparison (RFC 7232 §2.3.2).
pub fn if_match_allows(if_match: &str, current: &str) -> bool {
    let opaque = |tag: &str| {
        let tag = tag.trim();
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag.to_owned()
    };
    let current = opaque(current);
    if_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || (!tag.is_empty() && opaque(tag) == current))
}

mod rfc3339_opt {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => serializer.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn meta_serialises_as_rfc7643_says() {
        let created = Utc.with_ymd_and_hms(2010, 1, 23, 4, 56, 22).unwrap();
        let modified = Utc.with_ymd_and_hms(2011, 5, 13, 4, 42, 34).unwrap();
        let meta = Meta::for_resource(
            "User",
            "https://h/scim/v2/acme/",
            "Users",
            "2819c223",
            created,
            modified,
            "7",
        );
        let json = serde_json::to_value(&meta).unwrap();
        assert_eq!(
            json,
            json!({
                "resourceType": "User",
                "created": "2010-01-23T04:56:22Z",
                "lastModified": "2011-05-13T04:42:34Z",
                "location": "https://h/scim/v2/acme/Users/2819c223",
                "version": "W/\"7\""
            })
        );
        assert_eq!(serde_json::from_value::<Meta>(json).unwrap(), meta);
    }

    #[test]
    fn etags_and_if_match() {
        assert_eq!(weak_etag("a\"b"), "W/\"ab\"");
        let current = weak_etag("7");
        assert!(if_match_allows("W/\"7\"", &current));
        assert!(if_match_allows("\"7\"", &current));
        assert!(if_match_allows("*", &current));
        assert!(if_match_allows("W/\"6\", W/\"7\"", &current));
        assert!(!if_match_allows("W/\"6\"", &current));
        assert!(!if_match_allows("", &current));
    }
}
