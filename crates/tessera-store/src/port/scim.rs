//! The SCIM listings of the port: SCIM-managed users and IdP teams in SCIM id order,
//! by page, by scan batch or by indexed key, and the membership joins the resources
//! need. Rows only: rendering, filtering and paging are the SCIM service's.

use super::transaction::SqlTransaction;
use crate::policy::rows::{FullTeamRow, FullUserRow};
use crate::schema::{memberships, teams, users};
use crate::{Result, StoreError};
use diesel::prelude::*;
use std::collections::BTreeSet;
use tessera_core::{TeamId, UserId};
use tessera_policy::{TeamRecord, UserRecord};
use tessera_scim::filter::IndexedAttribute;
use tessera_service::RecordQuery;

/// Members and ids are looked up in chunks of this many (bound-parameter limits).
const CHUNK: usize = 500;

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn parse_id<T: std::str::FromStr<Err = tessera_core::CoreError>>(
    text: &str,
    what: &'static str,
) -> Result<T> {
    text.parse()
        .map_err(|source| StoreError::Corrupt { what, source })
}

impl SqlTransaction<'_> {
    pub(super) fn count_users(&self) -> Result<u64> {
        let count: i64 = users::table
            .filter(users::org_id.eq(self.org()))
            .filter(users::scim_id.is_not_null())
            .count()
            .get_result(&mut **self.conn())?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    pub(super) fn users(&self, query: &RecordQuery) -> Result<Vec<UserRecord>> {
        let all = users::table
            .filter(users::org_id.eq(self.org()))
            .filter(users::scim_id.is_not_null())
            .select(FullUserRow::as_select())
            .order(users::scim_id.asc())
            .into_boxed();
        let selected = match query {
            RecordQuery::Page { offset, limit } => {
                all.offset(to_i64(*offset)).limit(to_i64(*limit))
            }
            RecordQuery::After { scim_id, limit } => all
                .filter(users::scim_id.gt(scim_id.clone()))
                .limit(to_i64(*limit)),
            RecordQuery::Keys { attribute, keys } => match attribute {
                IndexedAttribute::Id => all.filter(users::scim_id.eq_any(keys)),
                IndexedAttribute::UserName => {
                    all.filter(users::scim_user_name_normalized.eq_any(keys))
                }
                IndexedAttribute::ExternalId => all.filter(users::external_id.eq_any(keys)),
                IndexedAttribute::EmailValue => {
                    all.filter(users::idp_email_normalized.eq_any(keys))
                }
                IndexedAttribute::DisplayName | IndexedAttribute::MemberValue => all,
            },
        };
        let rows: Vec<FullUserRow> = selected.load(&mut **self.conn())?;
        rows.into_iter().map(UserRecord::try_from).collect()
    }

    pub(super) fn count_groups(&self) -> Result<u64> {
        let count: i64 = teams::table
            .filter(teams::org_id.eq(self.org()))
            .filter(teams::idp_managed.eq(true))
            .filter(teams::scim_id.is_not_null())
            .count()
            .get_result(&mut **self.conn())?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    pub(super) fn groups(&self, query: &RecordQuery) -> Result<Vec<TeamRecord>> {
        let all = teams::table
            .filter(teams::org_id.eq(self.org()))
            .filter(teams::idp_managed.eq(true))
            .filter(teams::scim_id.is_not_null())
            .select(FullTeamRow::as_select())
            .order(teams::scim_id.asc())
            .into_boxed();
        let selected = match query {
            RecordQuery::Page { offset, limit } => {
                all.offset(to_i64(*offset)).limit(to_i64(*limit))
            }
            RecordQuery::After { scim_id, limit } => all
                .filter(teams::scim_id.gt(scim_id.clone()))
                .limit(to_i64(*limit)),
            RecordQuery::Keys { attribute, keys } => match attribute {
                IndexedAttribute::Id => all.filter(teams::scim_id.eq_any(keys)),
                IndexedAttribute::DisplayName => all.filter(teams::name_normalized.eq_any(keys)),
                IndexedAttribute::ExternalId => all.filter(teams::external_id.eq_any(keys)),
                IndexedAttribute::UserName
                | IndexedAttribute::EmailValue
                | IndexedAttribute::MemberValue => all,
            },
        };
        let rows: Vec<FullTeamRow> = selected.load(&mut **self.conn())?;
        rows.into_iter().map(TeamRecord::try_from).collect()
    }

    pub(super) fn groups_of(&self, user_ids: &[UserId]) -> Result<Vec<(UserId, TeamRecord)>> {
        let mut pairs = Vec::new();
        let ids: Vec<String> = user_ids.iter().map(ToString::to_string).collect();
        for chunk in ids.chunks(CHUNK) {
            let query = memberships::table.inner_join(teams::table).into_boxed();
            // One user (every single-user read) is an `=`: a statement SQLite caches,
            // where an `IN (…)` list is prepared again each time.
            let query = match chunk {
                [one] => query.filter(memberships::user_id.eq(one)),
                _ => query.filter(memberships::user_id.eq_any(chunk)),
            };
            let rows: Vec<(String, FullTeamRow)> = query
                .filter(teams::org_id.eq(self.org()))
                .filter(teams::idp_managed.eq(true))
                .filter(teams::scim_id.is_not_null())
                .order((teams::scim_id.asc(), memberships::user_id.asc()))
                .select((memberships::user_id, FullTeamRow::as_select()))
                .load(&mut **self.conn())?;
            for (user, team) in rows {
                pairs.push((
                    parse_id(&user, "membership user id")?,
                    TeamRecord::try_from(team)?,
                ));
            }
        }
        Ok(pairs)
    }

    pub(super) fn members_of(&self, team_ids: &[TeamId]) -> Result<Vec<(TeamId, String)>> {
        let ids: Vec<String> = team_ids
            .iter()
            .map(ToString::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut pairs = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<(String, Option<String>)> = memberships::table
                .inner_join(users::table)
                .filter(memberships::team_id.eq_any(chunk))
                .filter(users::scim_id.is_not_null())
                .order((memberships::team_id.asc(), users::scim_id.asc()))
                .select((memberships::team_id, users::scim_id))
                .load(&mut **self.conn())?;
            for (team, scim_id) in rows {
                if let Some(scim_id) = scim_id {
                    pairs.push((parse_id(&team, "membership team id")?, scim_id));
                }
            }
        }
        Ok(pairs)
    }

    /// Whether the team has more than `most` SCIM-managed members, reading at most
    /// `most + 1` of them (a `COUNT(*)` read all 50,000 of a big group on each PATCH).
    pub(super) fn members_exceed(&self, team: TeamId, most: u64) -> Result<bool> {
        let beyond: Vec<String> = memberships::table
            .inner_join(users::table)
            .filter(memberships::team_id.eq(team.to_string()))
            .filter(users::scim_id.is_not_null())
            .select(memberships::user_id)
            .offset(i64::try_from(most).unwrap_or(i64::MAX))
            .limit(1)
            .load(&mut **self.conn())?;
        Ok(!beyond.is_empty())
    }
}
