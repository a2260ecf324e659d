//! The manual sync (S3) from the Connect page once connected: re-applies the last
//! mapping links and every pending membership whose user has arrived.

use super::layout::{csrf_field, page, respond};
use super::{account_admin, blocking};
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use tessera_policy::{Actor, Command};

/// The manual sync button.
pub(crate) fn form(csrf: &Csrf) -> Markup {
    html! {
        form method="post" action="/admin/connect/sync" id="sync-form" {
            (csrf_field(csrf))
            p.note { "Tessera applies every IdP change as it arrives. A manual sync re-applies the user-mapping sheet and the memberships waiting for users the IdP had not pushed yet (S3)." }
            button.secondary type="submit" id="sync" { "Sync now" }
        }
    }
}

/// `POST /admin/connect/sync` (S3): runs the sync and says what it changed.
pub(crate) async fn run(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let fields = super::form_fields(&body);
    let token = fields.get(CSRF_FIELD).map(String::as_str);
    check_csrf(&req, token.unwrap_or_default())?;
    let (org, now) = (signed_in.org.id, state.clock.now());
    let by = Actor::User(signed_in.user.id);
    let decision = blocking(&state, move |s| {
        let links = s.latest_mapping_links(org)?;
        s.execute(org, &Command::Sync { by, links }, now)
    })
    .await?;
    let body = html! {
        p.notice id="synced" { "Manual sync finished: " (decision.changes.len()) " change(s) applied." }
        p { a href="/admin/audit?action=org.synced" { "See it in the audit log" } " · " a href="/admin/connect" { "Back to Connect" } }
    };
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page("Manual sync", &signed_in, body),
    ))
}
