//! Recognises filters the server can answer from an index instead of a scan.
//!
//! IdPs look resources up with `userName eq "x"`, `externalId eq "x"`,
//! `displayName eq "x"`, `emails[value eq "x"]`, `id eq "x"`, sometimes and-ed with
//! other terms or or-ed into a batch. [`indexed_lookup`] names the indexed attribute and
//! values every match must have; the server fetches those rows and, unless the lookup is
//! [`IndexedLookup::exact`], runs [`matches`](super::matches) on them.

use super::ast::{AttrPath, CompValue, CompareOp, Filter};

/// An attribute the server keeps an index on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexedAttribute {
    /// `id` (case-exact).
    Id,
    /// `userName` (case-insensitive).
    UserName,
    /// `externalId` (case-exact).
    ExternalId,
    /// `emails.value` (case-insensitive).
    EmailValue,
    /// `displayName` (case-insensitive), the Group lookup.
    DisplayName,
    /// `members.value` (a Group has this member).
    MemberValue,
}

impl IndexedAttribute {
    /// True when values must be compared case-sensitively (`id`, `externalId`);
    /// otherwise compare lower-cased.
    pub fn case_exact(self) -> bool {
        matches!(self, Self::Id | Self::ExternalId)
    }

    fn from_path(path: &AttrPath) -> Option<Self> {
        const TABLE: [(&str, Option<&str>, IndexedAttribute); 8] = [
            ("id", None, IndexedAttribute::Id),
            ("userName", None, IndexedAttribute::UserName),
            ("externalId", None, IndexedAttribute::ExternalId),
            ("displayName", None, IndexedAttribute::DisplayName),
            ("emails", Some("value"), IndexedAttribute::EmailValue),
            ("emails", None, IndexedAttribute::EmailValue),
            ("members", Some("value"), IndexedAttribute::MemberValue),
            ("members", None, IndexedAttribute::MemberValue),
        ];
        TABLE
            .iter()
            .find(|(name, sub, _)| path.is(name, *sub))
            .map(|(_, _, attribute)| *attribute)
    }
}

/// Every resource matching the filter has `attribute` equal to one of `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedLookup {
    /// The indexed attribute.
    pub attribute: IndexedAttribute,
    /// The wanted values (more than one for an `or` batch), as sent.
    pub values: Vec<String>,
    /// True when the filter says nothing more than this lookup: the server can count and
    /// page in SQL without evaluating the filter.
    pub exact: bool,
}

/// The index lookup implied by `filter`, if any (see the module docs).
pub fn indexed_lookup(filter: &Filter) -> Option<IndexedLookup> {
    lookup_with(filter, &IndexedAttribute::from_path)
}

/// `classify` names the indexed attribute an attribute path stands for.
fn lookup_with(
    filter: &Filter,
    classify: &dyn Fn(&AttrPath) -> Option<IndexedAttribute>,
) -> Option<IndexedLookup> {
    match filter {
        Filter::Compare(path, CompareOp::Eq, CompValue::Str(value)) => {
            classify(path).map(|attribute| IndexedLookup {
                attribute,
                values: vec![value.clone()],
                exact: true,
            })
        }
        Filter::ValuePath(path, inner) => {
            let attribute =
                IndexedAttribute::from_path(&AttrPath::with_sub(path.name.clone(), "value"))
                    .filter(|_| {
                        path.is_core(crate::urn::USER) || path.is_core(crate::urn::GROUP)
                    })?;
            let element_value = |p: &AttrPath| p.is("value", None).then_some(attribute);
            lookup_with(inner, &element_value)
        }
        Filter::And(items) => items
            .iter()
            .filter_map(|item| lookup_with(item, classify))
            .min_by_key(|lookup| (lookup.attribute, lookup.values.len()))
            .map(|lookup| IndexedLookup {
                exact: false,
                ..lookup
            }),
        Filter::Or(items) => {
            let mut lookups = items.iter().map(|item| lookup_with(item, classify));
            let mut merged = lookups.next()??;
            for lookup in lookups {
                let lookup = lookup?;
                if lookup.attribute != merged.attribute {
                    return None;
                }
                merged.values.extend(lookup.values);
                merged.exact &= lookup.exact;
            }
            Some(merged)
        }
        Filter::Compare(..) | Filter::Present(_) | Filter::Not(_) => None,
    }
}
