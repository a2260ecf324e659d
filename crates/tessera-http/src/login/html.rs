//! The shared page frame. maud escapes every interpolated value.

use crate::session::Csrf;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

/// A whole page around `body`.
pub(crate) fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Tessera" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body { main { (body) } }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}\
main{max-width:32rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}\
label{display:block;margin:.8rem 0 .3rem;font-weight:600}input{width:100%;padding:.5rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.55rem 1.2rem;border:0;border-radius:4px;background:#2457d6;color:#fff;cursor:pointer}\
.secondary{background:#e6e9f0;color:#1d2330}.error{background:#fdecec;color:#8a1c1c;padding:.6rem;border-radius:4px}\
.note{color:#556}ul{padding-left:1.2rem}";

/// A hidden CSRF field for a form.
pub(crate) fn csrf_field(csrf: &Csrf) -> Markup {
    html! { input type="hidden" name=(crate::session::CSRF_FIELD) value=(csrf.token()); }
}

/// An HTML response with `status`, setting the CSRF cookie when it is new.
pub(crate) fn respond(status: StatusCode, csrf: Option<&Csrf>, markup: Markup) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    if let Some(cookie) = csrf.and_then(Csrf::cookie) {
        response.cookie(cookie);
    }
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(markup.into_string())
}
