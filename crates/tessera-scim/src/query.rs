//! List parameters of `GET /Users` and `GET /Groups` (RFC 7644 §3.4.2), from the raw
//! query string as IdPs really send it: `+` for spaces, `%22` for quotes, parameter names
//! in any case, a trailing `&` (OneLogin).

use crate::error::ScimError;
use crate::filter::{AttrPath, Filter, parse_filter};
use crate::projection::Projection;

/// `sortOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// `ascending` (the default).
    #[default]
    Ascending,
    /// `descending`.
    Descending,
}

/// The parsed list parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListQuery {
    /// `filter`, when given and not blank.
    pub filter: Option<Filter>,
    /// 1-based index of the first result; values below 1 mean 1 (RFC 7644 §3.4.2.4).
    pub start_index: u64,
    /// Requested page size; negative values mean 0. `None` when not given.
    pub count: Option<u64>,
    /// `attributes` / `excludedAttributes`.
    pub projection: Projection,
    /// `sortBy`, when given.
    pub sort_by: Option<AttrPath>,
    /// `sortOrder` (ascending unless `descending` was asked).
    pub sort_order: SortOrder,
}

impl ListQuery {
    /// The page size to use: the requested `count` capped at `max_results`, or
    /// `max_results` when none was asked.
    pub fn page_size(&self, max_results: u64) -> u64 {
        self.count.map_or(max_results, |c| c.min(max_results))
    }

    /// The zero-based offset of the first result.
    pub fn offset(&self) -> u64 {
        self.start_index.saturating_sub(1)
    }
}

const NAMES: [&str; 7] = [
    "filter",
    "startIndex",
    "count",
    "attributes",
    "excludedAttributes",
    "sortBy",
    "sortOrder",
];

fn invalid(name: &str, problem: impl Into<String>) -> ScimError {
    ScimError::InvalidParameter {
        name: name.to_owned(),
        problem: problem.into(),
    }
}

fn integer(name: &str, value: &str) -> Result<i64, ScimError> {
    let value = value.trim();
    value.parse::<i64>().or_else(|_| {
        // Larger than i64: saturate rather than refuse a huge but well-formed number.
        if !value.is_empty()
            && value
                .trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit())
        {
            Ok(if value.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            })
        } else {
            Err(invalid(name, format!("{value:?} is not an integer")))
        }
    })
}

