//! Setup guides per IdP (L5): each IdP's steps in order, as data (one file per IdP),
//! with this org's values put into the step where they are pasted.
//!
//! A step is text in which `{name}` stands for one of this org's values (see `value`);
//! the page shows the value itself, ready to copy.

mod entra;
mod google;
mod jumpcloud;
mod okta;
mod onelogin;
mod pingfederate;
mod pingone;

use super::account_admin;
use super::layout::{page, respond};
use crate::api::connect::SpValues;
use crate::session::{Csrf, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};

/// One IdP's guide.
pub(crate) struct Guide {
    /// URL segment.
    pub slug: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Whether the IdP provisions over SCIM (L5: all but Google Workspace).
    pub scim: bool,
    /// What the admin needs before starting.
    pub before: &'static [&'static str],
    /// The parts of the setup, in order.
    pub parts: &'static [Part],
}

/// A part of a guide: a heading and its steps in order.
pub(crate) struct Part {
    /// Its heading.
    pub title: &'static str,
    /// Whether it applies in SCIM mode only.
    pub scim_only: bool,
    /// The steps; `{name}` marks where one of the org's values is pasted.
    pub steps: &'static [&'static str],
}

/// The supported IdPs (L5).
pub(crate) const GUIDES: &[Guide] = &[
    okta::GUIDE,
    entra::GUIDE,
    google::GUIDE,
    onelogin::GUIDE,
    jumpcloud::GUIDE,
    pingfederate::GUIDE,
    pingone::GUIDE,
];

/// This org's values, by the names steps use: a value to copy shows as code; the SCIM
/// token, never stored readable, as where to find it.
fn value(sp: &SpValues, public_url: &str, ws: &str, name: &str) -> Option<Markup> {
    let copy = match name {
        "acs_url" => sp.acs_url.clone(),
        "entity_id" | "metadata_url" => sp.entity_id.clone(),
        "login_url" => format!("{public_url}/saml/{ws}/login"),
        "scim_url" => sp.scim_tenant_url.clone(),
        "scim_users_url" => format!("{}/Users", sp.scim_tenant_url),
        "scim_groups_url" => format!("{}/Groups", sp.scim_tenant_url),
        "workspace" => ws.to_owned(),
        "scim_token" => {
            return Some(
                html! { strong { "the SCIM token from the Connect walkthrough (shown once)" } },
            );
        }
        _ => return None,
    };
    Some(html! { code.value { (copy) } })
}

/// A step's text with each `{name}` replaced by the org's value.
fn step(text: &str, values: &dyn Fn(&str) -> Option<Markup>) -> Markup {
    let mut pieces: Vec<(&str, Option<Markup>)> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        match values(&rest[open + 1..close]) {
            Some(v) => {
                pieces.push((&rest[..open], Some(v)));
                rest = &rest[close + 1..];
            }
            None => {
                pieces.push((&rest[..=open], None));
                rest = &rest[open + 1..];
            }
        }
    }
    pieces.push((rest, None));
    html! { @for (text, value) in &pieces { (text) @if let Some(v) = value { (v) } } }
}

/// `GET /admin/guides/{idp}`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let guide = GUIDES
        .iter()
        .find(|g| g.slug == path.as_str())
        .ok_or_else(|| ApiError::NotFound("no guide for this IdP".into()))?;
    let ws = signed_in.org.name.to_string();
    let sp = SpValues::new(&state.public_url, &signed_in.org.name);
    let values = |name: &str| value(&sp, &state.public_url, &ws, name);
    let body = html! {
        @if !guide.scim {
            p.notice { (guide.name) " signs people in with SAML only: choose the JIT mode in the Connect walkthrough; accounts are created at first login (U3)." }
        }
        h2 { "Before you start" }
        ul id="before" { @for item in guide.before { li { (step(item, &values)) } } }
        @for (n, part) in guide.parts.iter().enumerate() {
            section.guide-part data-part=(n + 1) {
                h2 { (n + 1) ". " (part.title) @if part.scim_only { " " span.badge { "SCIM mode" } } }
                ol.guide-steps { @for text in part.steps { li { (step(text, &values)) } } }
            }
        }
        p { a href="/admin/connect" { "Back to the walkthrough" } }
    };
    let title = format!("Set up {}", guide.name);
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page(&title, &signed_in, body),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

    use super::*;

    const VALUES: &[&str] = &[
        "acs_url",
        "entity_id",
        "metadata_url",
        "login_url",
        "scim_url",
        "scim_users_url",
        "scim_groups_url",
        "scim_token",
        "workspace",
    ];

    // every name the tests accept resolves to a value
    #[test]
    fn every_known_name_has_a_value() {
        let ws = tessera_core::WorkspaceName::parse("acme").unwrap();
        let sp = SpValues::new("https://t.example", &ws);
        for name in VALUES {
            assert!(
                value(&sp, "https://t.example", "acme", name).is_some(),
                "{name}"
            );
        }
    }

    // covers L5: every IdP has a guide, and every placeholder names a known value
    #[test]
    fn every_guide_names_only_known_values_and_scim_idps_paste_the_token() {
        assert_eq!(GUIDES.len(), 7);
        for guide in GUIDES {
            let mut names = Vec::new();
            let steps = guide.parts.iter().flat_map(|p| p.steps.iter());
            for text in guide.before.iter().chain(steps) {
                let mut rest = *text;
                while let Some(open) = rest.find('{') {
                    let close = rest[open..].find('}').expect("closed placeholder") + open;
                    let name = &rest[open + 1..close];
                    assert!(VALUES.contains(&name), "{}: unknown {{{name}}}", guide.slug);
                    names.push(name.to_owned());
                    rest = &rest[close + 1..];
                }
            }
            for needed in ["acs_url", "entity_id"] {
                assert!(
                    names.iter().any(|n| n == needed),
                    "{}: {needed}",
                    guide.slug
                );
            }
            let pastes_scim = ["scim_url", "scim_token"]
                .iter()
                .all(|n| names.iter().any(|m| m == n));
            assert_eq!(pastes_scim, guide.scim, "{}", guide.slug);
        }
    }

    #[test]
    fn a_step_shows_the_value_where_it_is_pasted() {
        let values =
            |name: &str| (name == "acs_url").then(|| html! { code.value { "https://x/acs" } });
        let html = step("Paste {acs_url} into {unknown}.", &values).into_string();
        assert_eq!(
            html,
            "Paste <code class=\"value\">https://x/acs</code> into {unknown}."
        );
    }
}
