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
    /// An IdP certificate, the SP certificate or the SCIM token came within 30, 7 or
    /// 1 days of its expiry, or expired; `data` is the warning the pages show.
    #[serde(rename = "expiry.warning")]
    ExpiryWarning,
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

impl EventType {
    /// Every type, in the order the issue lists them.
    pub const ALL: [EventType; 16] = [
        EventType::UserCreated,
        EventType::UserUpdated,
        EventType::UserDeactivated,
        EventType::UserReactivated,
        EventType::UserDeleted,
        EventType::TeamCreated,
        EventType::TeamUpdated,
        EventType::TeamDeleted,
        EventType::MembershipAdded,
        EventType::MembershipRemoved,
        EventType::InvitationCreated,
        EventType::ConnectionCompleted,
        EventType::LoginSucceeded,
        EventType::LoginRefused,
        EventType::SyncCompleted,
        EventType::ExpiryWarning,
    ];

    /// The dotted name (`user.created`), as stored and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::UserCreated => "user.created",
            EventType::UserUpdated => "user.updated",
            EventType::UserDeactivated => "user.deactivated",
            EventType::UserReactivated => "user.reactivated",
            EventType::UserDeleted => "user.deleted",
            EventType::TeamCreated => "team.created",
            EventType::TeamUpdated => "team.updated",
            EventType::TeamDeleted => "team.deleted",
            EventType::MembershipAdded => "membership.added",
            EventType::MembershipRemoved => "membership.removed",
            EventType::InvitationCreated => "invitation.created",
            EventType::ConnectionCompleted => "connection.completed",
            EventType::LoginSucceeded => "login.succeeded",
            EventType::LoginRefused => "login.refused",
            EventType::SyncCompleted => "sync.completed",
            EventType::ExpiryWarning => "expiry.warning",
        }
    }

    /// Parses a comma-separated list of dotted names (`user.created,team.deleted`);
    /// an empty list is every type. Unknown names are refused, all of them named.
    pub fn parse_list(text: &str) -> Result<Vec<EventType>, UnknownEventTypes> {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.parse::<EventType>() {
                Ok(kind) if !known.contains(&kind) => known.push(kind),
                Ok(_) => {}
                Err(UnknownEventTypes(mut names)) => unknown.append(&mut names),
            }
        }
        if unknown.is_empty() {
            Ok(known)
        } else {
            Err(UnknownEventTypes(unknown))
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventType {
    type Err = UnknownEventTypes;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| UnknownEventTypes(vec![name.to_owned()]))
    }
}

/// Event type names that are not event types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEventTypes(pub Vec<String>);

impl std::fmt::Display for UnknownEventTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        write!(
            f,
            "unknown event type {}; expected some of: {}",
            self.0.join(", "),
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownEventTypes {}

impl EventSource {
    /// The source's name (`scim`, `admin`, …), as stored and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EventSource::Scim => "scim",
            EventSource::Saml => "saml",
            EventSource::Salesforce => "salesforce",
            EventSource::Admin => "admin",
            EventSource::Operator => "operator",
            EventSource::System => "system",
        }
    }

    /// The stored name back; `None` for anything else.
    pub fn parse(name: &str) -> Option<EventSource> {
        [
            EventSource::Scim,
            EventSource::Saml,
            EventSource::Salesforce,
            EventSource::Admin,
            EventSource::Operator,
            EventSource::System,
        ]
        .into_iter()
        .find(|source| source.as_str() == name)
    }
}

impl From<tessera_core::Source> for EventSource {
    fn from(source: tessera_core::Source) -> Self {
        use tessera_core::Source;
        match source {
            Source::Scim => EventSource::Scim,
            Source::Saml => EventSource::Saml,
            Source::Salesforce => EventSource::Salesforce,
            Source::App | Source::Mapping => EventSource::Admin,
            Source::Cli => EventSource::Operator,
            Source::System => EventSource::System,
        }
    }
}
