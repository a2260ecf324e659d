//! Diagnostics lines of the port (one table, a channel per kind), the pending users,
//! the live SCIM token's issue time and the expiry warnings already announced.

use super::transaction::SqlTransaction;
use crate::Result;
use crate::policy::rows::FullUserRow;
use crate::schema::{diagnostic_lines, expiry_notices, scim_tokens, users};
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tessera_core::UserStatus;
use tessera_policy::UserRecord;
use tessera_service::diagnostics::{Retention, SamlAttemptEntry, SamlOutcome, ScimRequestEntry};

const SCIM: &str = "scim";
const SAML: &str = "saml";

type LineRow = (
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A SAML line: time, outcome, reason, detail, email.
type SamlRow = (
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl SqlTransaction<'_> {
    pub(super) fn insert_scim_line(
        &self,
        entry: &ScimRequestEntry,
        retention: &Retention,
    ) -> Result<()> {
        let values = (
            diagnostic_lines::org_id.eq(self.org()),
            diagnostic_lines::channel.eq(SCIM),
            diagnostic_lines::at.eq(to_db(entry.at)),
            diagnostic_lines::method.eq(Some(&entry.method)),
            diagnostic_lines::path.eq(Some(&entry.path)),
            diagnostic_lines::status.eq(Some(i32::from(entry.status))),
            diagnostic_lines::user_agent.eq(entry.user_agent.as_deref()),
            diagnostic_lines::detail.eq(entry.error.as_deref()),
        );
        diesel::insert_into(diagnostic_lines::table)
            .values(values)
            .execute(&mut **self.conn())?;
        self.trim_later(SCIM, entry.at, retention);
        Ok(())
    }

    pub(super) fn insert_saml_line(
        &self,
        entry: &SamlAttemptEntry,
        retention: &Retention,
    ) -> Result<()> {
        let values = (
            diagnostic_lines::org_id.eq(self.org()),
            diagnostic_lines::channel.eq(SAML),
            diagnostic_lines::at.eq(to_db(entry.at)),
            diagnostic_lines::outcome.eq(Some(entry.outcome.as_str())),
            diagnostic_lines::reason.eq(entry.reason.as_deref()),
            diagnostic_lines::detail.eq(entry.detail.as_deref()),
            diagnostic_lines::email.eq(entry.email.as_deref()),
        );
        diesel::insert_into(diagnostic_lines::table)
            .values(values)
            .execute(&mut **self.conn())?;
        self.trim_later(SAML, entry.at, retention);
        Ok(())
    }

    /// Drops the channel's lines older than the cutoff and beyond the newest `keep`.
    pub(super) fn trim(
        &self,
        channel: &str,
        at: DateTime<Utc>,
        retention: &Retention,
    ) -> Result<()> {
        let mine = diagnostic_lines::org_id
            .eq(self.org())
            .and(diagnostic_lines::channel.eq(channel));
        let mut conn = self.conn();
        diesel::delete(
            diagnostic_lines::table
                .filter(mine.clone())
                .filter(diagnostic_lines::at.lt(to_db(retention.cutoff(at)))),
        )
        .execute(&mut **conn)?;
        let beyond: Vec<i64> = diagnostic_lines::table
            .filter(mine)
            .order((diagnostic_lines::at.desc(), diagnostic_lines::id.desc()))
            .select(diagnostic_lines::id)
            .offset(i64::from(retention.keep))
            .limit(1000)
            .load(&mut **conn)?;
        if !beyond.is_empty() {
            diesel::delete(diagnostic_lines::table.filter(diagnostic_lines::id.eq_any(beyond)))
                .execute(&mut **conn)?;
        }
        Ok(())
    }

    fn lines(&self, channel: &str, limit: u32) -> Result<Vec<LineRow>> {
        Ok(diagnostic_lines::table
            .filter(diagnostic_lines::org_id.eq(self.org()))
            .filter(diagnostic_lines::channel.eq(channel))
            .order((diagnostic_lines::at.desc(), diagnostic_lines::id.desc()))
            .limit(i64::from(limit))
            .select((
                diagnostic_lines::at,
                diagnostic_lines::method,
                diagnostic_lines::path,
                diagnostic_lines::status,
                diagnostic_lines::user_agent,
                diagnostic_lines::outcome,
                diagnostic_lines::reason,
                diagnostic_lines::detail,
            ))
            .load(&mut **self.conn())?)
    }

    pub(super) fn scim_lines(&self, limit: u32) -> Result<Vec<ScimRequestEntry>> {
        let rows = self.lines(SCIM, limit)?;
        Ok(rows
            .into_iter()
            .map(
                |(at, method, path, status, user_agent, _, _, detail)| ScimRequestEntry {
                    at: from_db(at),
                    method: method.unwrap_or_default(),
                    path: path.unwrap_or_default(),
                    status: status
                        .and_then(|s| u16::try_from(s).ok())
                        .unwrap_or_default(),
                    error: detail,
                    user_agent,
                },
            )
            .collect())
    }

    pub(super) fn saml_lines(&self, limit: u32) -> Result<Vec<SamlAttemptEntry>> {
        let rows: Vec<SamlRow> = diagnostic_lines::table
            .filter(diagnostic_lines::org_id.eq(self.org()))
            .filter(diagnostic_lines::channel.eq(SAML))
            .order((diagnostic_lines::at.desc(), diagnostic_lines::id.desc()))
            .limit(i64::from(limit))
            .select((
                diagnostic_lines::at,
                diagnostic_lines::outcome,
                diagnostic_lines::reason,
                diagnostic_lines::detail,
                diagnostic_lines::email,
            ))
            .load(&mut **self.conn())?;
        // A line whose outcome does not read (edited by hand) is skipped.
        Ok(rows
            .into_iter()
            .filter_map(|(at, outcome, reason, detail, email)| {
                Some(SamlAttemptEntry {
                    at: from_db(at),
                    outcome: SamlOutcome::parse(outcome.as_deref()?)?,
                    reason,
                    detail,
                    email,
                })
            })
            .collect())
    }

    pub(super) fn never_signed_in(&self, limit: u32) -> Result<Vec<UserRecord>> {
        let rows: Vec<FullUserRow> = users::table
            .filter(users::org_id.eq(self.org()))
            .filter(users::status.eq(UserStatus::Pending.as_str()))
            .order((users::created_at.asc(), users::id.asc()))
            .limit(i64::from(limit))
            .select(FullUserRow::as_select())
            .load(&mut **self.conn())?;
        rows.into_iter().map(UserRecord::try_from).collect()
    }

    pub(super) fn token_issued_at(&self) -> Result<Option<DateTime<Utc>>> {
        let issued: Vec<NaiveDateTime> = scim_tokens::table
            .filter(scim_tokens::org_id.eq(self.org()))
            .filter(scim_tokens::revoked_at.is_null())
            .order(scim_tokens::created_at.desc())
            .select(scim_tokens::created_at)
            .load(&mut **self.conn())?;
        Ok(issued.into_iter().next().map(from_db))
    }

    /// Notes the expiry warning (`item`, `within_days`) unless it is noted already.
    /// Two servers noting the same one at once: the second insert is a unique
    /// violation, a conflict, and its transaction runs again and sees the row.
    pub(super) fn note_expiry(
        &self,
        item: &str,
        within_days: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let days = i32::try_from(within_days).unwrap_or(i32::MAX);
        let mut conn = self.conn();
        let conn = &mut **conn;
        let noted: i64 = expiry_notices::table
            .filter(expiry_notices::org_id.eq(self.org()))
            .filter(expiry_notices::item.eq(item))
            .filter(expiry_notices::within_days.eq(days))
            .count()
            .get_result(conn)?;
        if noted > 0 {
            return Ok(false);
        }
        diesel::insert_into(expiry_notices::table)
            .values((
                expiry_notices::org_id.eq(self.org()),
                expiry_notices::item.eq(item),
                expiry_notices::within_days.eq(days),
                expiry_notices::noticed_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        Ok(true)
    }
}
