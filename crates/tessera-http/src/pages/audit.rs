//! The audit log (S4), filtered by actor, action and source.

use super::layout::{page, respond};
use super::{account_admin, blocking};
use crate::session::{Csrf, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::html;
use serde::Deserialize;
use tessera_core::Source;
use tessera_store::AuditFilter;

/// The filters of the audit page.
#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    source: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `GET /admin/audit?actor=&action=&source=`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let source = match given(&query.source) {
        Some(s) => Some(
            s.parse::<Source>()
                .map_err(|e| ApiError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let filter = AuditFilter {
        actor: given(&query.actor),
        action: given(&query.action),
        source,
        limit: 500,
        ..AuditFilter::default()
    };
    let (actor, action) = (filter.actor.clone(), filter.action.clone());
    let org = signed_in.org.id;
    let entries = blocking(&state, move |s| s.audit(org, &filter)).await?;
    let body = html! {
        form method="get" action="/admin/audit" {
            label for="actor" { "Who" }
            input type="text" id="actor" name="actor" value=(actor.unwrap_or_default());
            label for="action" { "Action (e.g. user.created)" }
            input type="text" id="action" name="action" value=(action.unwrap_or_default());
            label for="source" { "Through" }
            select id="source" name="source" {
                option value="" { "Any" }
                @for option in Source::ALL { option value=(option) selected[source == Some(*option)] { (option) } }
            }
            button.secondary type="submit" { "Filter" }
        }
        table id="audit" {
            tr { th { "When" } th { "Who" } th { "Through" } th { "What" } th { "Target" } th { "Details" } }
            @for entry in &entries {
                tr {
                    td { (entry.at.format("%Y-%m-%d %H:%M:%S")) }
                    td { (entry.actor) }
                    td { (entry.source) }
                    td { (entry.action) }
                    td { (entry.target_kind) " " (entry.target_label.as_deref().unwrap_or_default()) }
                    td { code { (entry.details) } }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page("Audit log", &signed_in, body),
    ))
}
