//! What the SCIM server reads: provisioned users and IdP groups as SCIM JSON, looked
//! up by id, listed with a filter (from an index when the filter allows it, else a scan
//! in batches of a few hundred rows evaluated with [`tessera_scim::filter::matches`],
//! refused past a configured number of rows) and paged in a stable order. Memory per
//! request is bounded by the batch and the page, not by the org's size.
//!
//! Only SCIM-managed rows are visible: a user or team whose `scim_id` was cleared (U5,
//! T7) is not found.

use crate::schema::{memberships, teams, users};
use crate::time::from_db;
use crate::{DbConnection, Result, Store};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use tessera_core::{Email, OrgId, UserName, UserStatus};
use tessera_policy::team_name_key;
use tessera_scim::filter::{Filter, IndexedAttribute, indexed_lookup, matches};
use tessera_scim::{Meta, urn};

/// One page of a SCIM list.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimPage {
    /// How many resources match, across pages.
    pub total_results: u64,
    /// The resources of this page, in `id` order, not yet projected.
    pub resources: Vec<Value>,
}

/// Which resources a SCIM list wants.
#[derive(Debug, Clone, Copy)]
pub struct ScimListRequest<'a> {
    /// The SCIM root of the workspace, for `meta.location`.
    pub base_url: &'a str,
    /// The filter, if any.
    pub filter: Option<&'a Filter>,
    /// Zero-based index of the first resource of the page.
    pub offset: u64,
    /// The page size.
    pub limit: u64,
    /// Whether groups carry their `members` (never loaded when false).
    pub with_members: bool,
    /// The most users or groups a filter that no index answers may scan.
    pub scan_limit: u64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct ScimUserRow {
    scim_id: Option<String>,
    scim_user_name_normalized: Option<String>,
    external_id: Option<String>,
    scim_attributes: Option<String>,
    idp_email_normalized: Option<String>,
    email: String,
    status: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = teams)]
