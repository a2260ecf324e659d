//! The admin JSON API under `/api/v1`, scoped to one org per request:
//! `/api/v1/orgs/{ws}/…`. Its OpenAPI document is served at `/api/v1/openapi.json`.

mod audit;
mod auth;
mod body;
pub(crate) mod connect;
mod events;
pub(crate) mod ops;
mod teams;
mod users;
pub(crate) mod webhooks;

use actix_web::{HttpResponse, web};

/// The OpenAPI 3.1 description of this API.
const OPENAPI: &str = include_str!("openapi.json");

/// Registers the admin API.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/openapi.json", web::get().to(openapi))
            .route("/me", web::get().to(crate::login::me))
            .service(
                web::scope("/orgs/{ws}")
                    .route("", web::get().to(users::org))
                    .route("/users", web::get().to(users::list))
                    .route("/users", web::post().to(users::invite))
                    .route("/users/{user}", web::get().to(users::show))
                    .route("/users/{user}", web::delete().to(users::delete))
                    .route("/users/{user}/role", web::put().to(users::set_role))
                    .route(
                        "/users/{user}/deactivate",
                        web::post().to(users::deactivate),
                    )
                    .route("/users/{user}/teams", web::get().to(users::teams))
                    .route(
                        "/users/{user}/reactivate",
                        web::post().to(users::reactivate),
                    )
                    .route("/teams", web::get().to(teams::list))
                    .route("/teams", web::post().to(teams::create))
                    .route(
                        "/teams/merge-duplicates",
                        web::post().to(teams::merge_duplicates),
                    )
                    .route("/teams/{team}", web::patch().to(teams::edit))
                    .route("/teams/{team}", web::delete().to(teams::delete))
                    .route("/teams/{team}/members", web::get().to(teams::members))
                    .route("/teams/{team}/members", web::post().to(teams::add_member))
                    .route(
                        "/teams/{team}/members/{user}",
                        web::delete().to(teams::remove_member),
                    )
                    .route("/audit", web::get().to(audit::list))
                    .route("/events", web::get().to(events::list))
                    .route("/sync", web::post().to(teams::sync))
                    .route("/connection", web::get().to(connect::show))
                    .route("/connection/mode", web::put().to(connect::set_mode))
                    .route("/connection/idp", web::put().to(connect::set_idp))
                    .route(
                        "/connection/scim-token",
                        web::post().to(connect::scim_token),
                    )
                    .route("/connection/complete", web::post().to(connect::complete))
                    .route("/mapping-sheet", web::get().to(connect::download))
                    .route("/mapping-sheet", web::post().to(connect::upload))
                    .route("/webhooks", web::get().to(webhooks::list))
                    .route("/webhooks", web::post().to(webhooks::add))
                    .route("/webhooks/{id}", web::get().to(webhooks::show))
                    .route("/webhooks/{id}", web::delete().to(webhooks::remove))
                    .route("/webhooks/{id}/attempts", web::get().to(webhooks::attempts))
                    .route("/webhooks/{id}/replay", web::post().to(webhooks::replay))
                    .route("/idp", web::get().to(ops::show))
                    .route("/idp/certificates", web::post().to(ops::add_certificate))
                    .route(
                        "/idp/certificates/{sha256}",
                        web::delete().to(ops::remove_certificate),
                    )
                    .route("/warnings", web::get().to(ops::expiry))
                    .route("/diagnostics", web::get().to(ops::show_diagnostics)),
            ),
    );
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}
