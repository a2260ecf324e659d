//! SCIM resources from stored records: a User is the resource as the IdP last sent it
//! with the server's `id`, `active`, `externalId`, `meta` and read-only `groups`; a
//! Group is built from its team, with `members` only when they are read.

use crate::error::ServiceResult;
use crate::storage::Transaction;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use tessera_core::{TeamId, UserId, UserStatus};
use tessera_policy::{TeamRecord, UserRecord};
use tessera_scim::{Meta, urn};

/// The SCIM JSON of a user, without `groups`.
pub(crate) fn user_json(user: &UserRecord, base_url: &str) -> Value {
    let scim_id = user.scim_id.clone().unwrap_or_default();
    let mut object = user
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
        let user_name = user
            .scim_user_name
            .as_ref()
            .map(|name| name.normalized().to_owned())
            .unwrap_or_default();
        object.insert("userName".into(), Value::String(user_name));
    }
    if !object.contains_key("emails") {
        let email = user.idp_email.as_ref().unwrap_or(&user.email).normalized();
        object.insert(
            "emails".into(),
            json!([{ "value": email, "type": "work", "primary": true }]),
        );
    }
    match &user.external_id {
        Some(external_id) => object.insert("externalId".into(), Value::String(external_id.clone())),
        None => object.remove("externalId"),
    };
    // `active` as the IdP last set it, except that a deactivated account always says
    // so; an IdP that never sent it (or removed it) sees none on an active account.
    if user.status == UserStatus::Deactivated {
        object.insert("active".into(), Value::Bool(false));
    } else if object.contains_key("active") {
        object.insert("active".into(), Value::Bool(true));
    }
    let meta = Meta::for_resource(
        "User",
        base_url,
        "Users",
        &scim_id,
        user.created_at,
        user.updated_at,
        &user.version.to_string(),
    );
    object.insert("id".into(), Value::String(scim_id));
    object.insert(
        "meta".into(),
        serde_json::to_value(meta).unwrap_or(Value::Null),
    );
    Value::Object(object)
}

/// Adds the read-only `groups` (RFC 7643 §4.1.2: the user's IdP groups) to each
/// rendered user, in one lookup for the whole page.
pub(crate) fn add_groups(
    tx: &dyn Transaction,
    base_url: &str,
    users: &mut [(UserId, Value)],
) -> ServiceResult<()> {
    if users.is_empty() {
        return Ok(());
    }
    let ids: Vec<UserId> = users.iter().map(|(id, _)| *id).collect();
    let mut groups: HashMap<UserId, Vec<Value>> = HashMap::new();
    for (user, team) in tx.scim_groups_of_users(&ids)? {
        let Some(group) = team.scim_id else { continue };
        groups.entry(user).or_default().push(json!({
            "value": group,
            "$ref": format!("{}/Groups/{group}", base_url.trim_end_matches('/')),
            "display": team.name,
            "type": "direct",
        }));
    }
    for (id, resource) in users {
        if let (Some(list), Value::Object(object)) = (groups.remove(id), resource) {
            object.insert("groups".into(), Value::Array(list));
        }
    }
    Ok(())
}

/// The SCIM JSON of an IdP team, with these `members` when given.
pub(crate) fn group_json(team: &TeamRecord, members: Option<Vec<Value>>, base_url: &str) -> Value {
    let scim_id = team.scim_id.clone().unwrap_or_default();
    let mut object = Map::new();
    object.insert("schemas".into(), json!([urn::GROUP]));
    object.insert("id".into(), Value::String(scim_id.clone()));
    if let Some(external_id) = &team.external_id {
        object.insert("externalId".into(), Value::String(external_id.clone()));
    }
    object.insert("displayName".into(), Value::String(team.name.clone()));
    if let Some(members) = members {
        object.insert("members".into(), Value::Array(members));
    }
    let meta = Meta::for_resource(
        "Group",
        base_url,
        "Groups",
        &scim_id,
        team.created_at,
        team.updated_at,
        &team.version.to_string(),
    );
    object.insert(
        "meta".into(),
        serde_json::to_value(meta).unwrap_or(Value::Null),
    );
    Value::Object(object)
}

/// The SCIM-managed members of each team (`{value, $ref, type}`, RFC 7643 §8.7.1).
pub(crate) fn members_of(
    tx: &dyn Transaction,
    teams: &[TeamId],
    base_url: &str,
) -> ServiceResult<HashMap<TeamId, Vec<Value>>> {
    let users_url = format!("{}/Users", base_url.trim_end_matches('/'));
    let mut by_team: HashMap<TeamId, Vec<Value>> = HashMap::new();
    for (team, scim_id) in tx.scim_members(teams)? {
        by_team.entry(team).or_default().push(json!({
            "value": scim_id,
            "$ref": format!("{users_url}/{scim_id}"),
            "type": "User",
        }));
    }
    Ok(by_team)
}

/// Groups rendered with their members when `with_members`.
pub(crate) fn groups_json(
    tx: &dyn Transaction,
    teams: &[TeamRecord],
    with_members: bool,
    base_url: &str,
) -> ServiceResult<Vec<(TeamId, Value)>> {
    let mut members = if with_members {
        let ids: Vec<TeamId> = teams.iter().map(|t| t.id).collect();
        members_of(tx, &ids, base_url)?
    } else {
        HashMap::new()
    };
    Ok(teams
        .iter()
        .map(|team| {
            let list = with_members.then(|| members.remove(&team.id).unwrap_or_default());
            (team.id, group_json(team, list, base_url))
        })
        .collect())
}
