//! The signed-in user: a session cookie (`tessera_session`, HttpOnly, SameSite=Lax,
//! Secure when the public URL is https) backed by the sessions table, so any server
//! process sharing the database recognises it. Sessions slide (L4) up to their absolute
//! lifetime (`session_absolute_lifetime_days`).

mod csrf;

pub(crate) use csrf::{CSRF_FIELD, Csrf, check_csrf, check_csrf_precondition, same_origin};

use crate::{ApiError, AppState};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use chrono::Duration;
use futures_util::future::LocalBoxFuture;
use tessera_store::{Lifetime, Org, SessionKind, User};

/// The web session cookie.
pub(crate) const SESSION_COOKIE: &str = "tessera_session";
/// How long an idle web session lives; every visit pushes it again (L4).
pub(crate) const WEB_SESSION_TTL: Duration = Duration::days(30);

/// A signed-in, non-deactivated user and their org.
pub(crate) struct SignedIn {
    /// The user's org.
    pub org: Org,
    /// The user.
    pub user: User,
}

/// No (live) session: pages redirect to the login page, other requests get 401.
#[derive(Debug)]
pub(crate) struct NotSignedIn {
    /// Where to come back to after logging in (a page GET), if anywhere.
    next: Option<String>,
    /// The lookup failed for another reason.
    error: Option<String>,
}

impl NotSignedIn {
    /// Whether the session lookup itself failed (the store), rather than finding none.
    pub(crate) fn failed(&self) -> bool {
        self.error.is_some()
    }
}

impl std::fmt::Display for NotSignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.error.as_deref().unwrap_or("not signed in"))
    }
}

impl ResponseError for NotSignedIn {
    fn error_response(&self) -> HttpResponse {
        if let Some(error) = &self.error {
            tracing::error!(%error, "session lookup failed");
            return ApiError::Unavailable.error_response();
        }
        match &self.next {
            Some(next) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/login?next={}", encode(next))))
                .finish(),
            None => ApiError::Unauthorized.error_response(),
        }
    }
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl FromRequest for SignedIn {
    type Error = NotSignedIn;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let next = (req.method() == Method::GET && !req.path().starts_with("/api/")).then(|| {
            match req.query_string() {
                "" => req.path().to_owned(),
                query => format!("{}?{query}", req.path()),
            }
        });
        Box::pin(async move {
            let refuse = |error: Option<String>| NotSignedIn {
                next: next.clone(),
                error,
            };
            let (Some(token), Some(state)) = (token, state) else {
                return Err(refuse(None));
            };
            let now = state.clock.now();
            let store = state.store.clone();
            let found = web::block(move || -> tessera_store::Result<Option<(Org, User)>> {
                let lifetime = Lifetime {
                    slide: Some(WEB_SESSION_TTL),
                    absolute: Some(state.session_lifetime),
                };
                let Some(owner) = store.resolve_session(&token, SessionKind::Web, lifetime, now)?
                else {
                    return Ok(None);
                };
                let org = store.org_by_id(owner.org_id)?;
                Ok(store
                    .user(owner.org_id, owner.user_id)?
                    .map(|user| (org, user)))
            })
            .await;
            match found {
                Ok(Ok(Some((org, user)))) => Ok(SignedIn { org, user }),
                Ok(Ok(None)) => Err(refuse(None)),
                Ok(Err(error)) => Err(refuse(Some(error.to_string()))),
                Err(error) => Err(refuse(Some(error.to_string()))),
            }
        })
    }
}

/// The session cookie carrying `token`.
pub(crate) fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(WEB_SESSION_TTL.num_days()))
        .finish()
}

/// A cookie that removes the session cookie.
pub(crate) fn cleared_session_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}