/// Parses a raw query string (with or without the leading `?`). Unknown parameters are
/// ignored; a repeated parameter, a malformed number or list is an `invalidValue`
/// error, a malformed filter an `invalidFilter` one.
pub fn parse_list_query(raw: &str) -> Result<ListQuery, ScimError> {
    let raw = raw.strip_prefix('?').unwrap_or(raw);
    let mut values: [Option<String>; 7] = Default::default();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        let Some(index) = NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(key.trim()))
        else {
            continue;
        };
        if values[index].is_some() {
            return Err(invalid(NAMES[index], "it is given more than once"));
        }
        values[index] = Some(value.into_owned());
    }
    let [
        filter,
        start_index,
        count,
        attributes,
        excluded,
        sort_by,
        sort_order,
    ] = values;
    let filter = match filter.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(parse_filter(text)?),
    };
    let start_index = match start_index {
        Some(v) => u64::try_from(integer("startIndex", &v)?.max(1)).unwrap_or(1),
        None => 1,
    };
    let count = match count {
        Some(v) => Some(u64::try_from(integer("count", &v)?.max(0)).unwrap_or(0)),
        None => None,
    };
    let sort_by = match sort_by.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let path =
                crate::filter::parse_path(text).map_err(|e| invalid("sortBy", e.to_string()))?;
            if path.filter.is_some() {
                return Err(invalid("sortBy", "a sort attribute cannot have a filter"));
            }
            Some(path.attr)
        }
    };
    let sort_order = match sort_order.as_deref().map(str::trim) {
        None | Some("") => SortOrder::Ascending,
        Some(o) if o.eq_ignore_ascii_case("ascending") => SortOrder::Ascending,
        Some(o) if o.eq_ignore_ascii_case("descending") => SortOrder::Descending,
        Some(o) => {
            return Err(invalid(
                "sortOrder",
                format!("{o:?} is neither ascending nor descending"),
            ));
        }
    };
    Ok(ListQuery {
        filter,
        start_index,
        count,
        projection: Projection::parse(attributes.as_deref(), excluded.as_deref())?,
        sort_by,
        sort_order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse_filter;

    fn filter_of(raw: &str) -> Option<String> {
        parse_list_query(raw).unwrap().filter.map(|f| f.to_string())
    }

    #[test]
    fn decodes_filters_as_idps_send_them() {
        let cases: &[(&str, Option<&str>)] = &[
            ("filter=userName+eq+%22x%22&", Some(r#"userName eq "x""#)),
            (
                "?filter=userName%20eq%20%22bjensen%40example.com%22",
                Some(r#"userName eq "bjensen@example.com""#),
            ),
            ("filter=userName Eq \"x\"", Some(r#"userName eq "x""#)),
            (
                "FILTER=externalId+eq+%228d1a%22&startIndex=1&count=100",
                Some(r#"externalId eq "8d1a""#),
            ),
            (
                "filter=displayName+eq+%22Sales+%26+Ops%22",
                Some(r#"displayName eq "Sales & Ops""#),
            ),
            (
                "filter=userName+eq+%22a%2Bb%40x.io%22",
                Some(r#"userName eq "a+b@x.io""#),
            ),
            ("filter=", None),
            ("", None),
            ("&&", None),
            ("startIndex=1&count=2", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(filter_of(raw).as_deref(), *expected, "{raw}");
        }
    }

    #[test]
    fn pagination_follows_rfc_defaults() {
        let q = parse_list_query("startIndex=1&count=2").unwrap();
        assert_eq!((q.start_index, q.count, q.offset()), (1, Some(2), 0));
        let q = parse_list_query("startIndex=0&count=-5").unwrap();
        assert_eq!((q.start_index, q.count), (1, Some(0)));
        let q = parse_list_query("startindex=11&COUNT=99999999999999999999999").unwrap();
        assert_eq!(
            (q.start_index, q.count, q.offset()),
            (11, Some(u64::try_from(i64::MAX).unwrap()), 10)
        );
        assert_eq!(q.page_size(100), 100);
        let q = parse_list_query("").unwrap();
        assert_eq!((q.start_index, q.count, q.page_size(50)), (1, None, 50));
        assert_eq!(
            q,
            ListQuery {
                start_index: 1,
                ..ListQuery::default()
            }
        );
    }

    #[test]
    fn sorting_and_projection_are_parsed() {
        let q = parse_list_query(
            "sortBy=name.familyName&sortOrder=Descending&excludedAttributes=members",
        )
        .unwrap();
        assert_eq!(q.sort_by, Some(AttrPath::with_sub("name", "familyName")));
        assert_eq!(q.sort_order, SortOrder::Descending);
        assert!(!q.projection.wants_attribute("members"));
        let q = parse_list_query("attributes=userName%2Cemails").unwrap();
        assert!(q.projection.wants_attribute("emails") && !q.projection.wants_attribute("name"));
    }

    #[test]
    fn errors_are_clear() {
        let cases: &[(&str, &str)] = &[
            (
                "startIndex=abc",
                "invalid query parameter startIndex: \"abc\" is not an integer",
            ),
            (
                "count=1.5",
                "invalid query parameter count: \"1.5\" is not an integer",
            ),
            (
                "count=1&count=2",
                "invalid query parameter count: it is given more than once",
            ),
            (
                "sortOrder=up",
                "invalid query parameter sortOrder: \"up\" is neither ascending nor descending",
            ),
            (
                "sortBy=emails[type eq \"work\"]",
                "invalid query parameter sortBy: a sort attribute cannot have a filter",
            ),
        ];
        for (raw, message) in cases {
            let error = parse_list_query(raw).unwrap_err();
            assert_eq!(&error.to_string(), message);
            assert_eq!(error.scim_type(), Some(crate::ScimType::InvalidValue));
        }
        let error = parse_list_query("filter=userName+eq").unwrap_err();
        assert_eq!(error.scim_type(), Some(crate::ScimType::InvalidFilter));
        assert_eq!(parse_filter("userName eq").unwrap_err(), error);
    }
}
