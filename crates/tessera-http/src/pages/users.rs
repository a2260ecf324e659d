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

/// The filter and page of the users page.
#[derive(Deserialize)]
pub(crate) struct UsersQuery {
    status: Option<String>,
    page: Option<i64>,
}

/// Users per page.
const PAGE_SIZE: i64 = 200;

/// `GET /admin/users?status=pending|active|deactivated&page=N`.
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
    let page_number = query.page.unwrap_or(1).max(1);
    // One more than a page tells whether a next page exists.
    let filter = UserFilter {
        status,
        idp_connected: None,
        offset: (page_number - 1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE + 1,
    };
    let org = signed_in.org.id;
    let mut users = blocking(&state, move |s| s.users(org, &filter)).await?;
    let has_next = users.len() as i64 > PAGE_SIZE;
    users.truncate(PAGE_SIZE as usize);
    let status_param = status.map(|s| s.to_string()).unwrap_or_default();
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
        p.pager {
            @if page_number > 1 {
                a href={ "/admin/users?status=" (status_param) "&page=" (page_number - 1) } { "← Previous" } " "
            }
            "Page " (page_number)
            @if has_next {
                " " a href={ "/admin/users?status=" (status_param) "&page=" (page_number + 1) } { "Next →" }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page("Manage users", &signed_in, body),
    ))
}
