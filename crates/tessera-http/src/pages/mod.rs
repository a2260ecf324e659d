//! The admin pages under `/admin` (server-rendered with maud, which escapes every
//! value; usable without JavaScript): the Connect walkthrough, the per-IdP setup
//! guides, Manage Users, Manage Teams, the audit log and Diagnostics. Every page needs the signed-in
//! session of an account admin of the org; forms carry the CSRF token.

mod audit;
mod connect;
mod guides;
mod layout;
mod ops;
mod teams;
mod users;

use crate::session::SignedIn;
use crate::{ApiError, AppState};
use actix_web::web;
use tessera_core::Role;

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
            .route("/guides/{idp}", web::get().to(guides::show))
            .route("/users", web::get().to(users::show))
            .route("/teams", web::get().to(teams::show))
            .route("/teams/{team}/rename", web::post().to(teams::rename))
            .route("/teams/{team}/delete", web::post().to(teams::delete))
            .route("/teams/members", web::post().to(teams::add_member))
            .route(
                "/teams/members/remove",
                web::post().to(teams::remove_member),
            )
            .route("/teams/{team}/edit", web::post().to(teams::edit))
            .route("/audit", web::get().to(audit::show))
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
