//! The storage port: what a backend implements so that the services run on it.
//!
//! A backend implements [`Storage`] (reaching an org, the SCIM token check, and
//! running work in a read or a write transaction) and gives that work a
//! [`Transaction`]: the policy engine's read port [`OrgView`] plus the writes and the
//! listings the services need. `tessera-store` implements both over SQLite and
//! PostgreSQL; [`crate::memory::MemoryStorage`] implements them in memory.
//!
//! The services own the transaction semantics: they decide and apply in one
//! [`Storage::write`], and when a write reports [`StorageError::Conflict`] (a
//! concurrent transaction won a unique index, a version or a serialization check)
//! they run the whole unit again on the new state. A backend only has to roll back on
//! `Err` and commit on `Ok`.

use crate::connect::records::{IdpConnectionRecord, MappingExportRecord, WalkthroughRecord};
use crate::diagnostics::{Retention, SamlAttemptEntry, ScimRequestEntry};
use crate::error::{ServiceResult, StorageError};
use crate::events::{Event, EventType, NewEvent};
use crate::login::salesforce::{SalesforceLink, SalesforceState};
use crate::login::{IdpSettings, SavedRequest, StoredRequest};
use crate::webhooks::{DeadLetter, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint};
use chrono::{DateTime, Utc};
use tessera_core::{OrgId, TeamId, TokenHash, UserId, WorkspaceName};
use tessera_mapping::SnapshotRow;
use tessera_policy::{AuditEntry, Decision, MappingLink, OrgView, TeamRecord, UserRecord};
use tessera_scim::filter::IndexedAttribute;

/// The storage port of the services. Object safe: services hold an
/// `Arc<dyn Storage>` or any `S: Storage`.
pub trait Storage: Send + Sync {
    /// The org of a workspace name, or `None`.
    fn org_by_workspace(
        &self,
        workspace: &WorkspaceName,
    ) -> Result<Option<OrgSummary>, StorageError>;

    /// Whether `token` is a live SCIM token of the org (compared in constant time).
    fn scim_token_matches(&self, org: OrgId, token: &str) -> Result<bool, StorageError>;

    /// The org of `workspace` when `token` is one of its live SCIM tokens; `None` for an
    /// unknown workspace and for a token it does not hold alike. The default asks
    /// [`Self::org_by_workspace`], then [`Self::scim_token_matches`]; a backend may
    /// answer in one lookup.
    fn org_for_scim_token(
        &self,
        workspace: &WorkspaceName,
        token: &str,
    ) -> Result<Option<OrgSummary>, StorageError> {
        match self.org_by_workspace(workspace)? {
            Some(org) if self.scim_token_matches(org.id, token)? => Ok(Some(org)),
            _ => Ok(None),
        }
    }

    /// The org of a workspace name with its IdP settings (`None` before an IdP is
    /// configured); `None` without such an org. Every login starts with it. The
    /// default asks [`Self::org_by_workspace`], then reads
    /// [`Transaction::idp_settings`]; a backend may answer in one lookup.
    fn org_with_idp(
        &self,
        workspace: &WorkspaceName,
    ) -> ServiceResult<Option<(OrgSummary, Option<IdpSettings>)>> {
        let Some(org) = self.org_by_workspace(workspace)? else {
            return Ok(None);
        };
        let mut settings = None;
        self.read(org.id, &mut |tx| {
            settings = tx.idp_settings()?;
            Ok(())
        })?;
        Ok(Some((org, settings)))
    }

    /// Runs `work` over one consistent read of the org's data.
    fn read(
        &self,
        org: OrgId,
        work: &mut dyn FnMut(&dyn Transaction) -> ServiceResult<()>,
    ) -> ServiceResult<()>;

    /// Runs `work` in one write transaction on the org's data: commits when it
    /// returns `Ok`, writes nothing when it returns `Err`. A commit that loses to a
    /// concurrent transaction answers [`StorageError::Conflict`] (converted).
    fn write(
        &self,
        org: OrgId,
        work: &mut dyn FnMut(&dyn Transaction) -> ServiceResult<()>,
    ) -> ServiceResult<()>;

    // --- Connect walkthrough ---

    /// The workspaces of the orgs other than `except` whose IdP connection has this
    /// entity id, in name order (a shared entity id is allowed, with a warning).
    fn workspaces_with_idp_entity_id(
        &self,
        entity_id: &str,
        except: OrgId,
    ) -> Result<Vec<WorkspaceName>, StorageError>;

    // --- events (issue #11) ---

