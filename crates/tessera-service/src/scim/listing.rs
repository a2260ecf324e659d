//! SCIM lists: a filter an index answers reads only the matching rows, any other
//! filter scans in batches of a few hundred rows (refused past the configured number
//! of rows, `400 tooMany`), and a page is cut in a stable SCIM id order. Memory per
//! request is bounded by the batch and the page, not by the org's size.

use super::failure::ScimFailure;
use super::render::{add_groups, groups_json, members_of, user_json};
use crate::error::ServiceResult;
use crate::storage::{RecordQuery, Transaction};
use serde_json::Value;
use tessera_core::{Email, UserName};
use tessera_policy::team_name_key;
use tessera_scim::ScimError;
use tessera_scim::filter::{Filter, IndexedAttribute, indexed_lookup, matches};

/// Rows read per query while scanning.
const SCAN_BATCH: u64 = 500;
/// Groups read per query while scanning with their members (a group may be large).
const SCAN_BATCH_WITH_MEMBERS: u64 = 20;

/// What a list wants.
pub(crate) struct ListRequest<'a> {
    pub base_url: &'a str,
    pub filter: Option<&'a Filter>,
    pub offset: u64,
    pub limit: u64,
    /// Whether groups carry their `members`.
    pub with_members: bool,
    pub scan_limit: u64,
}

/// One page: how many match in all, and this page's resources, unprojected.
pub(crate) struct Page {
    pub total_results: u64,
    pub resources: Vec<Value>,
}

const USER_INDEXES: [IndexedAttribute; 4] = [
    IndexedAttribute::Id,
    IndexedAttribute::UserName,
    IndexedAttribute::ExternalId,
    IndexedAttribute::EmailValue,
];

const GROUP_INDEXES: [IndexedAttribute; 3] = [
    IndexedAttribute::Id,
    IndexedAttribute::DisplayName,
    IndexedAttribute::ExternalId,
];

/// The keyed query an index answers for `filter`, if one does.
fn narrowing(filter: &Filter, usable: &[IndexedAttribute]) -> Option<RecordQuery> {
    let lookup = indexed_lookup(filter).filter(|l| usable.contains(&l.attribute))?;
    let keys = lookup
        .values
        .iter()
        .filter_map(|value| index_key(lookup.attribute, value))
        .collect();
    Some(RecordQuery::Keys {
        attribute: lookup.attribute,
        keys,
    })
}

/// The stored (normalised) form of a looked-up value; `None` when nothing can match.
fn index_key(attribute: IndexedAttribute, value: &str) -> Option<String> {
    match attribute {
        IndexedAttribute::Id | IndexedAttribute::ExternalId => Some(value.to_owned()),
        IndexedAttribute::UserName => UserName::parse(value)
            .ok()
            .map(|n| n.normalized().to_owned()),
        IndexedAttribute::EmailValue => Email::parse(value).ok().map(|e| e.normalized().to_owned()),
        IndexedAttribute::DisplayName => Some(team_name_key(value)),
        IndexedAttribute::MemberValue => None,
    }
}

fn refuse_scan(rows: u64, limit: u64) -> ScimFailure {
    ScimError::TooMany {
        problem: format!(
            "this filter needs a scan of {rows} resources, more than the {limit} this server \
             scans; filter with eq on id, externalId, userName or emails.value (Users), or on \
             id, externalId or displayName (Groups)"
        ),
    }
    .into()
}

/// Counts the resources a filter matches, batch by batch, keeping the page's.
struct Scan<'a, K> {
    filter: &'a Filter,
    offset: u64,
    limit: u64,
    total: u64,
    page: Vec<(K, Value)>,
}

impl<'a, K> Scan<'a, K> {
    fn new(filter: &'a Filter, request: &ListRequest<'_>) -> Self {
        Self {
            filter,
            offset: request.offset,
            limit: request.limit,
            total: 0,
            page: Vec::new(),
        }
    }

    fn feed(&mut self, resources: impl IntoIterator<Item = (K, Value)>) {
        for (key, resource) in resources {
            if !matches(self.filter, &resource) {
                continue;
            }
            if self.total >= self.offset && self.total - self.offset < self.limit {
                self.page.push((key, resource));
            }
            self.total += 1;
        }
    }
}