struct ScimGroupRow {
    id: String,
    scim_id: Option<String>,
    name: String,
    external_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// The indexed column a filter narrows users or groups to, with its keys.
enum Narrowing {
    Everything,
    Keys(IndexedAttribute, Vec<String>),
}

fn narrowing(filter: Option<&Filter>, usable: &[IndexedAttribute]) -> Narrowing {
    match filter.and_then(indexed_lookup) {
        Some(lookup) if usable.contains(&lookup.attribute) => {
            let keys = lookup
                .values
                .iter()
                .filter_map(|value| index_key(lookup.attribute, value))
                .collect();
            Narrowing::Keys(lookup.attribute, keys)
        }
        _ => Narrowing::Everything,
    }
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

impl Store {
    /// The SCIM User with our SCIM id `scim_id`, or `None` (also once detached, U5).
    pub fn scim_user(&self, org_id: OrgId, base_url: &str, scim_id: &str) -> Result<Option<Value>> {
        Ok(scim_user_on(&mut *self.conn()?, org_id, base_url, scim_id)?)
    }

    /// A page of the org's SCIM Users matching the filter, in `id` order; refused when
    /// the filter needs a scan of more users than `request.scan_limit`.
    pub fn scim_users(&self, org_id: OrgId, request: ScimListRequest<'_>) -> Result<Listing> {
        let mut conn = self.conn()?;
        let org = org_id.to_string();
        let all = || {
            users::table
                .filter(users::org_id.eq(org.clone()))
                .filter(users::scim_id.is_not_null())
                .select(ScimUserRow::as_select())
                .order(users::scim_id.asc())
                .into_boxed()
        };
        let count_all = |conn: &mut DbConnection| -> QueryResult<i64> {
            users::table
                .filter(users::org_id.eq(org.clone()))
                .filter(users::scim_id.is_not_null())
                .count()
                .get_result(conn)
        };
        let base_url = request.base_url;
        let mut page = match (request.filter, narrowing(request.filter, &USER_INDEXES)) {
            (None, _) => {
                let total = count_all(&mut conn)?;
                let rows: Vec<ScimUserRow> = all()
                    .offset(to_i64(request.offset))
                    .limit(to_i64(request.limit))
                    .load(&mut *conn)?;
                ScimPage {
                    total_results: u64::try_from(total).unwrap_or(0),
                    resources: rows.into_iter().map(|r| user_json(r, base_url)).collect(),
                }
            }
            (Some(filter), Narrowing::Keys(attribute, keys)) => {
                let query = match attribute {
                    IndexedAttribute::Id => all().filter(users::scim_id.eq_any(keys)),
                    IndexedAttribute::UserName => {
                        all().filter(users::scim_user_name_normalized.eq_any(keys))
                    }
                    IndexedAttribute::ExternalId => all().filter(users::external_id.eq_any(keys)),
                    IndexedAttribute::EmailValue => {
                        all().filter(users::idp_email_normalized.eq_any(keys))
                    }
                    IndexedAttribute::DisplayName | IndexedAttribute::MemberValue => all(),
                };
                let rows: Vec<ScimUserRow> = query.load(&mut *conn)?;
                page_of(
                    rows.into_iter().map(|r| user_json(r, base_url)),
                    filter,
                    request,
                )
            }
            (Some(filter), Narrowing::Everything) => {
                let rows = count_all(&mut conn)?;
                if let Some(refusal) = too_large(rows, request.scan_limit) {
                    return Ok(Err(refusal));
                }
                Scan::new(filter, request).run(|after| {
                    let batch: Vec<ScimUserRow> = all()
                        .filter(users::scim_id.gt(after.to_owned()))
                        .limit(SCAN_BATCH)
                        .load(&mut *conn)?;
                    let last = batch.last().and_then(|r| r.scim_id.clone());
                    Ok(last.map(|last| {
                        (
                            last,
                            batch.into_iter().map(|r| user_json(r, base_url)).collect(),
                        )
                    }))
                })?
            }
        };
        add_groups(&mut conn, base_url, &mut page.resources)?;
        Ok(Ok(page))
    }

    /// The SCIM Group with our SCIM id `scim_id`, or `None` (also once detached, T7).
    /// Its members are read only when `with_members`.
    pub fn scim_group(
        &self,
        org_id: OrgId,
        base_url: &str,
        scim_id: &str,
        with_members: bool,
    ) -> Result<Option<Value>> {
        let mut conn = self.conn()?;
        let Some(row) = group_row(&mut conn, org_id, scim_id)? else {
            return Ok(None);
        };
        let mut members = if with_members {
            members_of(&mut conn, std::slice::from_ref(&row.id), base_url)?
        } else {
            HashMap::new()
        };
        let team_members = with_members.then(|| members.remove(&row.id).unwrap_or_default());
        Ok(Some(group_json(row, team_members, base_url)))
    }

    /// The SCIM Group with our SCIM id `scim_id` and its members when it has at most
    /// `max_members` of them (`true`), else without them (`false`); `None` when not found.
    pub fn scim_group_with_members_up_to(
        &self,
        org_id: OrgId,
        base_url: &str,
        scim_id: &str,
        max_members: u64,
    ) -> Result<Option<(Value, bool)>> {
        let mut conn = self.conn()?;
        let Some(row) = group_row(&mut conn, org_id, scim_id)? else {
            return Ok(None);
        };
        let count: i64 = memberships::table
            .inner_join(users::table)
            .filter(memberships::team_id.eq(&row.id))
            .filter(users::scim_id.is_not_null())
            .count()
            .get_result(&mut *conn)?;
        if u64::try_from(count).unwrap_or(u64::MAX) > max_members {
            return Ok(Some((group_json(row, None, base_url), false)));
        }
        let mut members = members_of(&mut conn, std::slice::from_ref(&row.id), base_url)?;
        let team_members = members.remove(&row.id).unwrap_or_default();
        Ok(Some((group_json(row, Some(team_members), base_url), true)))
    }

    /// A page of the org's SCIM Groups matching the filter, in `id` order; refused when
    /// the filter needs a scan of more groups than `request.scan_limit`. Members are
    /// read only for the groups of the page when asked for, and while scanning only
    /// when the filter is about them.
    pub fn scim_groups(&self, org_id: OrgId, request: ScimListRequest<'_>) -> Result<Listing> {
        let mut conn = self.conn()?;
        let org = org_id.to_string();
        let all = || {
            teams::table
                .filter(teams::org_id.eq(org.clone()))
                .filter(teams::idp_managed.eq(true))
                .filter(teams::scim_id.is_not_null())
                .select(ScimGroupRow::as_select())
                .order(teams::scim_id.asc())
                .into_boxed()
        };
        let count_all = |conn: &mut DbConnection| -> QueryResult<i64> {
            teams::table
                .filter(teams::org_id.eq(org.clone()))
                .filter(teams::idp_managed.eq(true))
                .filter(teams::scim_id.is_not_null())
                .count()
                .get_result(conn)
        };
        let base_url = request.base_url;
        let evaluate_members = request.filter.is_some_and(|f| f.mentions("members"));
        let with_members = request.with_members;
        let mut page = match (request.filter, narrowing(request.filter, &GROUP_INDEXES)) {
            (None, _) => {
                let total = count_all(&mut conn)?;
                let rows: Vec<ScimGroupRow> = all()
                    .offset(to_i64(request.offset))
                    .limit(to_i64(request.limit))
                    .load(&mut *conn)?;
                let resources = groups_json(&mut conn, rows, with_members, base_url)?;
                return Ok(Ok(ScimPage {
                    total_results: u64::try_from(total).unwrap_or(0),
                    resources,
                }));
            }
            (Some(filter), Narrowing::Keys(attribute, keys)) => {
                let query = match attribute {
                    IndexedAttribute::Id => all().filter(teams::scim_id.eq_any(keys)),
                    IndexedAttribute::DisplayName => {
                        all().filter(teams::name_normalized.eq_any(keys))
                    }
                    IndexedAttribute::ExternalId => all().filter(teams::external_id.eq_any(keys)),
                    IndexedAttribute::UserName
                    | IndexedAttribute::EmailValue
                    | IndexedAttribute::MemberValue => all(),
                };
                let rows: Vec<ScimGroupRow> = query.load(&mut *conn)?;
                let groups = groups_json(&mut conn, rows, evaluate_members, base_url)?;
                page_of(groups.into_iter(), filter, request)
            }
            (Some(filter), Narrowing::Everything) => {
                let rows = count_all(&mut conn)?;
                if let Some(refusal) = too_large(rows, request.scan_limit) {
                    return Ok(Err(refusal));
                }
                let batch_size = if evaluate_members {
                    SCAN_BATCH_WITH_MEMBERS
                } else {
                    SCAN_BATCH
                };
                Scan::new(filter, request).run(|after| {
                    let batch: Vec<ScimGroupRow> = all()
                        .filter(teams::scim_id.gt(after.to_owned()))
                        .limit(batch_size)
                        .load(&mut *conn)?;
                    let Some(last) = batch.last().and_then(|r| r.scim_id.clone()) else {
                        return Ok(None);
                    };
                    Ok(Some((
                        last,
                        groups_json(&mut conn, batch, evaluate_members, base_url)?,
                    )))
                })?
            }
        };
        set_members(
            &mut conn,
            org_id,
            &mut page.resources,
            with_members,
            base_url,
        )?;
        Ok(Ok(page))
    }
}

/// The answer to a SCIM list: a page, or the refusal of a scan past the limit.
pub type Listing = std::result::Result<ScimPage, ScanTooLarge>;

/// A filter no index answers would scan more rows than the server allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanTooLarge {
    /// How many users or groups the scan would read.
    pub rows: u64,
    /// The configured limit.
    pub limit: u64,
}

/// Rows read per query while scanning: memory stays bounded whatever the org's size.
const SCAN_BATCH: i64 = 500;
/// Groups read per query while scanning with their members (a group may be large).
const SCAN_BATCH_WITH_MEMBERS: i64 = 20;

fn too_large(rows: i64, limit: u64) -> Option<ScanTooLarge> {
    let rows = u64::try_from(rows).unwrap_or(0);
    (rows > limit).then_some(ScanTooLarge { rows, limit })
}

/// [`Store::scim_user`] on `conn` (e.g. inside a write transaction).
pub(crate) fn scim_user_on(
    conn: &mut DbConnection,
    org_id: OrgId,
    base_url: &str,
    scim_id: &str,
) -> QueryResult<Option<Value>> {
    let row: Option<ScimUserRow> = users::table
        .filter(users::org_id.eq(org_id.to_string()))
        .filter(users::scim_id.eq(scim_id))
        .select(ScimUserRow::as_select())
        .first(conn)
        .optional()?;
    let mut users: Vec<Value> = row
        .map(|row| user_json(row, base_url))
        .into_iter()
        .collect();
    add_groups(conn, base_url, &mut users)?;
    Ok(users.pop())
}

/// Adds the read-only `groups` (RFC 7643 §4.1.2: the user's IdP groups) to these User
/// resources, in one query on the memberships' user index, after paging.
fn add_groups(conn: &mut DbConnection, base_url: &str, resources: &mut [Value]) -> QueryResult<()> {
    let ids: Vec<&str> = resources.iter().filter_map(|r| r["id"].as_str()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<(Option<String>, Option<String>, String)> = memberships::table
        .inner_join(users::table)
        .inner_join(teams::table)
        .filter(users::scim_id.eq_any(&ids))
        .filter(teams::idp_managed.eq(true))
        .filter(teams::scim_id.is_not_null())
        .order(teams::scim_id.asc())
        .select((users::scim_id, teams::scim_id, teams::name))
        .load(conn)?;
    let mut groups: HashMap<String, Vec<Value>> = HashMap::new();
    for (user, group, name) in rows {
        let (Some(user), Some(group)) = (user, group) else {
            continue;
        };
        groups.entry(user).or_default().push(json!({
            "value": group,
            "$ref": format!("{}/Groups/{group}", base_url.trim_end_matches('/')),
            "display": name,
            "type": "direct",
        }));
    }
    for resource in resources {
        let id = resource["id"].as_str().unwrap_or_default().to_owned();
        if let (Some(list), Value::Object(object)) = (groups.remove(&id), resource) {
            object.insert("groups".into(), Value::Array(list));
        }
    }
    Ok(())
}

fn group_row(
    conn: &mut DbConnection,
    org_id: OrgId,
    scim_id: &str,
) -> QueryResult<Option<ScimGroupRow>> {
    teams::table
        .filter(teams::org_id.eq(org_id.to_string()))
        .filter(teams::scim_id.eq(scim_id))
        .filter(teams::idp_managed.eq(true))
        .select(ScimGroupRow::as_select())
        .first(conn)
        .optional()
}

/// [`Store::scim_group`] without members, on `conn` (e.g. inside a write transaction).
pub(crate) fn scim_group_on(
    conn: &mut DbConnection,
    org_id: OrgId,
    base_url: &str,
    scim_id: &str,
) -> QueryResult<Option<Value>> {
    Ok(group_row(conn, org_id, scim_id)?.map(|row| group_json(row, None, base_url)))
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Keeps the resources `filter` matches and cuts out the requested page.
fn page_of(
    resources: impl Iterator<Item = Value>,
    filter: &Filter,
    request: ScimListRequest<'_>,
) -> ScimPage {
    let mut scan = Scan::new(filter, request);
    scan.feed(resources);
    scan.finish()
}

/// Counts the resources `filter` matches, fed batch by batch, keeping only those of
/// the requested page.
struct Scan<'a> {
    filter: &'a Filter,
    offset: u64,
    limit: u64,
    total: u64,
    page: Vec<Value>,
}

impl<'a> Scan<'a> {
    fn new(filter: &'a Filter, request: ScimListRequest<'_>) -> Self {
        Self {
            filter,
            offset: request.offset,
            limit: request.limit,
            total: 0,
            page: Vec::new(),
        }
    }

    fn feed(&mut self, resources: impl Iterator<Item = Value>) {
        for resource in resources.filter(|r| matches(self.filter, r)) {
            if self.total >= self.offset && self.total - self.offset < self.limit {
                self.page.push(resource);
            }
            self.total += 1;
        }
    }

    /// Feeds every batch `next` reads after the last id of the previous one (starting
    /// after `""`) until it finds none; `next` answers the batch's last id and resources.
    fn run(
        mut self,
        mut next: impl FnMut(&str) -> Result<Option<(String, Vec<Value>)>>,
    ) -> Result<ScimPage> {
        let mut after = String::new();
        while let Some((last, batch)) = next(&after)? {
            self.feed(batch.into_iter());
            after = last;
        }
        Ok(self.finish())
    }

    fn finish(self) -> ScimPage {
        ScimPage {
            total_results: self.total,
            resources: self.page,
        }
    }
}

/// The SCIM JSON of a user: the resource as the IdP last sent it, with our id, the
/// current `active` (see below), `externalId` and `meta` (version = the row's version).
fn user_json(row: ScimUserRow, base_url: &str) -> Value {
    let scim_id = row.scim_id.unwrap_or_default();
    let mut object = row
        .scim_attributes
        .as_deref()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| match value {
            Value::Object(object) => Some(object),
            _ => None,
        })
        .unwrap_or_default();
    object.remove("password");
    object
        .entry("schemas")
        .or_insert_with(|| json!([urn::USER]));
    if !object.contains_key("userName") {
        let user_name = row.scim_user_name_normalized.unwrap_or_default();
        object.insert("userName".into(), Value::String(user_name));
    }
    if !object.contains_key("emails") {
        let email = row.idp_email_normalized.unwrap_or(row.email);
        object.insert(
            "emails".into(),
            json!([{ "value": email, "type": "work", "primary": true }]),
        );
    }
    match row.external_id {
        Some(external_id) => object.insert("externalId".into(), Value::String(external_id)),
        None => object.remove("externalId"),
    };
    // `active` as the IdP last set it, except that a deactivated account always says
    // so; an IdP that never sent it (or removed it) sees none on an active account.
    if row.status == UserStatus::Deactivated.as_str() {
        object.insert("active".into(), Value::Bool(false));
    } else if object.contains_key("active") {
        object.insert("active".into(), Value::Bool(true));
    }
    let meta = Meta::for_resource(
        "User",
        base_url,
        "Users",
        &scim_id,
        from_db(row.created_at),
        from_db(row.updated_at),
        &row.version.to_string(),
    );
    object.insert("id".into(), Value::String(scim_id));
    object.insert(
        "meta".into(),
        serde_json::to_value(meta).unwrap_or(Value::Null),
    );
    Value::Object(object)
}

fn group_json(row: ScimGroupRow, members: Option<Vec<Value>>, base_url: &str) -> Value {
    let scim_id = row.scim_id.unwrap_or_default();
    let mut object = Map::new();
    object.insert("schemas".into(), json!([urn::GROUP]));
    object.insert("id".into(), Value::String(scim_id.clone()));
    if let Some(external_id) = row.external_id {
        object.insert("externalId".into(), Value::String(external_id));
    }
    object.insert("displayName".into(), Value::String(row.name));
    if let Some(members) = members {
        object.insert("members".into(), Value::Array(members));
    }
    let meta = Meta::for_resource(
        "Group",
        base_url,
        "Groups",
        &scim_id,
        from_db(row.created_at),
        from_db(row.updated_at),
        &row.version.to_string(),
    );
    object.insert(
        "meta".into(),
        serde_json::to_value(meta).unwrap_or(Value::Null),
    );
    Value::Object(object)
}

fn groups_json(
    conn: &mut crate::DbConnection,
    rows: Vec<ScimGroupRow>,
    with_members: bool,
    base_url: &str,
) -> Result<Vec<Value>> {
    let mut members = if with_members {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        members_of(conn, &ids, base_url)?
    } else {
        HashMap::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let team_members = with_members.then(|| members.remove(&row.id).unwrap_or_default());
            group_json(row, team_members, base_url)
        })
        .collect())
}

