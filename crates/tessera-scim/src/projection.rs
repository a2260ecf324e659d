//! `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9).
//!
//! `id` and `schemas` are always returned and `password` never. Ask
//! [`Projection::wants_attribute`] before loading something expensive: a group read with
//! `excludedAttributes=members` needs no member query at all.

use crate::error::ScimError;
use crate::{json, urn};
use serde_json::{Map, Value};

/// One entry of an `attributes` list: an extension object, or a (sub-)attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selector {
    /// The extension URN holding the attribute; `None` for core attributes.
    extension: Option<String>,
    /// The attribute; `None` selects the whole extension object.
    name: Option<String>,
    sub: Option<String>,
}

impl Selector {
    fn parse(text: &str, parameter: &str) -> Result<Self, ScimError> {
        let invalid = |problem: String| ScimError::InvalidParameter {
            name: parameter.to_owned(),
            problem,
        };
        let text = text.trim();
        let (extension, rest) = match urn::split_known_urn(text) {
            Some((u, rest)) => {
                let core = u == urn::USER || u == urn::GROUP;
                (if core { None } else { Some(u.to_owned()) }, rest)
            }
            None => match text.rsplit_once(':') {
                Some((u, rest)) => (Some(u.to_owned()), rest),
                None => (None, text),
            },
        };
        if rest.is_empty() {
            return Ok(Self {
                extension,
                name: None,
                sub: None,
            });
        }
        let path = crate::filter::parse_path(rest).map_err(|e| invalid(e.to_string()))?;
        if path.filter.is_some() || path.attr.urn.is_some() {
            return Err(invalid(format!("{text:?} is not an attribute name")));
        }
        Ok(Self {
            extension,
            name: Some(path.attr.name),
            sub: path.attr.sub_attr,
        })
    }

    /// True when this selector names `key` of the container (`extension`) as a whole or
    /// in part.
    fn touches(&self, extension: Option<&str>, key: &str) -> bool {
        same_extension(self.extension.as_deref(), extension)
            && self
                .name
                .as_deref()
                .is_none_or(|n| n.eq_ignore_ascii_case(key))
    }
}

fn same_extension(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

/// Which attributes a response carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    attributes: Vec<Selector>,
    excluded: Vec<Selector>,
}

/// Most entries accepted in `attributes` or `excludedAttributes` (the schemas define
/// far fewer attributes; each entry costs work on every resource of a page).
pub const MAX_PROJECTION_ATTRIBUTES: usize = 100;

fn parse_list(text: Option<&str>, parameter: &str) -> Result<Vec<Selector>, ScimError> {
    let items: Vec<&str> = text
        .into_iter()
        .flat_map(|t| t.split(','))
        .filter(|item| !item.trim().is_empty())
        .collect();
    if items.len() > MAX_PROJECTION_ATTRIBUTES {
        return Err(ScimError::InvalidParameter {
            name: parameter.to_owned(),
            problem: format!("at most {MAX_PROJECTION_ATTRIBUTES} attributes"),
        });
    }
    items
        .into_iter()
        .map(|item| Selector::parse(item, parameter))
        .collect()
}

const ALWAYS: [&str; 2] = ["id", "schemas"];

impl Projection {
    /// Builds a projection from the raw comma-separated `attributes` and
    /// `excludedAttributes` values. When both are given, `attributes` wins.
    pub fn parse(
        attributes: Option<&str>,
        excluded_attributes: Option<&str>,
    ) -> Result<Self, ScimError> {
        Ok(Self {
            attributes: parse_list(attributes, "attributes")?,
            excluded: parse_list(excluded_attributes, "excludedAttributes")?,
        })
    }

