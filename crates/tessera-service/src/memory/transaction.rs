//! [`Transaction`] over one org's in-memory rows: a shared borrow for reads, a copy
//! for writes.

use super::OrgData;
use super::diagnostics::{newest, push};
use crate::connect::records::{IdpConnectionRecord, MappingExportRecord, WalkthroughRecord};
use crate::diagnostics::{Retention, SamlAttemptEntry, ScimRequestEntry};
use crate::error::StorageError;
use crate::events::NewEvent;
use crate::login::salesforce::SalesforceLink;
use crate::login::{IdpSettings, SavedRequest, StoredRequest};
use crate::storage::{RecordQuery, ScimResourceKind, Transaction};
use chrono::{DateTime, Utc};
use std::cell::RefCell;
use std::collections::BTreeSet;
use tessera_core::{TeamId, TokenHash, UserId, UserStatus};
use tessera_mapping::SnapshotRow;
use tessera_policy::memory::MemoryOrg;
use tessera_policy::{
    AuditEntry, Change, Decision, MappingLink, TeamRecord, UserRecord, team_name_key,
};
use tessera_scim::filter::IndexedAttribute;

/// One transaction on one org's rows.
pub(crate) enum MemoryTransaction<'a> {
    Read(&'a OrgData),
    Write(Box<RefCell<OrgData>>),
}

impl<'a> MemoryTransaction<'a> {
    pub(crate) fn read(data: &'a OrgData) -> Self {
        Self::Read(data)
    }

    pub(crate) fn write(data: OrgData) -> Self {
        Self::Write(Box::new(RefCell::new(data)))
    }

    /// The written state, to replace the stored one.
    pub(crate) fn into_data(self) -> Result<OrgData, StorageError> {
        match self {
            Self::Write(data) => Ok(data.into_inner()),
            Self::Read(_) => Err(read_only()),
        }
    }

    fn with<T>(&self, look: impl FnOnce(&OrgData) -> T) -> T {
        match self {
            Self::Read(data) => look(data),
            Self::Write(data) => look(&data.borrow()),
        }
    }

    pub(super) fn rows<T>(&self, look: impl FnOnce(&MemoryOrg) -> T) -> T {
        self.with(|data| look(&data.rows))
    }

    fn edit<T>(&self, change: impl FnOnce(&mut OrgData) -> T) -> Result<T, StorageError> {
        match self {
            Self::Read(_) => Err(read_only()),
            Self::Write(data) => Ok(change(&mut data.borrow_mut())),
        }
    }

    fn change(&self, decision: &Decision) -> Result<(), StorageError> {
        match self {
            Self::Read(_) => Err(read_only()),
            Self::Write(data) => data
                .borrow_mut()
                .rows
                .apply(decision)
                .map_err(|e| StorageError::Internal(e.to_string())),
        }
    }

    fn scim_users_all(&self) -> Vec<UserRecord> {
        // `users()` iterates in user id order; SCIM lists are in SCIM id order.
        let mut users: Vec<UserRecord> = self.rows(|rows| {
            rows.users()
                .filter(|u| u.scim_id.is_some())
                .cloned()
                .collect()
        });
        users.sort_by(|a, b| a.scim_id.cmp(&b.scim_id));
        users
    }

    fn scim_groups_all(&self) -> Vec<TeamRecord> {
        let mut teams: Vec<TeamRecord> = self.rows(|rows| {
            rows.teams()
                .filter(|t| t.idp_managed && t.scim_id.is_some())
                .cloned()
                .collect()
        });
        teams.sort_by(|a, b| a.scim_id.cmp(&b.scim_id));
        teams
    }
}

fn read_only() -> StorageError {
    StorageError::Internal("a write inside a read transaction".into())
}

