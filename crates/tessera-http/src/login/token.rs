//! The browser extension's tokens (L4): a signed-in browser exchanges its session for
//! a long-lived refresh token; the refresh token buys short-lived access tokens. Each
//! token is a child of the one it was bought with, so logging out revokes them.

use crate::session::{SESSION_COOKIE, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;
use tessera_store::{Lifetime, SessionKind};

/// How long a refresh token lives unused; each use pushes it again.
const REFRESH_TTL: Duration = Duration::days(90);
/// How long an access token lives.
const ACCESS_TTL: Duration = Duration::minutes(15);

/// `POST /auth/token` body.
#[derive(Deserialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub(crate) enum Grant {
    /// Exchange the browser's session cookie for a refresh token.
    Session,
    /// Exchange a refresh token for an access token.
    RefreshToken {
        /// The refresh token.
        refresh_token: String,
    },
}

/// `POST /auth/token`.
pub(crate) async fn issue(
    req: HttpRequest,
    state: web::Data<AppState>,
    grant: web::Json<Grant>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let store = state.store.clone();
    match grant.into_inner() {
        Grant::Session => {
            let signed_in = signed_in(&req).await?;
            let (org, user) = (signed_in.org.id, signed_in.user.id);
            let session = req
                .cookie(SESSION_COOKIE)
                .map(|cookie| cookie.value().to_owned())
                .ok_or(ApiError::Unauthorized)?;
            let token = crate::blocking::blocking(move || {
                store.create_child_session(
                    &session,
                    org,
                    user,
                    SessionKind::Refresh,
                    REFRESH_TTL,
                    now,
                )
            })
            .await?;
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(json!({ "refresh_token": token, "expires_in": REFRESH_TTL.num_seconds() })))
        }
        Grant::RefreshToken { refresh_token } => {
            let max_age = state.session_lifetime;
            let token = crate::blocking::blocking(move || -> Result<Option<String>, ApiError> {
                let lifetime = Lifetime {
                    slide: Some(REFRESH_TTL),
                    absolute: Some(max_age),
                };
                let Some(owner) =
                    store.resolve_session(&refresh_token, SessionKind::Refresh, lifetime, now)?
                else {
                    return Ok(None);
                };
                Ok(Some(store.create_child_session(
                    &refresh_token,
                    owner.org_id,
                    owner.user_id,
                    SessionKind::Access,
                    ACCESS_TTL,
                    now,
                )?))
            })
            .await?;
            let token = token.ok_or(ApiError::Unauthorized)?;
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(json!({ "access_token": token, "token_type": "Bearer", "expires_in": ACCESS_TTL.num_seconds() })))
        }
    }
}

async fn signed_in(req: &HttpRequest) -> Result<SignedIn, ApiError> {
    use actix_web::FromRequest;
    SignedIn::extract(req)
        .await
        .map_err(|_| ApiError::Unauthorized)
}

/// `GET /api/v1/me` with an access token: who the extension acts for.
pub(crate) async fn me(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
        .ok_or(ApiError::Unauthorized)?;
    let store = state.store.clone();
    let now = state.clock.now();
    let found =
        crate::blocking::blocking(move || -> Result<Option<serde_json::Value>, ApiError> {
            let Some(owner) =
                store.resolve_session(&token, SessionKind::Access, Lifetime::default(), now)?
            else {
                return Ok(None);
            };
            let org = store.org_by_id(owner.org_id)?;
            let user = store.user(owner.org_id, owner.user_id)?;
            Ok(user.map(|user| json!({ "workspace": org.name, "user": user })))
        })
        .await?;
    found
        .map(|body| HttpResponse::Ok().json(body))
        .ok_or(ApiError::Unauthorized)
}