    /// True when the response should carry (some of) `attribute`: a core name like
    /// `members`, or a URN-qualified one like
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
    pub fn wants_attribute(&self, attribute: &str) -> bool {
        let Ok(Selector {
            extension,
            name: Some(name),
            ..
        }) = Selector::parse(attribute, "")
        else {
            return true;
        };
        if extension.is_none() && ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
            return true;
        }
        if !self.attributes.is_empty() {
            return self
                .attributes
                .iter()
                .any(|s| s.touches(extension.as_deref(), &name));
        }
        !self
            .excluded
            .iter()
            .any(|s| s.sub.is_none() && s.touches(extension.as_deref(), &name))
    }

    /// Removes from `resource` what the client did not ask for (and `password`).
    pub fn apply(&self, resource: &mut Value) {
        let Value::Object(object) = resource else {
            return;
        };
        json::remove(object, "password");
        let keys: Vec<String> = object.keys().cloned().collect();
        for key in keys {
            if ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&key)) {
                continue;
            }
            let is_extension = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
            let keep = if is_extension {
                match object.get_mut(&key) {
                    Some(Value::Object(extension)) => {
                        self.project_container(extension, Some(&key));
                        self.keeps_extension(&key) && !extension.is_empty()
                    }
                    _ => self.keeps_extension(&key),
                }
            } else {
                self.project_attribute(object, &key, None)
            };
            if !keep {
                object.remove(&key);
            }
        }
    }

    fn keeps_extension(&self, extension: &str) -> bool {
        let whole = |s: &Selector| {
            s.name.is_none() && same_extension(s.extension.as_deref(), Some(extension))
        };
        if self.attributes.is_empty() {
            !self.excluded.iter().any(whole)
        } else {
            self.attributes
                .iter()
                .any(|s| same_extension(s.extension.as_deref(), Some(extension)))
        }
    }

    fn project_container(&self, container: &mut Map<String, Value>, extension: Option<&str>) {
        let whole =
            |s: &Selector| s.name.is_none() && same_extension(s.extension.as_deref(), extension);
        if self.attributes.iter().any(whole) {
            return;
        }
        let keys: Vec<String> = container.keys().cloned().collect();
        for key in keys {
            if !self.project_attribute(container, &key, extension) {
                container.remove(&key);
            }
        }
    }

    /// Projects `container[key]` in place; false when it should be dropped entirely.
    fn project_attribute(
        &self,
        container: &mut Map<String, Value>,
        key: &str,
        extension: Option<&str>,
    ) -> bool {
        let subs = |list: &[Selector]| -> Vec<Option<String>> {
            list.iter()
                .filter(|s| s.touches(extension, key))
                .map(|s| s.name.as_ref().and(s.sub.clone()))
                .collect()
        };
        let Some(value) = container.get_mut(key) else {
            return false;
        };
        if !self.attributes.is_empty() {
            let wanted = subs(&self.attributes);
            if wanted.is_empty() {
                return false;
            }
            if wanted.iter().all(Option::is_some) {
                let wanted: Vec<String> = wanted.into_iter().flatten().collect();
                retain_subs(value, |sub| {
                    wanted.iter().any(|w| w.eq_ignore_ascii_case(sub))
                });
            }
            return true;
        }
        let excluded = subs(&self.excluded);
        if excluded.iter().any(Option::is_none) {
            return false;
        }
        let excluded: Vec<String> = excluded.into_iter().flatten().collect();
        if !excluded.is_empty() {
            retain_subs(value, |sub| {
                !excluded.iter().any(|e| e.eq_ignore_ascii_case(sub))
            });
        }
        true
    }
}

