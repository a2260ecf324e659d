//! Reading an org's stream in process, with no HTTP: what embedders call.

use super::model::{Event, EventType};
use crate::error::{ServiceError, ServiceResult};
use crate::storage::Storage;
use tessera_core::WorkspaceName;

/// Pages through a workspace's events by `seq` over any [`Storage`].
///
/// ```
/// use chrono::{DateTime, Utc};
/// use tessera_core::WorkspaceName;
/// use tessera_policy::{Actor, Command, InviteChannel};
/// use tessera_service::events::{EventReader, EventType};
/// use tessera_service::memory::{MemoryStorage, NewOrg};
/// use tessera_service::transact;
///
/// let storage = MemoryStorage::new();
/// let acme = WorkspaceName::parse("acme").unwrap();
/// let now: DateTime<Utc> = "2026-12-01T09:00:00Z".parse().unwrap();
/// let org = storage.create_org(NewOrg::connected_for_scim(acme.clone(), now), now).unwrap();
/// let invite = Command::InviteUser {
///     by: Actor::Operator,
///     email: "ada@acme.test".parse().unwrap(),
///     role: tessera_core::Role::Viewer,
///     given_name: None,
///     family_name: None,
///     channel: InviteChannel::Email,
/// };
/// transact::execute(&storage, org, &invite, now).unwrap();
///
/// let reader = EventReader::new(&storage);
/// let events = reader.after(&acme, 0, 100, &[]).unwrap();
/// assert_eq!(events[0].event_type, EventType::UserCreated);
/// assert_eq!(events[0].seq, 1);
/// // Next time, read after the last seq seen: nothing new yet.
/// let cursor = events.last().unwrap().seq;
/// assert!(reader.after(&acme, cursor, 100, &[]).unwrap().is_empty());
/// ```
#[derive(Clone, Copy)]
pub struct EventReader<'s> {
    storage: &'s dyn Storage,
}

impl<'s> EventReader<'s> {
    /// A reader over `storage`.
    pub fn new(storage: &'s dyn Storage) -> Self {
        Self { storage }
    }

    /// The workspace's events with `seq > cursor`, in seq order, at most `limit`
    /// (capped at [`super::MAX_PAGE`]), only those of `types` unless it is empty.
    /// `NotFound` when no org has that workspace name.
    pub fn after(
        &self,
        workspace: &WorkspaceName,
        cursor: i64,
        limit: usize,
        types: &[EventType],
    ) -> ServiceResult<Vec<Event>> {
        let org = self.storage.org_by_workspace(workspace)?.ok_or_else(|| {
            ServiceError::not_found(format!("no workspace {:?}", workspace.as_str()))
        })?;
        Ok(self.storage.events_after(org.id, cursor, limit, types)?)
    }
}
