//! The admin pages' frame: navigation, style, and HTML responses.

use crate::session::{CSRF_FIELD, Csrf, SignedIn};
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A whole admin page around `body`.
pub(crate) fn page(title: &str, signed_in: &SignedIn, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (signed_in.org.name) " · Tessera" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                nav {
                    strong { (signed_in.org.name) }
                    a href="/admin/connect" { "Connect" }
                    a href="/admin/users" { "Users" }
                    a href="/admin/teams" { "Teams" }
                    a href="/admin/audit" { "Audit log" }
                    a href="/admin/webhooks" { "Webhooks" }
                    a href="/admin/diagnostics" { "Diagnostics" }
                    span.who { (signed_in.user.email) }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}\
nav{display:flex;gap:1.2rem;align-items:center;padding:.8rem 2rem;background:#1d2330;color:#fff}\
nav a{color:#cfd8ff}nav .who{margin-left:auto;color:#aab}\
main{max-width:60rem;margin:2rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}\
label{display:block;margin:.8rem 0 .3rem;font-weight:600}input,textarea,select{padding:.45rem;box-sizing:border-box}\
textarea{width:100%;min-height:8rem;font-family:monospace}input[type=text],input[type=url]{width:100%}\
button{margin-top:.6rem;padding:.5rem 1.1rem;border:0;border-radius:4px;background:#2457d6;color:#fff;cursor:pointer}\
button.secondary{background:#e6e9f0;color:#1d2330}.error{background:#fdecec;color:#8a1c1c;padding:.8rem;border-radius:4px}\
.notice{background:#e8f6ec;color:#185c2c;padding:.8rem;border-radius:4px}.note{color:#556}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e6ee;padding:.4rem;text-align:left;vertical-align:top}\
.badge{display:inline-block;padding:0 .45rem;border-radius:9px;font-size:.8rem;background:#e6e9f0}\
.idp{background:#dfe8ff;color:#1c3f99}.dup{background:#fff1d6;color:#7a4b00}\
ol.steps li{margin:.3rem 0}ol.steps li.done{color:#185c2c}ol.steps li.current{font-weight:700}\
code,.value{font-family:monospace;background:#f0f2f7;padding:.1rem .3rem;border-radius:3px;word-break:break-all}\
section{border-top:1px solid #e3e6ee;margin-top:1.5rem;padding-top:.5rem}";

/// A hidden CSRF field for a form.
pub(crate) fn csrf_field(csrf: &Csrf) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(csrf.token()); }
}

/// An HTML response with `status`, setting the CSRF cookie when it is new.
pub(crate) fn respond(status: StatusCode, csrf: &Csrf, markup: Markup) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    if let Some(cookie) = csrf.cookie() {
        response.cookie(cookie);
    }
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(markup.into_string())
}

/// A redirect after a successful form post (so reloading does not post again).
pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}
