//! What an event is: the typed record of one committed change, as the events API,
//! the webhooks and the in-process reader all show it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The type of an event (the `type` field), in dotted form on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// A user was created.
    #[serde(rename = "user.created")]
    UserCreated,
    /// A user changed; `data.previous` holds the previous values of the changed fields.
    #[serde(rename = "user.updated")]
    UserUpdated,
    /// A user was deactivated.
    #[serde(rename = "user.deactivated")]
    UserDeactivated,
    /// A deactivated user was reactivated.
    #[serde(rename = "user.reactivated")]
    UserReactivated,
    /// A user was deleted.
    #[serde(rename = "user.deleted")]
    UserDeleted,
    /// A team was created.
    #[serde(rename = "team.created")]
    TeamCreated,
    /// A team was renamed, or its description or access changed.
    #[serde(rename = "team.updated")]
    TeamUpdated,
    /// A team was deleted.
    #[serde(rename = "team.deleted")]
    TeamDeleted,
    /// A user joined a team.
    #[serde(rename = "membership.added")]
    MembershipAdded,
    /// A user left a team.
    #[serde(rename = "membership.removed")]
    MembershipRemoved,
    /// An invitation email is due: the host's mailer sends it.
    #[serde(rename = "invitation.created")]
    InvitationCreated,
    /// The org's IdP connection went live.
    #[serde(rename = "connection.completed")]
    ConnectionCompleted,
    /// Someone signed in.
    #[serde(rename = "login.succeeded")]
    LoginSucceeded,
    /// A sign-in was refused; `data.reason` is the reason code.
    #[serde(rename = "login.refused")]
    LoginRefused,
    /// A manual or scheduled sync finished.
    #[serde(rename = "sync.completed")]
    SyncCompleted,
}

/// Who or what caused an event (the `source` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    /// The IdP, through SCIM.
    Scim,
    /// The IdP, through a SAML login.
    Saml,
    /// Salesforce, through its OpenID Connect login.
    Salesforce,
    /// An account admin, through the pages or the admin API (or the mapping sheet).
    Admin,
    /// The operator, through `tessera-admin`.
    Operator,
    /// Tessera itself.
    System,
}

/// An event to append to an org's stream, inside the transaction of the change it
/// describes; the backend gives it its `id` and `seq`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewEvent {
    /// Its type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the change happened.
    pub occurred_at: DateTime<Utc>,
    /// Who or what caused it.
    pub source: EventSource,
    /// The type's payload.
    pub data: serde_json::Value,
}

/// A committed event of one org's stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique across every org (also the webhook's `webhook-id`).
    pub id: String,
    /// Its place in the org's stream: 1, 2, 3, … with no gaps.
    pub seq: i64,
    /// Its type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the change happened (RFC 3339 on the wire).
    pub occurred_at: DateTime<Utc>,
    /// Who or what caused it.
    pub source: EventSource,
    /// The type's payload.
    pub data: serde_json::Value,
}
