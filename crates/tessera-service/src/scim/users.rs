//! `/Users`: list, search, create, read, replace, patch, delete (U2, U5, U6); `groups`
//! sent in a POST or PUT set the user's IdP group memberships.

use super::failure::ScimFailure;
use super::listing::{self, ListRequest};
use super::render::{add_groups, user_json};
use super::response::{self, ScimResponse, check_if_match, not_found, subject_scim_id};
use super::writes::Write;
use super::{MAX_RESULTS, ScimCaller, ScimService, read_json};
use crate::error::ServiceError;
use crate::storage::{ScimResourceKind, Transaction};
use crate::transact::read;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tessera_core::Email;
use tessera_policy::{Command, ProvisionedUser, UserPatch};
use tessera_scim::{
    ListQuery, Projection, ScimError, User, apply_user_patch, normalise_patch, user_group_refs,
};

impl ScimService {
    /// `GET /Users` and `POST /Users/.search`: a filtered page in a stable order.
    pub(super) fn list_users(
        &self,
        caller: &ScimCaller,
        query: ListQuery,
    ) -> Result<ScimResponse, ScimFailure> {
        let request = ListRequest {
            base_url: &caller.base_url,
            filter: query.filter.as_ref(),
            offset: query.offset(),
            limit: query.page_size(u64::from(MAX_RESULTS)),
            with_members: false,
            scan_limit: self.config.filter_scan_limit,
        };
        let page = read(&*self.storage, caller.org, |tx| {
            listing::users(tx, &request)
        })?;
        Ok(response::list(page, query.start_index, &query.projection))
    }

    /// `GET /Users/{id}`.
    pub(super) fn get_user(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        projection: &Projection,
    ) -> Result<ScimResponse, ScimFailure> {
        let user = self.read_user(caller, scim_id)?;
        Ok(response::resource(200, user, projection))
    }

    /// `POST /Users`: 201 with the resource; 409 `uniqueness` for a taken `userName`.
    pub(super) fn create_user(
        &self,
        caller: &ScimCaller,
        body: &[u8],
        projection: &Projection,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let json = read_json(body)?;
        let groups = user_group_refs(&json)?;
        let provisioned = provisioned(&User::from_json(json)?)?;
        let write = self.write(caller, groups.as_deref(), now);
        let decision = write.run(&Command::ScimCreateUser(provisioned))?;
        let scim_id = subject_scim_id(&decision)
            .ok_or_else(|| ServiceError::internal("the created user has no SCIM id"))?;
        let user = self.read_user(caller, &scim_id)?;
        Ok(response::resource(201, user, projection))
    }

    /// `PUT /Users/{id}`: the IdP's resource replaces ours (`active` included, U5).
    pub(super) fn replace_user(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        body: &[u8],
        projection: &Projection,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let json = read_json(body)?;
        let groups = user_group_refs(&json)?;
        let provisioned = provisioned(&User::from_json(json)?)?;
        let write = self.write(caller, groups.as_deref(), now);
        write.run_on(
            ScimResourceKind::User,
            scim_id,
            |tx| user_in(tx, caller, scim_id),
            |current| {
                check_if_match(if_match, &current)?;
                Ok(Command::ScimReplaceUser {
                    scim_id: scim_id.to_owned(),
                    user: provisioned.clone(),
                })
            },
        )?;
        let user = self.read_user(caller, scim_id)?;
        Ok(response::resource(200, user, projection))
    }

    /// `PATCH /Users/{id}`: every operation applies or none does; 200 with the resource
    /// (Okta treats an empty answer as a failure). Removing `active` leaves the account
    /// active, as a POST or PUT without `active` does.
    pub(super) fn patch_user(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        body: &[u8],
        projection: &Projection,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let operations = normalise_patch(&read_json(body)?)?;
        let write = self.write(caller, None, now);
        write.run_on(
            ScimResourceKind::User,
            scim_id,
            |tx| user_in(tx, caller, scim_id),
            |current| {
                check_if_match(if_match, &current)?;
                let patched = apply_user_patch(&User::from_json(current)?, &operations)?;
                Ok(Command::ScimPatchUser {
                    scim_id: scim_id.to_owned(),
                    patch: user_patch(&patched)?,
                })
            },
        )?;
        let user = self.read_user(caller, scim_id)?;
        Ok(response::resource(200, user, projection))
    }

