//! Binds an AuthnRequest to the browser that started it (login CSRF defence): `GET
//! /saml/{ws}/login` sets the `tessera_saml_req` cookie (a random value; the request row
//! keeps its SHA-256), and the ACS accepts an SP-initiated response only with it.
//!
//! The IdP's POST to the ACS is a cross-site request, so the cookie must be
//! `SameSite=None`, which browsers accept only with `Secure`: so it is, when the public
//! URL is https. Over plain http (a browser drops `None` without `Secure`) it carries
//! no `SameSite` attribute, so each browser applies its default: Firefox and Safari
//! send it with the cross-site POST, Chrome treats it as `Lax` but still sends a cookie
//! without the attribute on a top-level cross-site POST within two minutes of setting
//! it ("Lax+POST"). Past that, SP-initiated login over http works only with an IdP on
//! the same site; IdP-initiated login needs no cookie and still works.

use actix_web::HttpRequest;
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use tessera_service::login::{browser_binding, presented_binding};

/// The cookie's name over plain http.
const REQUEST_COOKIE: &str = "tessera_saml_req";

/// The cookie's name over https: `__Host-` makes browsers refuse it from any other host
/// (a sibling subdomain cannot plant a known value, which would undo the binding) and
/// requires `Secure` and `Path=/`.
const HOST_REQUEST_COOKIE: &str = "__Host-tessera_saml_req";

fn cookie_name(https: bool) -> &'static str {
    if https {
        HOST_REQUEST_COOKIE
    } else {
        REQUEST_COOKIE
    }
}

/// The browser's binding value: the one it presents, or a fresh one.
pub(crate) fn binding_value(request: &HttpRequest, https: bool) -> String {
    browser_binding(presented(request, https).as_deref())
}

/// The binding value the browser presented, if any.
pub(crate) fn presented(request: &HttpRequest, https: bool) -> Option<String> {
    request
        .cookie(cookie_name(https))
        .and_then(|c| presented_binding(c.value()).map(str::to_owned))
}

/// The cookie carrying `value`, for `lifetime_secs`: over https `__Host-…`, `Secure`,
/// `SameSite=None`, `Path=/`; over http sent only to `/saml/`, without `SameSite`.
pub(crate) fn request_cookie(value: String, https: bool, lifetime_secs: i64) -> Cookie<'static> {
    let cookie = Cookie::build(cookie_name(https), value)
        .path(if https { "/" } else { "/saml/" })
        .http_only(true)
        .secure(https)
        .max_age(CookieDuration::seconds(lifetime_secs));
    if https {
        cookie.same_site(SameSite::None).finish()
    } else {
        cookie.finish()
    }
}
