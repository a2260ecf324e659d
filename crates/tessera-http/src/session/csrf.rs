//! CSRF protection for forms: the double-submit cookie. A page sets a random
//! `tessera_csrf` cookie (SameSite=Strict) and puts the same value in a hidden field;
//! a POST is accepted only when both are present and equal. A cross-site form can
//! neither read the cookie nor make the browser send it.

use crate::ApiError;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use subtle::ConstantTimeEq;
use tessera_core::generate_token;

/// The CSRF cookie.
const CSRF_COOKIE: &str = "tessera_csrf";
/// The form field carrying the token.
pub(crate) const CSRF_FIELD: &str = "csrf";

/// The request's CSRF token: the cookie's, or a fresh one (then [`Csrf::cookie`] must go
/// out with the response).
pub(crate) struct Csrf {
    token: String,
    fresh: bool,
    secure: bool,
}

impl Csrf {
    /// The value to put in the form's hidden field.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// The cookie to set, when the token is new.
    pub(crate) fn cookie(&self) -> Option<Cookie<'static>> {
        self.fresh.then(|| {
            Cookie::build(CSRF_COOKIE, self.token.clone())
                .path("/")
                .http_only(true)
                .secure(self.secure)
                .same_site(SameSite::Strict)
                .finish()
        })
    }
}

impl FromRequest for Csrf {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secure = req.connection_info().scheme() == "https"
            || req
                .app_data::<actix_web::web::Data<crate::AppState>>()
                .is_some_and(|s| s.public_url.starts_with("https://"));
        let csrf = match req.cookie(CSRF_COOKIE) {
            Some(cookie) if !cookie.value().is_empty() => Csrf {
                token: cookie.value().to_owned(),
                fresh: false,
                secure,
            },
            _ => Csrf {
                token: generate_token("csrf"),
                fresh: true,
                secure,
            },
        };
        ready(Ok(csrf))
    }
}

/// Accepts a form POST only when its `csrf` field equals the CSRF cookie.
pub(crate) fn check_csrf(req: &HttpRequest, submitted: &str) -> Result<(), ApiError> {
    let cookie = req.cookie(CSRF_COOKIE);
    let expected = cookie.as_ref().map(|c| c.value()).unwrap_or_default();
    let equal: bool = expected.as_bytes().ct_eq(submitted.as_bytes()).into();
    if expected.is_empty() || !equal {
        return Err(csrf_refused());
    }
    Ok(())
}

/// Refuses, before its body is read, a form post that cannot pass [`check_csrf`]: one
/// without the CSRF cookie, or sent from another site.
pub(crate) fn check_csrf_precondition(req: &HttpRequest) -> Result<(), ApiError> {
    let has_cookie = req
        .cookie(CSRF_COOKIE)
        .is_some_and(|c| !c.value().is_empty());
    if has_cookie && same_origin(req) {
        Ok(())
    } else {
        Err(csrf_refused())
    }
}

fn csrf_refused() -> ApiError {
    ApiError::Forbidden(
        "the form expired or came from another site; reload the page and try again".into(),
    )
}

/// Whether the request comes from this server's own pages: a browser's
/// `Sec-Fetch-Site` (when sent) is `same-origin` or `none` (typed or bookmarked), and its
/// `Origin` (when sent) is this server (its public URL or its host).
pub(crate) fn same_origin(req: &HttpRequest) -> bool {
    let header = |name| {
        req.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or_default())
    };
    if header("sec-fetch-site").is_some_and(|site| site != "same-origin" && site != "none") {
        return false;
    }
    let Some(origin) = header("origin") else {
        return true;
    };
    let public = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .map(|state| state.public_url.clone())
        .unwrap_or_default();
    let info = req.connection_info();
    origin == public || origin == format!("{}://{}", info.scheme(), info.host())
}