    /// The org's events with `seq > after_seq`, in seq order, at most `limit` (capped
    /// at [`crate::events::MAX_PAGE`]); only those of `types` unless it is empty.
    fn events_after(
        &self,
        org: OrgId,
        after_seq: i64,
        limit: usize,
        types: &[EventType],
    ) -> Result<Vec<Event>, StorageError>;

    /// The seq of the org's last committed event (0 before its first), purged ones
    /// included. The default pages through [`Self::events_after`] (purged events then
    /// do not count); a backend answers from its counter.
    fn last_event_seq(&self, org: OrgId) -> Result<i64, StorageError> {
        let mut last = 0;
        loop {
            let page = self.events_after(org, last, crate::events::MAX_PAGE, &[])?;
            match page.last() {
                Some(event) => last = event.seq,
                None => return Ok(last),
            }
        }
    }

    /// Deletes the events of every org that occurred before `before` (retention);
    /// answers how many. The seq counters stay: a purge never reuses a seq.
    fn purge_events(&self, before: DateTime<Utc>) -> Result<u64, StorageError>;

    // --- Webhooks (`crate::webhooks`) ---

    /// Stores a new endpoint (its id is fresh).
    fn add_webhook_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), StorageError>;

    /// The org's endpoints with their delivery state, oldest first.
    fn webhook_endpoints(&self, org: OrgId) -> Result<Vec<WebhookEndpoint>, StorageError>;

    /// Removes the org's endpoint `id` with its attempts and dead letters; `false`
    /// when the org has no such endpoint.
    fn remove_webhook_endpoint(&self, org: OrgId, id: &str) -> Result<bool, StorageError>;

    /// Leases up to `request.limit` due endpoints of any org to `request.owner` until
    /// `request.until` and answers them (with the lease in their state). Due: enabled,
    /// `next_attempt_at <= now`, not leased or the lease over (`lease_until <= now`),
    /// and with an event of its org after its cursor, of any type (an endpoint that is
    /// up to date is left alone, so idle endpoints cost no writes).
    /// Atomic across the processes sharing the backend: no endpoint is leased to two
    /// owners at once (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
    fn lease_webhook_endpoints(
        &self,
        request: &LeaseRequest,
    ) -> Result<Vec<WebhookEndpoint>, StorageError>;

    /// Writes what an attempt did, in one transaction: the endpoint's new state, the
    /// attempt and the dead letter, if any. Only while `settlement.owner` still holds
    /// the endpoint's lease; answers `false` (writing nothing) otherwise.
    fn settle_webhook_endpoint(&self, settlement: &Settlement) -> Result<bool, StorageError>;

    /// Moves the org's endpoint `id` back to deliver from `from_seq` on, due at `now`,
    /// with no failures and no lease (an in-flight attempt's settlement is then
    /// refused); `false` when the org has no such endpoint.
    fn replay_webhook_endpoint(
        &self,
        org: OrgId,
        id: &str,
        from_seq: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// The endpoint's latest attempts, newest first.
    fn webhook_attempts(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<WebhookAttempt>, StorageError>;

    /// The endpoint's dead letters, newest first.
    fn webhook_dead_letters(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StorageError>;
    // --- Salesforce login (`crate::login::salesforce`) ---

    /// Stores a started Salesforce login, first purging the expired ones
    /// (`expires_at <= state.created_at`, of every org).
    fn save_salesforce_state(&self, state: &SalesforceState) -> Result<(), StorageError>;

    /// Removes the started login whose state hashes to `state_hash` and answers it,
    /// expired or not; `None` when there is none (unknown or already taken). Atomic
    /// across the processes sharing the backend: one caller gets it.
    fn take_salesforce_state(
        &self,
        state_hash: &TokenHash,
    ) -> Result<Option<SalesforceState>, StorageError>;
}

/// One org's data inside a transaction of [`Storage::read`] or [`Storage::write`].
///
/// Work inside a read transaction must not write: the in-memory backend refuses
/// such writes, a SQL backend need not. Every listing is in ascending SCIM id
/// order and sees only SCIM-managed rows (a user or team whose SCIM id was cleared,
/// U5/T7, is invisible to SCIM).
pub trait Transaction: OrgView<Error = StorageError> {
    /// Writes a decision: its changes (checking row versions and unique keys; a
    /// clash is [`StorageError::Conflict`]), audit entries and invitations, and appends
    /// its events: [`crate::events::derive`] over the state before the changes.
    fn apply(&self, decision: &Decision, now: DateTime<Utc>) -> Result<(), StorageError>;

    /// Appends audit entries that no decision made (a refused SAML response, …).
    fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StorageError>;

    /// How many SCIM-managed users (`scim_id` set) the org has.
    fn count_scim_users(&self) -> Result<u64, StorageError>;

    /// The SCIM-managed users a query selects, in SCIM id order.
    fn scim_users(&self, query: &RecordQuery) -> Result<Vec<UserRecord>, StorageError>;

    /// How many SCIM-managed IdP teams the org has.
    fn count_scim_groups(&self) -> Result<u64, StorageError>;

    /// The SCIM-managed IdP teams a query selects, in SCIM id order.
    fn scim_groups(&self, query: &RecordQuery) -> Result<Vec<TeamRecord>, StorageError>;

    /// For each of these users, the SCIM-managed IdP teams it belongs to, as
    /// `(user, team)` pairs in team SCIM id order.
    fn scim_groups_of_users(
        &self,
        users: &[UserId],
    ) -> Result<Vec<(UserId, TeamRecord)>, StorageError>;

    /// The SCIM ids of the SCIM-managed members of these teams, as `(team, scim id)`
    /// pairs in team then member SCIM id order.
    fn scim_members(&self, teams: &[TeamId]) -> Result<Vec<(TeamId, String)>, StorageError>;

    /// Whether the team has more than `most` SCIM-managed members: a backend reads at
    /// most `most + 1` of them, so the answer costs the same for any larger team.
    fn scim_members_exceed(&self, team: TeamId, most: u64) -> Result<bool, StorageError>;

    /// Locks the SCIM resource for the rest of the write transaction, so the state
    /// read next is the one the write replaces (a no-op where writes are serial).
    fn lock_scim_resource(&self, kind: ScimResourceKind, scim_id: &str)
    -> Result<(), StorageError>;

    /// A new version and `updated_at = now` for each SCIM-managed team listed (a
    /// group's ETag moves with its members).
    fn touch_teams(&self, teams: &[TeamId], now: DateTime<Utc>) -> Result<(), StorageError>;

    // --- SAML login (`crate::login`) ---

    /// The org's IdP connection, if one was configured.
    fn idp_settings(&self) -> Result<Option<IdpSettings>, StorageError>;

    /// Remembers an outstanding AuthnRequest of the org. Purges the expired requests
    /// (`expires_at <= request.created_at`, of every org where the backend is shared)
    /// and keeps at most `keep_at_most` of this org, dropping the oldest: answers how
    /// many were dropped.
    fn save_saml_request(
        &self,
        request: &SavedRequest,
        keep_at_most: usize,
    ) -> Result<usize, StorageError>;

    /// Removes the org's outstanding AuthnRequest `id` and answers it, expired or not;
    /// `None` when there is none (unknown, another org's, already taken).
    fn take_saml_request(&self, id: &str) -> Result<Option<StoredRequest>, StorageError>;

    /// Records a consumed assertion id of the org until `expires_at`, first purging the
    /// ids expired at `now`; `false` when it was already recorded (a replay). Atomic
    /// across the processes sharing the backend.
    fn remember_assertion(
        &self,
        assertion_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Records a login of the user: a `pending` account becomes `active` with its
    /// first login at `now` (U1); any other account is left as it is.
    fn record_login(&self, user: UserId, now: DateTime<Utc>) -> Result<(), StorageError>;

    // --- Connect walkthrough ---

    /// The org's walkthrough columns.
    fn walkthrough(&self) -> Result<WalkthroughRecord, StorageError>;

    /// Replaces the walkthrough's step and mode, provided they are still those of
    /// `expected` (else [`StorageError::Conflict`]: a concurrent step won).
    fn save_walkthrough(
        &self,
        expected: &WalkthroughRecord,
        next: &WalkthroughRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError>;

    /// Every user of the org as `(id, email)`, in any order.
    fn mapping_users(&self) -> Result<Vec<SnapshotRow>, StorageError>;

    /// The org's latest mapping-sheet download (by time, then id), if any.
    fn latest_mapping_export(&self) -> Result<Option<MappingExportRecord>, StorageError>;

    /// Stores a new download.
    fn insert_mapping_export(&self, export: &MappingExportRecord) -> Result<(), StorageError>;

    /// Marks the download as uploaded at `now` with the links the upload applied.
    fn mark_mapping_uploaded(
        &self,
        export_id: &str,
        links: &[MappingLink],
        now: DateTime<Utc>,
    ) -> Result<(), StorageError>;

    /// The org's IdP connection, if stored.
    fn idp_connection(&self) -> Result<Option<IdpConnectionRecord>, StorageError>;

    /// Stores the org's IdP connection, replacing any earlier one.
    fn save_idp_connection(
        &self,
        connection: &IdpConnectionRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError>;

    /// Whether the org has a live SCIM token.
    fn scim_token_active(&self) -> Result<bool, StorageError>;

    /// Makes `hash` the org's one live SCIM token, revoking the others at `now` (C3);
    /// answers whether one was revoked.
    fn replace_scim_token(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    // --- events (issue #11) ---

    /// Appends events to the org's stream in this transaction; the backend gives each
    /// a unique id and the org's next seq (1, 2, 3, … with no gap: an event of a
    /// rolled-back transaction takes none). [`Transaction::apply`] appends the
    /// decision's own events ([`crate::events::derive`]) itself.
    fn append_events(&self, events: &[NewEvent]) -> Result<(), StorageError>;

    // --- Diagnostics and expiry warnings (`crate::diagnostics`, `crate::expiry`) ---

    /// Records a SCIM request of the org, then drops the org's SCIM lines older than
    /// `retention.cutoff(entry.at)` and all but the newest `retention.keep`.
    fn record_scim_request(
        &self,
        entry: &ScimRequestEntry,
        retention: &Retention,
    ) -> Result<(), StorageError>;

    /// Records a response posted to the org's ACS, with the same retention.
    fn record_saml_attempt(
        &self,
        entry: &SamlAttemptEntry,
        retention: &Retention,
    ) -> Result<(), StorageError>;

    /// The org's newest SCIM request lines, newest first (ties: last recorded first).
    fn recent_scim_requests(&self, limit: u32) -> Result<Vec<ScimRequestEntry>, StorageError>;

    /// The org's newest SAML login lines, newest first (ties: last recorded first).
    fn recent_saml_attempts(&self, limit: u32) -> Result<Vec<SamlAttemptEntry>, StorageError>;

    /// Up to `limit` of the org's `pending` users (never signed in, U1), oldest first.
    fn users_never_signed_in(&self, limit: u32) -> Result<Vec<UserRecord>, StorageError>;

    /// When the org's live SCIM token was issued, if it has one.
    fn scim_token_issued_at(&self) -> Result<Option<DateTime<Utc>>, StorageError>;

    /// Notes that the org's expiry warning for `item` (a stable key of what expires)
    /// at the `within_days` threshold was announced at `now`; answers `false` when it
    /// already was, by this server or another one.
    fn note_expiry_warning(
        &self,
        item: &str,
        within_days: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    // --- Salesforce login (`crate::login::salesforce`) ---

    /// The account of the org linked to this Salesforce identity, if any.
    fn salesforce_link(
        &self,
        salesforce_org_id: &str,
        salesforce_user_id: &str,
    ) -> Result<Option<UserId>, StorageError>;

    /// Whether the user is linked to a Salesforce identity.
    fn user_has_salesforce_link(&self, user: UserId) -> Result<bool, StorageError>;

    /// Stores a link; one that clashes with a stored one (same identity or same user)
    /// is [`StorageError::Conflict`].
    fn insert_salesforce_link(&self, link: &SalesforceLink) -> Result<(), StorageError>;
}

/// Which SCIM resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimResourceKind {
    /// `/Users`.
    User,
    /// `/Groups`.
    Group,
}

/// Which SCIM-managed rows a listing wants; always in ascending SCIM id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordQuery {
    /// A page of all of them.
    Page {
        /// Rows to skip.
        offset: u64,
        /// The most rows to answer.
        limit: u64,
    },
    /// The next batch of a scan: rows whose SCIM id sorts after `scim_id` (all when
    /// it is empty).
    After {
        /// The last SCIM id of the previous batch.
        scim_id: String,
        /// The most rows to answer.
        limit: u64,
    },
    /// The rows whose indexed attribute equals one of `keys` (already in stored,
    /// normalised form: lowercased user names and emails, team name keys).
    Keys {
        /// The indexed attribute.
        attribute: IndexedAttribute,
        /// The wanted values.
        keys: Vec<String>,
    },
}

/// What the services need to know of an org before they open a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSummary {
    /// The org.
    pub id: OrgId,
    /// Its workspace name.
    pub workspace: WorkspaceName,
    /// The operator's SSO/SCIM switch (W3): when off, SCIM and SAML are refused.
    pub sso_enabled: bool,
}
