//! [`Transaction`] over one database transaction: the policy engine's view, the
//! application of decisions, and the SCIM listings ([`super::scim`]).

use crate::cached::CachedDsl;
use crate::connection::execute;
use crate::policy::apply::apply;
use crate::policy::execute::Attempt;
use crate::policy::view::TransactionView;
use crate::schema::{teams, users};
use crate::time::to_db;
use crate::{DbConnection, StoreError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::cell::{RefCell, RefMut};
use std::collections::BTreeMap;
use tessera_core::{Email, OrgId, TeamId, TokenHash, UserId, UserName};
use tessera_mapping::SnapshotRow;
use tessera_policy::{
    AuditEntry, BuiltInTeam, Change, Decision, IdentityMatches, MappingLink, OrgRecord, OrgView,
    PendingMembership, PolicyError, TeamRecord, UserRecord,
};
use tessera_service::connect::records::{
    IdpConnectionRecord, MappingExportRecord, WalkthroughRecord,
};
use tessera_service::diagnostics::{Retention, SamlAttemptEntry, ScimRequestEntry};
use tessera_service::events::NewEvent;
use tessera_service::login::salesforce::SalesforceLink;
use tessera_service::login::{IdpSettings, SavedRequest, StoredRequest};
use tessera_service::{RecordQuery, ScimResourceKind, StorageError, Transaction};

/// One org's rows inside one database transaction.
pub(super) struct SqlTransaction<'c> {
    view: TransactionView<'c>,
    org_id: OrgId,
    /// The events appended so far, inserted right before the commit.
    pending: RefCell<Vec<NewEvent>>,
    /// Diagnostics channels that got lines, with the newest line's time and the
    /// retention: trimmed once right before the commit, not once per line.
    trims: RefCell<BTreeMap<&'static str, (DateTime<Utc>, Retention)>>,
}

impl<'c> SqlTransaction<'c> {
    pub(super) fn new(conn: &'c mut DbConnection, org_id: OrgId) -> Self {
        Self {
            view: TransactionView::new(conn, org_id),
            org_id,
            pending: RefCell::new(Vec::new()),
            trims: RefCell::new(BTreeMap::new()),
        }
    }

    /// The last statements of a write: trims the diagnostics channels that got lines,
    /// then numbers and inserts the appended events.
    pub(super) fn finish(&self) -> Result<(), StorageError> {
        for (channel, (at, retention)) in self.trims.take() {
            self.trim(channel, at, &retention)?;
        }
        let pending = self.pending.take();
        super::events::insert(&mut self.conn(), self.org_id, &pending)
    }

    /// Notes that `channel` got a line at `at`, for [`Self::finish`] to trim.
    pub(super) fn trim_later(
        &self,
        channel: &'static str,
        at: DateTime<Utc>,
        retention: &Retention,
    ) {
        let mut trims = self.trims.borrow_mut();
        let entry = trims.entry(channel).or_insert((at, *retention));
        *entry = (entry.0.max(at), *retention);
    }

    pub(super) fn conn(&self) -> RefMut<'_, &'c mut DbConnection> {
        self.view.connection()
    }

    pub(super) fn org(&self) -> String {
        self.org_id.to_string()
    }

    pub(super) fn org_id(&self) -> OrgId {
        self.org_id
    }
}

fn attempt_error(attempt: Attempt) -> StorageError {
    match attempt {
        Attempt::Retry => StorageError::Conflict,
        Attempt::Failed(PolicyError::Port(error)) => error.into(),
        Attempt::Failed(other) => StorageError::Internal(other.to_string()),
    }
}