fn select<T>(
    all: Vec<T>,
    query: &RecordQuery,
    scim_id: impl Fn(&T) -> &str,
    key_of: impl Fn(&T, IndexedAttribute) -> Option<String>,
) -> Vec<T> {
    let cap = |limit: u64| usize::try_from(limit).unwrap_or(usize::MAX);
    match query {
        RecordQuery::Page { offset, limit } => all
            .into_iter()
            .skip(cap(*offset))
            .take(cap(*limit))
            .collect(),
        RecordQuery::After {
            scim_id: after,
            limit,
        } => all
            .into_iter()
            .filter(|row| scim_id(row) > after.as_str())
            .take(cap(*limit))
            .collect(),
        RecordQuery::Keys { attribute, keys } => all
            .into_iter()
            .filter(|row| key_of(row, *attribute).is_some_and(|key| keys.contains(&key)))
            .collect(),
    }
}

fn user_key(user: &UserRecord, attribute: IndexedAttribute) -> Option<String> {
    match attribute {
        IndexedAttribute::Id => user.scim_id.clone(),
        IndexedAttribute::UserName => user
            .scim_user_name
            .as_ref()
            .map(|n| n.normalized().to_owned()),
        IndexedAttribute::ExternalId => user.external_id.clone(),
        IndexedAttribute::EmailValue => user.idp_email.as_ref().map(|e| e.normalized().to_owned()),
        IndexedAttribute::DisplayName | IndexedAttribute::MemberValue => None,
    }
}

fn team_key(team: &TeamRecord, attribute: IndexedAttribute) -> Option<String> {
    match attribute {
        IndexedAttribute::Id => team.scim_id.clone(),
        IndexedAttribute::DisplayName => Some(team_name_key(&team.name)),
        IndexedAttribute::ExternalId => team.external_id.clone(),
        IndexedAttribute::UserName
        | IndexedAttribute::EmailValue
        | IndexedAttribute::MemberValue => None,
    }
}

