//! The attribute facts of RFC 7643 that filtering and PATCH need: case-exactness,
//! multi-valuedness, boolean type, mutability, canonical spelling. A test checks them
//! against the published schema definitions shipped by `scim_v2`.

/// Multi-valued attributes of User, EnterpriseUser and Group.
const MULTI_VALUED: &[&str] = &[
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
    "members",
];

/// Every attribute and sub-attribute name of the three schemas plus the common ones, in
/// canonical spelling.
const CANONICAL: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "meta",
    "resourceType",
    "created",
    "lastModified",
    "location",
    "version",
    "userName",
    "name",
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "active",
    "password",
    "emails",
    "value",
    "display",
    "type",
    "primary",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
    "groups",
    "$ref",
    "entitlements",
    "roles",
    "x509Certificates",
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
    "members",
];

/// The canonical spelling of a known attribute name (`USERNAME` → `userName`).
pub(crate) fn canonical_name(name: &str) -> Option<&'static str> {
    CANONICAL
        .iter()
        .find(|c| c.eq_ignore_ascii_case(name))
        .copied()
}

/// True for the multi-valued attributes.
pub(crate) fn is_multi_valued(name: &str) -> bool {
    MULTI_VALUED.iter().any(|m| m.eq_ignore_ascii_case(name))
}

/// True when string comparisons on `name[.sub]` are case-sensitive. RFC 7643 §3.1 makes
/// `id`, `externalId` and `meta`'s sub-attributes case-exact; every string attribute of
/// the User, EnterpriseUser and Group schemas is `caseExact: false`.
pub(crate) fn is_case_exact(name: &str, sub: Option<&str>) -> bool {
    let is = |want: &str| name.eq_ignore_ascii_case(want);
    match sub {
        None => is("id") || is("externalId"),
        Some(_) => is("meta"),
    }
}

/// True for boolean attributes (`active`, `<multi-valued>.primary`).
pub(crate) fn is_boolean(name: &str, sub: Option<&str>) -> bool {
    match sub {
        None => name.eq_ignore_ascii_case("active"),
        Some(sub) => sub.eq_ignore_ascii_case("primary"),
    }
}

/// True for attributes a client may never change: `id`, `meta`, and the User's `groups`
/// (managed through the Group resource).
pub(crate) fn is_read_only(name: &str) -> bool {
    ["id", "meta", "groups"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim_v2::models::scim_schema::get_schemas;
    use serde_json::Value;

    /// (parent, attribute definition) for every attribute and sub-attribute.
    fn walk(attrs: &Value, parent: Option<String>, out: &mut Vec<(Option<String>, Value)>) {
        for attr in attrs.as_array().into_iter().flatten() {
            out.push((parent.clone(), attr.clone()));
            if let Some(subs) = attr.get("subAttributes") {
                walk(subs, attr["name"].as_str().map(str::to_owned), out);
            }
        }
    }

    #[test]
    fn facts_agree_with_the_published_schemas() {
        let schemas = get_schemas(vec!["user", "enterprise_user", "group"]).unwrap();
        let mut all = Vec::new();
        for schema in &schemas {
            walk(
                &serde_json::to_value(&schema.attributes).unwrap(),
                None,
                &mut all,
            );
        }
        assert!(all.len() > 60);
        for (parent, attr) in all {
            let own = attr["name"].as_str().unwrap();
            let (name, sub) = match &parent {
                Some(p) => (p.as_str(), Some(own)),
                None => (own, None),
            };
            assert_eq!(canonical_name(&own.to_uppercase()), Some(own));
            if parent.is_none() {
                assert_eq!(is_multi_valued(name), attr["multiValued"] == true, "{name}");
                assert_eq!(
                    is_read_only(name),
                    attr["mutability"] == "readOnly",
                    "{name}"
                );
            }
            assert_eq!(
                is_boolean(name, sub),
                attr["type"] == "boolean",
                "{name} {sub:?}"
            );
            if attr["type"] == "string" || attr["type"] == "reference" {
                assert_eq!(
                    is_case_exact(name, sub),
                    attr["caseExact"] == true,
                    "{name} {sub:?}"
                );
            }
        }
    }

    #[test]
    fn common_attributes_follow_rfc7643_section_3_1() {
        assert!(is_case_exact("id", None));
        assert!(is_case_exact("externalId", None));
        assert!(is_case_exact("meta", Some("version")));
        assert!(!is_case_exact("userName", None));
        assert!(!is_case_exact("emails", Some("value")));
        assert!(is_read_only("ID") && is_read_only("meta") && !is_read_only("active"));
    }
}