impl Transaction for SqlTransaction<'_> {
    fn apply(&self, decision: &Decision, now: DateTime<Utc>) -> Result<(), StorageError> {
        let events = tessera_service::events::derive(self, self.org_id, decision, now)?;
        if decision.changes.iter().any(|change| {
            matches!(
                change,
                Change::InsertTeam(_) | Change::UpdateTeam(_) | Change::DeleteTeam(_)
            )
        }) {
            self.view.forget_teams();
        }
        apply(&mut self.conn(), self.org_id, decision, now).map_err(attempt_error)?;
        self.pending.borrow_mut().extend(events);
        Ok(())
    }

    fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StorageError> {
        let decision = Decision {
            audit: entries.to_vec(),
            ..Decision::default()
        };
        let at = entries.first().map(|e| e.at).unwrap_or_default();
        self.apply(&decision, at)
    }

    fn count_scim_users(&self) -> Result<u64, StorageError> {
        Ok(self.count_users()?)
    }

    fn scim_users(&self, query: &RecordQuery) -> Result<Vec<UserRecord>, StorageError> {
        Ok(self.users(query)?)
    }

    fn count_scim_groups(&self) -> Result<u64, StorageError> {
        Ok(self.count_groups()?)
    }

    fn scim_groups(&self, query: &RecordQuery) -> Result<Vec<TeamRecord>, StorageError> {
        Ok(self.groups(query)?)
    }

    fn scim_groups_of_users(
        &self,
        users: &[UserId],
    ) -> Result<Vec<(UserId, TeamRecord)>, StorageError> {
        Ok(self.groups_of(users)?)
    }

    fn scim_members(&self, teams: &[TeamId]) -> Result<Vec<(TeamId, String)>, StorageError> {
        Ok(self.members_of(teams)?)
    }

    fn scim_members_exceed(&self, team: TeamId, most: u64) -> Result<bool, StorageError> {
        Ok(self.members_exceed(team, most)?)
    }

    fn lock_scim_resource(
        &self,
        kind: ScimResourceKind,
        scim_id: &str,
    ) -> Result<(), StorageError> {
        // A no-op write takes the row lock, so the state read next is the one the
        // update replaces, on PostgreSQL too.
        let org = self.org();
        let mut conn = self.conn();
        match kind {
            ScimResourceKind::User => execute!(
                *conn,
                diesel::update(users::table)
                    .filter(users::org_id.eq(org))
                    .filter(users::scim_id.eq(scim_id))
                    .set(users::version.eq(users::version))
                    .cached()
            ),
            ScimResourceKind::Group => execute!(
                *conn,
                diesel::update(teams::table)
                    .filter(teams::org_id.eq(org))
                    .filter(teams::scim_id.eq(scim_id))
                    .set(teams::version.eq(teams::version))
                    .cached()
            ),
        }
        .map_err(StoreError::from)?;
        Ok(())
    }

    fn touch_teams(&self, ids: &[TeamId], now: DateTime<Utc>) -> Result<(), StorageError> {
        let mut conn = self.conn();
        // One keyed update per SCIM group, whatever its size; a team this transaction
        // read without a SCIM id (All Users, say) is skipped without a round trip.
        for team in ids.iter().filter(|t| !self.view.known_without_scim_id(**t)) {
            execute!(
                *conn,
                diesel::update(teams::table.filter(teams::id.eq(team.to_string())))
                    .filter(teams::org_id.eq(self.org()))
                    .filter(teams::scim_id.is_not_null())
                    .set((
                        teams::version.eq(teams::version + 1),
                        teams::updated_at.eq(to_db(now)),
                    ))
                    .cached()
            )
            .map_err(StoreError::from)?;
        }
        Ok(())
    }

    // --- SAML login ---

    fn idp_settings(&self) -> Result<Option<IdpSettings>, StorageError> {
        Ok(self.idp()?)
    }

    fn save_saml_request(
        &self,
        request: &SavedRequest,
        keep_at_most: usize,
    ) -> Result<usize, StorageError> {
        Ok(self.save_request(request, keep_at_most)?)
    }

    fn take_saml_request(&self, id: &str) -> Result<Option<StoredRequest>, StorageError> {
        Ok(self.take_request(id)?)
    }

    fn remember_assertion(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        Ok(self.remember(assertion_id, expires_at, now)?)
    }

    fn record_login(&self, user: UserId, now: DateTime<Utc>) -> Result<(), StorageError> {
        Ok(self.login(user, now)?)
    }

    // --- Connect walkthrough ---

    fn walkthrough(&self) -> Result<WalkthroughRecord, StorageError> {
        Ok(self.load_walkthrough()?)
    }

    fn save_walkthrough(
        &self,
        expected: &WalkthroughRecord,
        next: &WalkthroughRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        self.store_walkthrough(expected, next, now)
    }

    fn mapping_users(&self) -> Result<Vec<SnapshotRow>, StorageError> {
        Ok(self.user_emails()?)
    }

    fn latest_mapping_export(&self) -> Result<Option<MappingExportRecord>, StorageError> {
        Ok(self.latest_export()?)
    }

    fn insert_mapping_export(&self, export: &MappingExportRecord) -> Result<(), StorageError> {
        Ok(self.insert_export(export)?)
    }

    fn mark_mapping_uploaded(
        &self,
        export_id: &str,
        links: &[MappingLink],
        now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        Ok(self.mark_uploaded(export_id, links, now)?)
    }

    fn idp_connection(&self) -> Result<Option<IdpConnectionRecord>, StorageError> {
        Ok(self.load_idp()?)
    }

    fn save_idp_connection(
        &self,
        connection: &IdpConnectionRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        Ok(self.store_idp(connection, now)?)
    }

    fn scim_token_active(&self) -> Result<bool, StorageError> {
        Ok(self.live_scim_token()?)
    }

    fn replace_scim_token(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        Ok(self.replace_token(hash, now)?)
    }

    fn append_events(&self, events: &[NewEvent]) -> Result<(), StorageError> {
        self.pending.borrow_mut().extend_from_slice(events);
        Ok(())
    }

    // --- Diagnostics and expiry warnings ---

    fn record_scim_request(
        &self,
        entry: &ScimRequestEntry,
        retention: &Retention,
    ) -> Result<(), StorageError> {
        Ok(self.insert_scim_line(entry, retention)?)
    }

    fn record_saml_attempt(
        &self,
        entry: &SamlAttemptEntry,
        retention: &Retention,
    ) -> Result<(), StorageError> {
        Ok(self.insert_saml_line(entry, retention)?)
    }

    fn recent_scim_requests(&self, limit: u32) -> Result<Vec<ScimRequestEntry>, StorageError> {
        Ok(self.scim_lines(limit)?)
    }

    fn recent_saml_attempts(&self, limit: u32) -> Result<Vec<SamlAttemptEntry>, StorageError> {
        Ok(self.saml_lines(limit)?)
    }

    fn users_never_signed_in(&self, limit: u32) -> Result<Vec<UserRecord>, StorageError> {
        Ok(self.never_signed_in(limit)?)
    }

    fn scim_token_issued_at(&self) -> Result<Option<DateTime<Utc>>, StorageError> {
        Ok(self.token_issued_at()?)
    }

    fn note_expiry_warning(
        &self,
        item: &str,
        within_days: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        Ok(self.note_expiry(item, within_days, now)?)
    }

    // --- Salesforce login ---

    fn salesforce_link(
        &self,
        salesforce_org_id: &str,
        salesforce_user_id: &str,
    ) -> Result<Option<UserId>, StorageError> {
        Ok(SqlTransaction::salesforce_link(
            self,
            salesforce_org_id,
            salesforce_user_id,
        )?)
    }

    fn user_has_salesforce_link(&self, user: UserId) -> Result<bool, StorageError> {
        Ok(self.has_salesforce_link(user)?)
    }

    fn insert_salesforce_link(&self, link: &SalesforceLink) -> Result<(), StorageError> {
        Ok(SqlTransaction::insert_salesforce_link(self, link)?)
    }
}

