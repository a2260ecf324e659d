//! Login (email first, L2/L3), logout, the signed-in landing page `/app`, and the
//! browser extension's token endpoint (L4).

mod app;
mod html;
mod invite;
mod page;
mod password;
mod sign_in;
mod throttle;
mod token;

pub(crate) use html::page;
pub(crate) use throttle::LoginThrottle;
pub(crate) use token::me;

use actix_web::web;

/// Registers the login routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(app::root))
        .route("/login", web::get().to(page::show))
        .route("/login", web::post().to(page::submit_email))
        .route("/login/password", web::post().to(sign_in::submit))
        .route("/logout", web::post().to(password::logout))
        .route("/app", web::get().to(app::show))
        .route("/auth/token", web::post().to(token::issue))
        .route("/invite/{token}", web::get().to(invite::show))
        .route("/invite/{token}", web::post().to(invite::accept));
}
