//! The Connect walkthrough on this store: [`tessera_service::connect::ConnectService`]
//! over SQL, as methods for callers that hold a [`Store`] (the admin CLI, tests, the
//! abuse bench). The steps and their rules are the service's; the rows are
//! [`crate::port`]'s.

use crate::Store;
use chrono::{DateTime, Utc};
use tessera_core::{ConnectionMode, OrgId};
use tessera_policy::Actor;
use tessera_service::ServiceResult;
use tessera_service::connect::{
    ConnectService, IdpDetails, MappingExport, MappingUpload, Walkthrough,
};

impl Store {
    /// [`ConnectService::walkthrough`].
    pub fn walkthrough(&self, org: OrgId) -> ServiceResult<Walkthrough> {
        ConnectService::new(self).walkthrough(org)
    }

    /// [`ConnectService::set_mode`].
    pub fn set_connection_mode(
        &self,
        org: OrgId,
        mode: ConnectionMode,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        ConnectService::new(self).set_mode(org, mode, by, now)
    }

    /// [`ConnectService::export_mapping`].
    pub fn export_mapping(
        &self,
        org: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<MappingExport> {
        ConnectService::new(self).export_mapping(org, by, now)
    }

    /// [`ConnectService::import_mapping`].
    pub fn import_mapping(
        &self,
        org: OrgId,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<MappingUpload> {
        ConnectService::new(self).import_mapping(org, file_name, bytes, dry_run, by, now)
    }

    /// [`ConnectService::set_idp`].
    pub fn set_idp(
        &self,
        org: OrgId,
        details: &IdpDetails,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        ConnectService::new(self).set_idp(org, details, by, now)
    }

    /// [`ConnectService::issue_scim_token`].
    pub fn issue_connection_scim_token(
        &self,
        org: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<String> {
        ConnectService::new(self).issue_scim_token(org, by, now)
    }

    /// [`ConnectService::complete`].
    pub fn complete_connection(
        &self,
        org: OrgId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        ConnectService::new(self).complete(org, by, now)
    }
}