impl OrgView for SqlTransaction<'_> {
    type Error = StorageError;

    fn org(&self) -> Result<OrgRecord, StorageError> {
        Ok(self.view.org()?)
    }
    fn user(&self, id: UserId) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.view.user(id)?)
    }
    fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.view.user_by_email(email)?)
    }
    fn user_by_idp_email(&self, email: &Email) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.view.user_by_idp_email(email)?)
    }
    fn user_by_scim_id(&self, scim_id: &str) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.view.user_by_scim_id(scim_id)?)
    }
    fn user_by_scim_user_name(
        &self,
        user_name: &UserName,
    ) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.view.user_by_scim_user_name(user_name)?)
    }
    fn user_by_external_id(&self, external_id: &str) -> Result<Option<UserRecord>, StorageError> {
        Ok(self.view.user_by_external_id(external_id)?)
    }
    fn team(&self, id: TeamId) -> Result<Option<TeamRecord>, StorageError> {
        Ok(self.view.team(id)?)
    }
    fn team_by_scim_id(&self, scim_id: &str) -> Result<Option<TeamRecord>, StorageError> {
        Ok(self.view.team_by_scim_id(scim_id)?)
    }
    fn teams_by_name(&self, name: &str) -> Result<Vec<TeamRecord>, StorageError> {
        Ok(self.view.teams_by_name(name)?)
    }
    fn built_in_team(&self, team: BuiltInTeam) -> Result<Option<TeamRecord>, StorageError> {
        Ok(self.view.built_in_team(team)?)
    }
    fn duplicate_teams(&self) -> Result<Vec<TeamRecord>, StorageError> {
        Ok(self.view.duplicate_teams()?)
    }
    fn is_member(&self, team: TeamId, user: UserId) -> Result<bool, StorageError> {
        Ok(self.view.is_member(team, user)?)
    }
    fn members(&self, team: TeamId) -> Result<Vec<UserId>, StorageError> {
        Ok(self.view.members(team)?)
    }
    fn pending_of_team(&self, team: TeamId) -> Result<Vec<String>, StorageError> {
        Ok(self.view.pending_of_team(team)?)
    }
    fn pending_for_member_ref(
        &self,
        member_ref: &str,
    ) -> Result<Vec<PendingMembership>, StorageError> {
        Ok(self.view.pending_for_member_ref(member_ref)?)
    }
    fn all_pending(&self) -> Result<Vec<PendingMembership>, StorageError> {
        Ok(self.view.all_pending()?)
    }
    fn users_by_identity(
        &self,
        user_name: &UserName,
        email: &Email,
    ) -> Result<IdentityMatches, StorageError> {
        Ok(self.view.users_by_identity(user_name, email)?)
    }
    fn pending_for_member_refs(
        &self,
        member_refs: &[String],
    ) -> Result<Vec<PendingMembership>, StorageError> {
        Ok(self.view.pending_for_member_refs(member_refs)?)
    }
}
