//! Manage Users (U1, U7, U8): filter by status; IdP-connected users are marked; each
//! email opens the user's profile; the invite form adds someone by email.

use super::layout::{csrf_field, page, respond, see_other};
use super::{account_admin, blocking};
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use maud::html;
use serde::Deserialize;
use tessera_core::{Email, Role, UserStatus};
use tessera_policy::{Actor, Command, InviteChannel, Subject};
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
    render(&state, &signed_in, &csrf, &query, None).await
}

/// The users page, with the refusal of the invite just posted, if any.
async fn render(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    query: &UsersQuery,
    refusal: Option<(StatusCode, String)>,
) -> Result<HttpResponse, ApiError> {
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
    let mut users = blocking(state, move |s| s.users(org, &filter)).await?;
    let has_next = users.len() as i64 > PAGE_SIZE;
    users.truncate(PAGE_SIZE as usize);
    let status_param = status.map(|s| s.to_string()).unwrap_or_default();
    let body = html! {
        @if let Some((_, message)) = &refusal { p.error id="error" role="alert" { (message) } }
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
                    td { a href={ "/admin/users/" (user.id) } { (user.email) } }
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
        section {
            h2 { "Invite a user" }
            p.note { "Direct invitations suit people your IdP will never provision (U7): they sign in with their own password and are not IdP-connected. Everyone else arrives from the IdP." }
            form method="post" action="/admin/users/invite" id="invite" {
                (csrf_field(csrf))
                label for="invite-email" { "Email" }
                input type="text" id="invite-email" name="email";
                label for="invite-role" { "Role" }
                select id="invite-role" name="role" {
                    @for role in Role::ALL { option value=(role) selected[*role == Role::Viewer] { (role) } }
                }
                button type="submit" { "Send invitation" }
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
    let code = refusal.map_or(StatusCode::OK, |(code, _)| code);
    Ok(respond(code, csrf, page("Manage users", signed_in, body)))
}

/// `POST /admin/users/invite` (U7): invites by email, then opens the new profile.
pub(crate) async fn invite(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let fields = super::form_fields(&body);
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    check_csrf(&req, field(CSRF_FIELD))?;
    let query = UsersQuery {
        status: None,
        page: None,
    };
    let Ok(email) = Email::parse(field("email")) else {
        let refusal = (StatusCode::BAD_REQUEST, "Enter the email to invite.".into());
        return render(&state, &signed_in, &csrf, &query, Some(refusal)).await;
    };
    let Ok(role) = field("role").parse::<Role>() else {
        let refusal = (StatusCode::BAD_REQUEST, "Choose a role.".into());
        return render(&state, &signed_in, &csrf, &query, Some(refusal)).await;
    };
    let command = Command::InviteUser {
        by: Actor::User(signed_in.user.id),
        email,
        role,
        given_name: None,
        family_name: None,
        channel: InviteChannel::Email,
    };
    let (org, now) = (signed_in.org.id, state.clock.now());
    match blocking(&state, move |s| s.execute(org, &command, now)).await {
        Ok(decision) => match decision.subject {
            Some(Subject::User(id)) => Ok(see_other(&format!("/admin/users/{id}"))),
            _ => Ok(see_other("/admin/users")),
        },
        Err(error @ ApiError::Service(_)) if !error.status_code().is_server_error() => {
            let refusal = (error.status_code(), error.to_string());
            render(&state, &signed_in, &csrf, &query, Some(refusal)).await
        }
        Err(error) => Err(error),
    }
}