    /// `DELETE /Users/{id}`: deactivated and detached, data kept; later reads 404 (U5).
    pub(super) fn delete_user(
        &self,
        caller: &ScimCaller,
        scim_id: &str,
        if_match: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ScimResponse, ScimFailure> {
        let write = self.write(caller, None, now);
        write.run_on(
            ScimResourceKind::User,
            scim_id,
            |tx| user_in(tx, caller, scim_id),
            |current| {
                check_if_match(if_match, &current)?;
                Ok(Command::ScimDeleteUser {
                    scim_id: scim_id.to_owned(),
                })
            },
        )?;
        Ok(response::no_content(None))
    }

    fn read_user(&self, caller: &ScimCaller, scim_id: &str) -> Result<Value, ScimFailure> {
        read(&*self.storage, caller.org, |tx| {
            user_in(tx, caller, scim_id)
        })?
        .ok_or_else(|| not_found("User", scim_id).into())
    }

    pub(super) fn write<'a>(
        &'a self,
        caller: &ScimCaller,
        groups: Option<&'a [String]>,
        now: DateTime<Utc>,
    ) -> Write<'a> {
        Write {
            storage: &*self.storage,
            org: caller.org,
            groups,
            now,
        }
    }
}

/// The SCIM User `scim_id` with its groups, or `None` (also once detached, U5).
fn user_in(
    tx: &dyn Transaction,
    caller: &ScimCaller,
    scim_id: &str,
) -> Result<Option<Value>, ScimFailure> {
    let Some(user) = tx.user_by_scim_id(scim_id)?.filter(|u| u.scim_id.is_some()) else {
        return Ok(None);
    };
    let mut users = vec![(user.id, user_json(&user, &caller.base_url))];
    add_groups(tx, &caller.base_url, &mut users)?;
    Ok(users.pop().map(|(_, json)| json))
}

/// The resource as stored: what the IdP sent, without the server's `id` and `meta`.
fn attributes_json(user: &User) -> String {
    let mut user = user.clone();
    user.id = None;
    user.meta = None;
    user.to_json().to_string()
}

fn email_of(user: &User) -> Result<Option<Email>, ScimError> {
    user.primary_email()
        .map(Email::parse)
        .transpose()
        .map_err(|e| ScimError::InvalidValue {
            attribute: "emails".into(),
            problem: e.to_string(),
        })
}

fn provisioned(user: &User) -> Result<ProvisionedUser, ScimError> {
    let name = user.name.clone().unwrap_or_default();
    Ok(ProvisionedUser {
        user_name: user.user_name.clone(),
        email: email_of(user)?,
        given_name: name.given_name,
        family_name: name.family_name,
        display_name: user.display_name.clone(),
        external_id: user.external_id.clone(),
        active: user.active.unwrap_or(true),
        attributes_json: Some(attributes_json(user)),
    })
}

fn user_patch(user: &User) -> Result<UserPatch, ScimError> {
    let name = user.name.clone().unwrap_or_default();
    Ok(UserPatch {
        user_name: Some(user.user_name.clone()),
        email: email_of(user)?,
        given_name: Some(name.given_name),
        family_name: Some(name.family_name),
        display_name: Some(user.display_name.clone()),
        external_id: Some(user.external_id.clone()),
        // No `active` (removed by the PATCH) means active, as on POST and PUT.
        active: Some(user.active.unwrap_or(true)),
        attributes_json: Some(attributes_json(user)),
    })
}