/// Keeps only the sub-attributes `keep` accepts, in a complex value or each element.
fn retain_subs(value: &mut Value, keep: impl Fn(&str) -> bool) {
    match value {
        Value::Object(map) => map.retain(|k, _| keep(k)),
        Value::Array(items) => {
            for item in items {
                if let Value::Object(map) = item {
                    map.retain(|k, _| keep(k));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    fn user() -> Value {
        json!({
            "schemas": [urn::USER, ENTERPRISE],
            "id": "1",
            "userName": "bjensen",
            "password": "t1meMa$heen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "b@example.com", "type": "work"}],
            "meta": {"resourceType": "User"},
            ENTERPRISE: {"department": "Tour", "employeeNumber": "7"}
        })
    }

    fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
        let mut value = user();
        Projection::parse(attributes, excluded)
            .unwrap()
            .apply(&mut value);
        value
    }

    #[test]
    fn default_returns_everything_but_the_password() {
        let mut expected = user();
        expected.as_object_mut().unwrap().remove("password");
        assert_eq!(project(None, None), expected);
    }

    #[test]
    fn attributes_keep_only_what_is_asked_plus_id_and_schemas() {
        assert_eq!(
            project(Some("userName,name.givenName,EMAILS.value"), None),
            json!({
                "schemas": [urn::USER, ENTERPRISE], "id": "1", "userName": "bjensen",
                "name": {"givenName": "Barbara"}, "emails": [{"value": "b@example.com"}]
            })
        );
        assert_eq!(
            project(Some(&format!("{ENTERPRISE}:department")), None),
            json!({"schemas": [urn::USER, ENTERPRISE], "id": "1", ENTERPRISE: {"department": "Tour"}})
        );
        assert_eq!(
            project(
                Some(&format!(
                    "{ENTERPRISE},urn:ietf:params:scim:schemas:core:2.0:User:userName"
                )),
                None
            ),
            json!({"schemas": [urn::USER, ENTERPRISE], "id": "1", "userName": "bjensen",
                   ENTERPRISE: {"department": "Tour", "employeeNumber": "7"}})
        );
    }

    #[test]
    fn excluded_attributes_remove_only_those() {
        let value = project(
            None,
            Some(&format!(
                "emails,name.familyName,meta,{ENTERPRISE}:employeeNumber,id"
            )),
        );
        assert_eq!(
            value,
            json!({
                "schemas": [urn::USER, ENTERPRISE], "id": "1", "userName": "bjensen",
                "name": {"givenName": "Barbara"}, ENTERPRISE: {"department": "Tour"}
            })
        );
        let value = project(None, Some(ENTERPRISE));
        assert!(value.get(ENTERPRISE).is_none());
    }

    #[test]
    fn wants_attribute_is_known_before_loading() {
        let members_excluded = Projection::parse(None, Some("members")).unwrap();
        assert!(!members_excluded.wants_attribute("members"));
        assert!(members_excluded.wants_attribute("displayName"));
        let only_name = Projection::parse(Some("displayName"), None).unwrap();
        assert!(!only_name.wants_attribute("members"));
        assert!(only_name.wants_attribute("id"));
        let member_values = Projection::parse(Some("members.value"), Some("members")).unwrap();
        assert!(member_values.wants_attribute("MEMBERS"));
        let sub_excluded = Projection::parse(None, Some("members.display")).unwrap();
        assert!(sub_excluded.wants_attribute("members"));
        let manager = Projection::parse(Some(&format!("{ENTERPRISE}:manager")), None).unwrap();
        assert!(manager.wants_attribute(&format!("{ENTERPRISE}:manager")));
        assert!(!manager.wants_attribute("manager"));
        assert!(Projection::default().wants_attribute("members"));
    }

    #[test]
    fn bad_lists_are_invalid_parameters() {
        let error = Projection::parse(Some("emails[type eq \"work\"]"), None).unwrap_err();
        assert!(
            matches!(error, ScimError::InvalidParameter { ref name, .. } if name == "attributes")
        );
        assert!(Projection::parse(None, Some("a b")).is_err());
    }

    #[test]
    fn long_attribute_lists_are_refused_by_name() {
        let many = vec!["userName"; MAX_PROJECTION_ATTRIBUTES + 1].join(",");
        let error = Projection::parse(None, Some(&many)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid query parameter excludedAttributes: at most 100 attributes"
        );
        let enough = vec!["userName"; MAX_PROJECTION_ATTRIBUTES].join(",");
        assert!(Projection::parse(Some(&enough), None).is_ok());
    }
}
