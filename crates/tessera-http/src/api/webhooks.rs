//! Webhook endpoints: list, add (the secret shown once), show, remove, attempts and
//! dead letters, replay. A URL must reach only public addresses unless the operator
//! set `webhooks_allow_private_urls` (checked again at each delivery).

use super::auth::{authorize, blocking};
use crate::webhooks::guard;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use tessera_service::events::EventType;
use tessera_service::webhooks::{WebhookAdmin, check_url, endpoint_json};

/// How many attempts and dead letters an endpoint's log answers.
const LOG_LIMIT: usize = 100;

/// `POST …/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddBody {
    url: String,
    #[serde(default)]
    types: Vec<EventType>,
}

/// `POST …/webhooks/{id}/replay`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplayBody {
    from_seq: i64,
}

/// Checks an account admin's URL: its form (400), then its addresses (422).
pub(crate) async fn admit_url(state: &AppState, url: &str) -> Result<(), ApiError> {
    check_url(url)?;
    if !state.webhooks_allow_private_urls {
        guard::check_url(url)
            .await
            .map_err(ApiError::Unprocessable)?;
    }
    Ok(())
}

/// `GET …/webhooks`.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let store = state.store.clone();
    let endpoints = blocking(move || WebhookAdmin::new(&store).list(admin.org.id)).await?;
    let views: Vec<_> = endpoints.iter().map(|e| endpoint_json(e, false)).collect();
    Ok(HttpResponse::Ok().json(json!({ "webhooks": views })))
}

/// `POST …/webhooks`: 201 with the endpoint and its secret.
pub(crate) async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<AddBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let AddBody { url, types } = body.into_inner();
    admit_url(&state, &url).await?;
    let (store, now) = (state.store.clone(), state.clock.now());
    let endpoint =
        blocking(move || WebhookAdmin::new(&store).add(admin.org.id, &url, types, now)).await?;
    Ok(HttpResponse::Created().json(endpoint_json(&endpoint, true)))
}

/// `GET …/webhooks/{id}`: the endpoint with its latest attempts and dead letters.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, id) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let store = state.store.clone();
    let view = blocking(move || {
        let webhooks = WebhookAdmin::new(&store);
        let endpoint = webhooks.get(admin.org.id, &id)?;
        let mut view = endpoint_json(&endpoint, false);
        view["attempts"] = json!(webhooks.attempts(admin.org.id, &id, LOG_LIMIT)?);
        view["dead_letters"] = json!(webhooks.dead_letters(admin.org.id, &id, LOG_LIMIT)?);
        Ok::<_, tessera_service::ServiceError>(view)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `GET …/webhooks/{id}/attempts`: newest first, with the dead letters.
pub(crate) async fn attempts(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, id) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let store = state.store.clone();
    let (attempts, dead) = blocking(move || {
        let webhooks = WebhookAdmin::new(&store);
        Ok::<_, tessera_service::ServiceError>((
            webhooks.attempts(admin.org.id, &id, LOG_LIMIT)?,
            webhooks.dead_letters(admin.org.id, &id, LOG_LIMIT)?,
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "attempts": attempts, "dead_letters": dead })))
}

/// `DELETE …/webhooks/{id}`: 204.
pub(crate) async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, id) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let store = state.store.clone();
    blocking(move || WebhookAdmin::new(&store).remove(admin.org.id, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST …/webhooks/{id}/replay` `{"from_seq": N}`: 202, delivered again from N.
pub(crate) async fn replay(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<ReplayBody>,
) -> Result<HttpResponse, ApiError> {
    let (ws, id) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let (store, now, from) = (state.store.clone(), state.clock.now(), body.from_seq);
    blocking(move || WebhookAdmin::new(&store).replay(admin.org.id, &id, from, now)).await?;
    Ok(HttpResponse::Accepted().json(json!({ "replaying_from_seq": from })))
}