/// Gives the page's groups their `members` when `with_members`, else takes them out
/// (they may have been read to evaluate the filter).
fn set_members(
    conn: &mut DbConnection,
    org_id: OrgId,
    groups: &mut [Value],
    with_members: bool,
    base_url: &str,
) -> Result<()> {
    if !with_members {
        for group in groups.iter_mut() {
            if let Value::Object(object) = group {
                object.remove("members");
            }
        }
        return Ok(());
    }
    let missing: Vec<String> = groups
        .iter()
        .filter(|g| g.get("members").is_none())
        .filter_map(|g| g["id"].as_str().map(str::to_owned))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let team_ids: Vec<(Option<String>, String)> = teams::table
        .filter(teams::org_id.eq(org_id.to_string()))
        .filter(teams::scim_id.eq_any(&missing))
        .select((teams::scim_id, teams::id))
        .load(conn)?;
    let ids: Vec<String> = team_ids.iter().map(|(_, id)| id.clone()).collect();
    let mut members = members_of(conn, &ids, base_url)?;
    let team_of: HashMap<String, String> = team_ids
        .into_iter()
        .filter_map(|(scim_id, id)| Some((scim_id?, id)))
        .collect();
    for group in groups {
        let team = group["id"].as_str().and_then(|id| team_of.get(id));
        if let (Some(team), Value::Object(object)) = (team, group) {
            let list = members.remove(team).unwrap_or_default();
            object.insert("members".into(), Value::Array(list));
        }
    }
    Ok(())
}

/// The SCIM-managed members of each team (`{value, $ref, type}`, the sub-attributes
/// RFC 7643 §8.7.1 defines), by team id.
fn members_of(
    conn: &mut crate::DbConnection,
    team_ids: &[String],
    base_url: &str,
) -> Result<HashMap<String, Vec<Value>>> {
    let mut by_team: HashMap<String, Vec<Value>> = HashMap::new();
    for chunk in team_ids.chunks(500) {
        let rows: Vec<(String, Option<String>)> = memberships::table
            .inner_join(users::table)
            .filter(memberships::team_id.eq_any(chunk))
            .filter(users::scim_id.is_not_null())
            .order((memberships::team_id.asc(), users::scim_id.asc()))
            .select((memberships::team_id, users::scim_id))
            .load(conn)?;
        let users_url = format!("{}/Users", base_url.trim_end_matches('/'));
        for (team_id, scim_id) in rows {
            let scim_id = scim_id.unwrap_or_default();
            by_team.entry(team_id).or_default().push(json!({
                "value": scim_id,
                "$ref": format!("{users_url}/{scim_id}"),
                "type": "User",
            }));
        }
    }
    Ok(by_team)
}
