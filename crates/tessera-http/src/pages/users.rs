//! Manage Users (U1, U8): filter by status; IdP-connected users are marked.

use super::layout::{page, respond};
use super::{account_admin, blocking};
use crate::session::{Csrf, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::html;
use serde::Deserialize;
use tessera_core::UserStatus;
use tessera_store::UserFilter;

/// The filter of the users page.
#[derive(Deserialize)]
pub(crate) struct UsersQuery {
    status: Option<String>,
}

/// `GET /admin/users?status=pending|active|deactivated`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<UserStatus>()
                .map_err(|e| ApiError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let filter = UserFilter {
        status,
        idp_connected: None,
        offset: 0,
        limit: 1000,
    };
    let org = signed_in.org.id;
    let users = blocking(&state, move |s| s.users(org, &filter)).await?;
    let body = html! {
        form method="get" action="/admin/users" {
            label for="status" { "Status" }
            select id="status" name="status" {
                option value="" { "All" }
                @for option in UserStatus::ALL {
                    option value=(option) selected[status == Some(*option)] { (option.label()) }
                }
            }
            button.secondary type="submit" { "Filter" }
        }
        table id="users" {
            tr { th { "Email" } th { "Name" } th { "Status" } th { "Role" } th { "IdP" } }
            @for user in &users {
                tr data-email=(user.email) {
                    td { (user.email) }
                    td { (user.given_name.as_deref().unwrap_or_default()) " " (user.family_name.as_deref().unwrap_or_default()) }
                    td { (user.status.label()) }
                    td { (user.role) }
                    td {
                        @if user.scim_managed { span.badge.idp title="Provisioned and managed by the IdP (SCIM)" { "IdP · SCIM" } }
                        @else if user.idp_connected { span.badge.idp title="Linked to the IdP" { "IdP" } }
                    }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page("Manage users", &signed_in, body),
    ))
}
