//! The admin pages under `/admin` (server-rendered with maud, which escapes every
//! value; usable without JavaScript): the Connect walkthrough (with the manual sync),
//! the per-IdP setup guides, Manage Users with each user's profile, Manage Teams with
//! each team's members, the audit log, the webhooks and Diagnostics. Every page needs
//! the signed-in session of an account admin of the org; forms carry the CSRF token.

mod audit;
mod connect;
mod guides;
mod layout;
mod ops;
mod picker;
mod profile;
mod sync;
mod team;
mod teams;
mod users;
mod webhooks;

use crate::session::SignedIn;
use crate::{ApiError, AppState};
use actix_web::web;
use tessera_core::Role;

/// A form body's fields (every page form is `application/x-www-form-urlencoded`).
fn form_fields(body: &[u8]) -> std::collections::HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// Registers the admin pages.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .route("", web::get().to(connect::show))
            .route("/connect", web::get().to(connect::show))
            .route("/connect/mode", web::post().to(connect::set_mode))
            .route("/connect/mapping", web::post().to(connect::download))
            .route("/connect/upload", web::post().to(connect::upload))
            .route("/connect/idp", web::post().to(connect::set_idp))
            .route("/connect/scim-token", web::post().to(connect::scim_token))
            .route("/connect/complete", web::post().to(connect::complete))
            .route("/connect/sync", web::post().to(sync::run))
            .route("/guides/{idp}", web::get().to(guides::show))
            .route("/users", web::get().to(users::show))
            .route("/users/invite", web::post().to(users::invite))
            .route("/users/{user}", web::get().to(profile::show))
            .route("/users/{user}/role", web::post().to(profile::set_role))
            .route(
                "/users/{user}/deactivate",
                web::post().to(profile::deactivate),
            )
            .route(
                "/users/{user}/reactivate",
                web::post().to(profile::reactivate),
            )
            .route("/users/{user}/teams", web::post().to(profile::add_to_team))
            .route("/teams", web::get().to(teams::show))
            .route("/teams", web::post().to(team::create))
            .route("/teams/merge", web::post().to(team::merge))
            .route("/teams/{team}/rename", web::post().to(teams::rename))
            .route("/teams/{team}/delete", web::post().to(teams::delete))
            .route("/teams/members", web::post().to(teams::add_member))
            .route(
                "/teams/members/remove",
                web::post().to(teams::remove_member),
            )
            .route("/teams/{team}/edit", web::post().to(teams::edit))
            .route("/teams/{team}", web::get().to(team::show))
            .route("/audit", web::get().to(audit::show))
            .route("/webhooks", web::get().to(webhooks::show))
            .route("/webhooks", web::post().to(webhooks::add))
            .route("/webhooks/{id}/remove", web::post().to(webhooks::remove))
            .route("/webhooks/{id}/replay", web::post().to(webhooks::replay))
            .route("/diagnostics", web::get().to(ops::show))
            .route(
                "/connect/certificates",
                web::post().to(ops::add_certificate),
            )
            .route(
                "/connect/certificates/remove",
                web::post().to(ops::remove_certificate),
            ),
    );
}

/// The signed-in user, who must be an account admin of their org.
pub(crate) fn account_admin(signed_in: &SignedIn) -> Result<(), ApiError> {
    if signed_in.user.role == Role::AccountAdmin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only an account admin can open the admin pages".into(),
        ))
    }
}

/// Runs blocking store work off the worker thread.
pub(crate) async fn blocking<T, E>(
    state: &web::Data<AppState>,
    work: impl FnOnce(tessera_store::Store) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let store = state.store.clone();
    crate::blocking::blocking(move || work(store)).await
}
