//! Schema and message URNs, and the normalisation of non-standard ones.

/// Core User schema.
pub const USER: &str = scim_v2::schema_urns::USER;
/// Enterprise User extension schema.
pub const ENTERPRISE_USER: &str = scim_v2::schema_urns::ENTERPRISE_USER;
/// Core Group schema.
pub const GROUP: &str = scim_v2::schema_urns::GROUP;
/// ListResponse message.
pub const LIST_RESPONSE: &str = scim_v2::schema_urns::LIST_RESPONSE;
/// PatchOp message.
pub const PATCH_OP: &str = scim_v2::schema_urns::PATCH_OP;
/// Error message.
pub const ERROR: &str = scim_v2::schema_urns::ERROR;
/// ServiceProviderConfig schema.
pub const SERVICE_PROVIDER_CONFIG: &str = scim_v2::schema_urns::SERVICE_PROVIDER_CONFIG;
/// ResourceType schema.
pub const RESOURCE_TYPE: &str = scim_v2::schema_urns::RESOURCE_TYPE;
/// Schema schema.
pub const SCHEMA: &str = scim_v2::schema_urns::SCHEMA;

/// Non-standard spellings seen in the wild (OneLogin) and the standard URN each means.
const ALIASES: &[(&str, &str)] = &[
    ("urn:scim:schemas:core:2.0:User", USER),
    ("urn:scim:schemas:core:2.0:Group", GROUP),
    ("urn:scim:schemas:core:2.0", USER),
    (
        "urn:scim:schemas:extension:enterprise:2.0:User",
        ENTERPRISE_USER,
    ),
    ("urn:scim:schemas:extension:enterprise:2.0", ENTERPRISE_USER),
];

/// The standard URNs, used to restore their canonical spelling.
const STANDARD: &[&str] = &[USER, ENTERPRISE_USER, GROUP, PATCH_OP, LIST_RESPONSE, ERROR];

/// Maps a schema URN to its standard spelling: OneLogin's `urn:scim:schemas:core:2.0`
/// becomes the core User URN, any case variant of a standard URN its canonical case.
/// Unknown URNs (custom extensions) are returned unchanged.
pub fn normalise_schema_urn(urn: &str) -> &str {
    if let Some((_, standard)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(urn))
    {
        return standard;
    }
    STANDARD
        .iter()
        .find(|standard| standard.eq_ignore_ascii_case(urn))
        .copied()
        .unwrap_or(urn)
}

/// Splits an attribute path that starts with a known schema URN (standard or alias) into
/// the standard URN and the rest: `urn:scim:schemas:extension:enterprise:2.0:manager`
/// gives (`…enterprise:2.0:User`, `manager`). Returns `None` when no known URN prefixes it.
pub fn split_known_urn(path: &str) -> Option<(&'static str, &str)> {
    let candidates = ALIASES
        .iter()
        .map(|(alias, standard)| (*alias, *standard))
        .chain(STANDARD.iter().map(|s| (*s, *s)));
    // Longest prefix first, so `…:2.0:User:x` is not split after `…:2.0`.
    let mut best: Option<(&'static str, &str, usize)> = None;
    for (prefix, standard) in candidates {
        let Some(head) = path.get(..prefix.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(prefix) {
            continue;
        }
        let rest = &path[prefix.len()..];
        let rest = match rest.strip_prefix(':') {
            Some(rest) => rest,
            None if rest.is_empty() => rest,
            None => continue,
        };
        if best.is_none_or(|(_, _, len)| prefix.len() > len) {
            best = Some((standard, rest, prefix.len()));
        }
    }
    best.map(|(standard, rest, _)| (standard, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onelogin_urns_become_standard() {
        assert_eq!(normalise_schema_urn("urn:scim:schemas:core:2.0"), USER);
        assert_eq!(
            normalise_schema_urn("urn:scim:schemas:extension:enterprise:2.0"),
            ENTERPRISE_USER
        );
        assert_eq!(
            normalise_schema_urn("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"),
            USER
        );
        assert_eq!(
            normalise_schema_urn("urn:acme:custom:1.0"),
            "urn:acme:custom:1.0"
        );
    }

    #[test]
    fn attribute_paths_split_on_the_longest_known_urn() {
        assert_eq!(
            split_known_urn("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"),
            Some((ENTERPRISE_USER, "manager"))
        );
        assert_eq!(
            split_known_urn("urn:scim:schemas:extension:enterprise:2.0:department"),
            Some((ENTERPRISE_USER, "department"))
        );
        assert_eq!(
            split_known_urn("urn:scim:schemas:extension:enterprise:2.0:User:department"),
            Some((ENTERPRISE_USER, "department"))
        );
        assert_eq!(split_known_urn(USER), Some((USER, "")));
        assert_eq!(
            split_known_urn("urn:ietf:params:scim:schemas:core:2.0:Username"),
            None
        );
        assert_eq!(split_known_urn("name.givenName"), None);
    }
}
