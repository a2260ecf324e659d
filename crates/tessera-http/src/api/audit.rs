//! The audit log, filtered by actor, action, source and time (S4).

use super::auth::{authorize, blocking};
use super::body::{AuditQuery, page_size};
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use tessera_store::AuditFilter;

/// `GET …/audit?actor=&action=&source=&since=&until=&limit=`, newest first.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let query = query.into_inner();
    let filter = AuditFilter {
        actor: query.actor,
        action: query.action,
        source: query.source,
        since: query.since,
        until: query.until,
        limit: page_size(query.limit, 100)?,
    };
    let store = state.store.clone();
    let entries = blocking(move || store.audit(admin.org.id, &filter)).await?;
    Ok(HttpResponse::Ok().json(entries))
}
