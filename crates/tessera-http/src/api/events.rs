//! The org's event stream, pulled by cursor (issue #11).

use super::auth::{authorize, blocking};
use super::body::page_size;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use tessera_service::Storage;
use tessera_service::events::EventType;

/// `GET …/events` query.
#[derive(Deserialize)]
pub(crate) struct EventQuery {
    after: Option<String>,
    limit: Option<String>,
    types: Option<String>,
}

/// An integer parameter, refused with its name when it is not one.
fn integer(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    value
        .map(|text| {
            text.parse().map_err(|_| {
                ApiError::BadRequest(format!("{name} must be an integer, not {text:?}"))
            })
        })
        .transpose()
}

/// `GET …/events?after=SEQ&limit=N&types=a,b`: `{"events": [...]}` in seq order.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let query = query.into_inner();
    let after = integer("after", query.after.as_deref())?.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::BadRequest(format!(
            "after must be a seq (0 or more), not {after}"
        )));
    }
    let limit = page_size(integer("limit", query.limit.as_deref())?, 100)?;
    let limit = usize::try_from(limit).unwrap_or(0);
    let types = EventType::parse_list(query.types.as_deref().unwrap_or(""))
        .map_err(|unknown| ApiError::BadRequest(unknown.to_string()))?;
    let store = state.store.clone();
    let events = blocking(move || {
        store
            .events_after(admin.org.id, after, limit, &types)
            .map_err(|error| ApiError::Service(error.into()))
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "events": events })))
}