/// A page of the org's SCIM Users.
pub(crate) fn users(tx: &dyn Transaction, request: &ListRequest<'_>) -> Result<Page, ScimFailure> {
    let render = |records: Vec<tessera_policy::UserRecord>| -> Vec<_> {
        records
            .iter()
            .map(|u| (u.id, user_json(u, request.base_url)))
            .collect()
    };
    let (total, mut page) = match request.filter {
        None => {
            let query = RecordQuery::Page {
                offset: request.offset,
                limit: request.limit,
            };
            (tx.count_scim_users()?, render(tx.scim_users(&query)?))
        }
        Some(filter) => {
            let mut scan = Scan::new(filter, request);
            match narrowing(filter, &USER_INDEXES) {
                Some(query) => scan.feed(render(tx.scim_users(&query)?)),
                None => {
                    let rows = tx.count_scim_users()?;
                    if rows > request.scan_limit {
                        return Err(refuse_scan(rows, request.scan_limit));
                    }
                    scan_batches(SCAN_BATCH, |query| {
                        let batch = tx.scim_users(&query)?;
                        let last = batch.last().and_then(|u| u.scim_id.clone());
                        scan.feed(render(batch));
                        Ok(last)
                    })?;
                }
            }
            (scan.total, scan.page)
        }
    };
    add_groups(tx, request.base_url, &mut page)?;
    Ok(Page {
        total_results: total,
        resources: page.into_iter().map(|(_, r)| r).collect(),
    })
}

/// A page of the org's SCIM Groups; members are read for the page's groups only when
/// asked for, and while scanning only when the filter is about them.
pub(crate) fn groups(tx: &dyn Transaction, request: &ListRequest<'_>) -> Result<Page, ScimFailure> {
    let base_url = request.base_url;
    let evaluate_members = request.filter.is_some_and(|f| f.mentions("members"));
    let (total, mut page) = match request.filter {
        None => {
            let query = RecordQuery::Page {
                offset: request.offset,
                limit: request.limit,
            };
            let teams = tx.scim_groups(&query)?;
            let page = groups_json(tx, &teams, request.with_members, base_url)?;
            (tx.count_scim_groups()?, page)
        }
        Some(filter) => {
            let mut scan = Scan::new(filter, request);
            match narrowing(filter, &GROUP_INDEXES) {
                Some(query) => {
                    let teams = tx.scim_groups(&query)?;
                    scan.feed(groups_json(tx, &teams, evaluate_members, base_url)?);
                }
                None => {
                    let rows = tx.count_scim_groups()?;
                    if rows > request.scan_limit {
                        return Err(refuse_scan(rows, request.scan_limit));
                    }
                    let batch_size = if evaluate_members {
                        SCAN_BATCH_WITH_MEMBERS
                    } else {
                        SCAN_BATCH
                    };
                    scan_batches(batch_size, |query| {
                        let batch = tx.scim_groups(&query)?;
                        let last = batch.last().and_then(|t| t.scim_id.clone());
                        scan.feed(groups_json(tx, &batch, evaluate_members, base_url)?);
                        Ok(last)
                    })?;
                }
            }
            (scan.total, scan.page)
        }
    };
    set_members(tx, &mut page, request.with_members, base_url)?;
    Ok(Page {
        total_results: total,
        resources: page.into_iter().map(|(_, r)| r).collect(),
    })
}

/// Reads batch after batch (each after the last SCIM id of the previous) until one
/// comes back empty; `next` feeds a batch and answers its last id.
fn scan_batches(
    limit: u64,
    mut next: impl FnMut(RecordQuery) -> ServiceResult<Option<String>>,
) -> ServiceResult<()> {
    let mut after = String::new();
    while let Some(last) = next(RecordQuery::After {
        scim_id: after.clone(),
        limit,
    })? {
        after = last;
    }
    Ok(())
}

/// Gives the page's groups their `members` when `with_members`, else takes them out
/// (they may have been read to evaluate the filter).
fn set_members(
    tx: &dyn Transaction,
    groups: &mut [(tessera_core::TeamId, Value)],
    with_members: bool,
    base_url: &str,
) -> ServiceResult<()> {
    if !with_members {
        for (_, group) in groups.iter_mut() {
            if let Value::Object(object) = group {
                object.remove("members");
            }
        }
        return Ok(());
    }
    let missing: Vec<_> = groups
        .iter()
        .filter(|(_, g)| g.get("members").is_none())
        .map(|(id, _)| *id)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut members = members_of(tx, &missing, base_url)?;
    for (id, group) in groups {
        if let Value::Object(object) = group
            && !object.contains_key("members")
        {
            let list = members.remove(id).unwrap_or_default();
            object.insert("members".into(), Value::Array(list));
        }
    }
    Ok(())
}