impl Transaction for MemoryTransaction<'_> {
    fn apply(&self, decision: &Decision, now: DateTime<Utc>) -> Result<(), StorageError> {
        let org = self.with(|data| data.summary.id);
        let events = crate::events::derive(self, org, decision, now)?;
        self.change(decision)?;
        self.append_events(&events)
    }

    fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StorageError> {
        self.change(&Decision {
            audit: entries.to_vec(),
            ..Decision::default()
        })
    }

    fn count_scim_users(&self) -> Result<u64, StorageError> {
        Ok(self.rows(|rows| rows.users().filter(|u| u.scim_id.is_some()).count()) as u64)
    }

    fn scim_users(&self, query: &RecordQuery) -> Result<Vec<UserRecord>, StorageError> {
        Ok(select(
            self.scim_users_all(),
            query,
            |u| u.scim_id.as_deref().unwrap_or_default(),
            user_key,
        ))
    }

    fn count_scim_groups(&self) -> Result<u64, StorageError> {
        Ok(self.rows(|rows| {
            rows.teams()
                .filter(|t| t.idp_managed && t.scim_id.is_some())
                .count()
        }) as u64)
    }

    fn scim_groups(&self, query: &RecordQuery) -> Result<Vec<TeamRecord>, StorageError> {
        Ok(select(
            self.scim_groups_all(),
            query,
            |t| t.scim_id.as_deref().unwrap_or_default(),
            team_key,
        ))
    }

    fn scim_groups_of_users(
        &self,
        users: &[UserId],
    ) -> Result<Vec<(UserId, TeamRecord)>, StorageError> {
        let wanted: BTreeSet<UserId> = users.iter().copied().collect();
        let groups = self.scim_groups_all();
        Ok(self.rows(|rows| {
            let mut pairs = Vec::new();
            for team in &groups {
                for membership in rows.memberships().filter(|m| m.team == team.id) {
                    if wanted.contains(&membership.user) {
                        pairs.push((membership.user, team.clone()));
                    }
                }
            }
            pairs
        }))
    }

    fn scim_members(&self, teams: &[TeamId]) -> Result<Vec<(TeamId, String)>, StorageError> {
        let mut teams = teams.to_vec();
        teams.sort();
        teams.dedup();
        Ok(self.rows(|rows| {
            // One pass over the users, not one per member.
            let scim_ids: std::collections::HashMap<UserId, &str> = rows
                .users()
                .filter_map(|u| u.scim_id.as_deref().map(|scim_id| (u.id, scim_id)))
                .collect();
            let mut pairs = Vec::new();
            for team in teams {
                let mut members: Vec<String> = rows
                    .memberships()
                    .filter(|m| m.team == team)
                    .filter_map(|m| scim_ids.get(&m.user).map(|id| (*id).to_owned()))
                    .collect();
                members.sort();
                pairs.extend(members.into_iter().map(|scim_id| (team, scim_id)));
            }
            pairs
        }))
    }

    fn scim_members_exceed(&self, team: TeamId, most: u64) -> Result<bool, StorageError> {
        Ok(self.scim_members(&[team])?.len() as u64 > most)
    }

    fn lock_scim_resource(&self, _: ScimResourceKind, _: &str) -> Result<(), StorageError> {
        // Writes are serial: the state read is always the one the write replaces.
        Ok(())
    }

    fn touch_teams(&self, teams: &[TeamId], now: DateTime<Utc>) -> Result<(), StorageError> {
        let changes = self.rows(|rows| {
            rows.teams()
                .filter(|t| teams.contains(&t.id) && t.scim_id.is_some())
                .map(|t| {
                    Change::UpdateTeam(TeamRecord {
                        updated_at: now,
                        ..t.clone()
                    })
                })
                .collect()
        });
        self.change(&Decision {
            changes,
            ..Decision::default()
        })
    }

    // --- SAML login ---

    fn idp_settings(&self) -> Result<Option<IdpSettings>, StorageError> {
        Ok(self.with(|data| {
            data.connect
                .idp
                .as_ref()
                .map(|connection| data.saml.settings(connection))
        }))
    }

    fn save_saml_request(
        &self,
        request: &SavedRequest,
        keep_at_most: usize,
    ) -> Result<usize, StorageError> {
        self.edit(|data| data.saml.save_request(request, keep_at_most))
    }

    fn take_saml_request(&self, id: &str) -> Result<Option<StoredRequest>, StorageError> {
        self.edit(|data| data.saml.take_request(id))
    }

    fn remember_assertion(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        self.edit(|data| data.saml.remember_assertion(assertion_id, expires_at, now))
    }

    fn record_login(&self, user: UserId, now: DateTime<Utc>) -> Result<(), StorageError> {
        let pending = self.rows(|rows| {
            rows.users()
                .find(|u| u.id == user && u.status == UserStatus::Pending)
                .cloned()
        });
        let Some(pending) = pending else {
            return Ok(());
        };
        self.change(&Decision {
            changes: vec![Change::UpdateUser(UserRecord {
                status: UserStatus::Active,
                first_login_at: Some(now),
                updated_at: now,
                ..pending
            })],
            ..Decision::default()
        })
    }

    // --- Connect walkthrough ---

    fn walkthrough(&self) -> Result<WalkthroughRecord, StorageError> {
        Ok(self.with(|data| data.connect.walkthrough.clone()))
    }

    fn save_walkthrough(
        &self,
        expected: &WalkthroughRecord,
        next: &WalkthroughRecord,
        _now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        self.edit(|data| data.connect.save_walkthrough(expected, next))?
    }

    fn mapping_users(&self) -> Result<Vec<SnapshotRow>, StorageError> {
        Ok(self.rows(|rows| {
            rows.users()
                .map(|u| SnapshotRow {
                    user_id: u.id,
                    email: u.email.clone(),
                })
                .collect()
        }))
    }

    fn latest_mapping_export(&self) -> Result<Option<MappingExportRecord>, StorageError> {
        Ok(self.with(|data| data.connect.latest_export()))
    }

    fn insert_mapping_export(&self, export: &MappingExportRecord) -> Result<(), StorageError> {
        self.edit(|data| data.connect.insert_export(export))
    }

    fn mark_mapping_uploaded(
        &self,
        export_id: &str,
        links: &[MappingLink],
        now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        self.edit(|data| data.connect.mark_uploaded(export_id, links, now))
    }

    fn idp_connection(&self) -> Result<Option<IdpConnectionRecord>, StorageError> {
        Ok(self.with(|data| data.connect.idp.clone()))
    }

    fn save_idp_connection(
        &self,
        connection: &IdpConnectionRecord,
        _now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        self.edit(|data| data.connect.idp = Some(connection.clone()))
    }

    fn scim_token_active(&self) -> Result<bool, StorageError> {
        Ok(self.with(|data| !data.scim_tokens.is_empty()))
    }

    fn replace_scim_token(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        self.edit(|data| {
            let revoked = !data.scim_tokens.is_empty();
            data.scim_tokens = vec![hash.clone()];
            data.diagnostics.scim_token_issued_at = Some(now);
            revoked
        })
    }

    fn append_events(&self, events: &[NewEvent]) -> Result<(), StorageError> {
        self.edit(|data| data.pending_events.extend_from_slice(events))
    }

    fn record_scim_request(
        &self,
        entry: &ScimRequestEntry,
        retention: &Retention,
    ) -> Result<(), StorageError> {
        self.edit(|data| push(&mut data.diagnostics.scim, entry, |e| e.at, retention))
    }

    fn record_saml_attempt(
        &self,
        entry: &SamlAttemptEntry,
        retention: &Retention,
    ) -> Result<(), StorageError> {
        self.edit(|data| push(&mut data.diagnostics.saml, entry, |e| e.at, retention))
    }

    fn recent_scim_requests(&self, limit: u32) -> Result<Vec<ScimRequestEntry>, StorageError> {
        Ok(self.with(|data| newest(&data.diagnostics.scim, limit)))
    }

    fn recent_saml_attempts(&self, limit: u32) -> Result<Vec<SamlAttemptEntry>, StorageError> {
        Ok(self.with(|data| newest(&data.diagnostics.saml, limit)))
    }

    fn users_never_signed_in(&self, limit: u32) -> Result<Vec<UserRecord>, StorageError> {
        let mut pending: Vec<UserRecord> = self.rows(|rows| {
            rows.users()
                .filter(|u| u.status == UserStatus::Pending)
                .cloned()
                .collect()
        });
        pending.sort_by_key(|u| (u.created_at, u.id));
        pending.truncate(limit as usize);
        Ok(pending)
    }

    fn scim_token_issued_at(&self) -> Result<Option<DateTime<Utc>>, StorageError> {
        Ok(self.with(|data| {
            data.diagnostics
                .scim_token_issued_at
                .filter(|_| !data.scim_tokens.is_empty())
        }))
    }

    fn note_expiry_warning(
        &self,
        item: &str,
        within_days: i64,
        _now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        self.edit(|data| {
            data.diagnostics
                .expiry_notices
                .insert((item.to_owned(), within_days))
        })
    }

    fn salesforce_link(
        &self,
        salesforce_org_id: &str,
        salesforce_user_id: &str,
    ) -> Result<Option<UserId>, StorageError> {
        Ok(self.with(|data| data.salesforce.link(salesforce_org_id, salesforce_user_id)))
    }

    fn user_has_salesforce_link(&self, user: UserId) -> Result<bool, StorageError> {
        Ok(self.with(|data| data.salesforce.has_link(user)))
    }

    fn insert_salesforce_link(&self, link: &SalesforceLink) -> Result<(), StorageError> {
        self.edit(|data| data.salesforce.insert_link(link))?
    }
}
