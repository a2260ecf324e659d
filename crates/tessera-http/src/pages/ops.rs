//! The Connect page's "once connected" section (the IdP's pinned certificates with
//! their expiry and the rotation forms, SCIM activity, pending users and
//! memberships), the expiry-warning banner, and the Diagnostics page.

use super::account_admin;
use super::connect::{guard, outcome};
use super::form_fields;
use super::layout::{csrf_field, page, respond};
use crate::api::ops::{diagnostics, warnings};
use crate::blocking::{blocking, connect_step};
use crate::session::{Csrf, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use tessera_core::OrgId;
use tessera_policy::Actor;
use tessera_service::ServiceResult;
use tessera_service::connect::{ConnectService, IdpSummary};
use tessera_service::diagnostics::Diagnostics;
use tessera_service::expiry::ExpiryWarning;

/// What the operations parts of the pages show.
pub(crate) struct OpsView {
    pub warnings: Vec<ExpiryWarning>,
    pub diagnostics: Diagnostics,
}

/// Loads the org's warnings and diagnostics.
pub(crate) async fn load(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
) -> Result<OpsView, ApiError> {
    let (shared, org, ws) = (state.clone(), signed_in.org.id, signed_in.org.name.clone());
    blocking(move || -> ServiceResult<OpsView> {
        let store = shared.store.clone();
        Ok(OpsView {
            warnings: warnings(&shared, &store, org)?,
            diagnostics: diagnostics(&shared, &store, org, &ws)?,
        })
    })
    .await
}

/// The banner of expiry warnings (nothing when there are none).
pub(crate) fn banner(warnings: &[ExpiryWarning]) -> Markup {
    html! {
        @if !warnings.is_empty() {
            div.error id="expiry-warnings" role="status" {
                @for warning in warnings {
                    p data-within-days=(warning.within_days) { (warning.message) }
                }
            }
        }
    }
}

/// The Connect page's section about a stored IdP connection.
pub(crate) fn connected_section(idp: &IdpSummary, ops: &OpsView, csrf: &Csrf) -> Markup {
    let d = &ops.diagnostics;
    html! {
        section id="idp-details" {
            h2 { "Identity provider" }
            table {
                tr { th { "IdP (" (d.idp) ")" } td.value { (idp.entity_id) } }
                tr { th { "SSO URL" } td.value { (idp.sso_url) } }
            }
            h3 { "Signing certificates" }
            p.note { "Logins signed by any of these are accepted. To rotate: add the IdP's new certificate, switch the IdP to it, then remove the old one." }
            table id="certificates" {
                tr { th { "SHA-256 fingerprint" } th { "Subject" } th { "Expires" } th {} }
                @for cert in &idp.certificates {
                    tr.certificate data-sha256=(cert.sha256) {
                        td.value { (cert.sha256) }
                        td { (cert.subject) }
                        td { (cert.not_after.format("%Y-%m-%d")) }
                        td {
                            @if idp.certificates.len() > 1 {
                                form method="post" action="/admin/connect/certificates/remove" {
                                    (csrf_field(csrf))
                                    input type="hidden" name="sha256" value=(cert.sha256);
                                    button.secondary type="submit" { "Remove" }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/admin/connect/certificates" {
                (csrf_field(csrf))
                label for="new-certificate" { "Add a signing certificate (PEM)" }
                textarea id="new-certificate" name="certificate" required {}
                button type="submit" id="add-certificate" { "Add certificate" }
            }
        }
        section id="activity" {
            h2 { "Activity" }
            table {
                tr { th { "SCIM token last used" }
                    td id="scim-last-used" { (d.scim_token_last_used.map_or("never".to_owned(), |at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string())) } }
                tr { th { "Last SCIM request" }
                    td id="scim-last-request" {
                        @if let Some(r) = d.scim_requests.first() {
                            (r.at.format("%Y-%m-%d %H:%M:%S UTC")) " · " (r.method) " " (r.path) " → " (r.status)
                            @if let Some(agent) = &r.user_agent { " · " (agent) }
                        } @else { "none yet" }
                    } }
                tr { th { "Pending users" } td id="pending-users" { (d.pending_users.len()) } }
                tr { th { "Pending memberships" } td id="pending-memberships" { (d.pending_memberships.len()) } }
            }
            p { a href="/admin/diagnostics" { "Diagnostics: why users, teams or logins are missing" } }
        }
    }
}

/// `GET /admin/diagnostics`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let ops = load(&state, &signed_in).await?;
    let d = &ops.diagnostics;
    let time = "%Y-%m-%d %H:%M:%S";
    let body = html! {
        (banner(&ops.warnings))
        section id="saml-logins" {
            h2 { "SAML logins" }
            p.note { "Hints are written for " (d.idp) "." }
            table {
                tr { th { "Time (UTC)" } th { "Outcome" } th { "Who" } th { "Reason" } }
                @for login in &d.saml_logins {
                    tr.login data-outcome=(login.entry.outcome.as_str()) data-reason=[login.entry.reason.as_deref()] {
                        td { (login.entry.at.format(time)) }
                        td { (login.entry.outcome.as_str()) }
                        td { (login.entry.email.as_deref().unwrap_or("-")) }
                        td {
                            @if let Some(reason) = &login.entry.reason { code { (reason) } " " (login.entry.detail.as_deref().unwrap_or("")) }
                            @if let Some(hint) = &login.hint { p.hint { strong { "Fix: " } (hint) } }
                        }
                    }
                }
            }
        }
        section id="scim-requests" {
            h2 { "SCIM requests" }
            table {
                tr { th { "Time (UTC)" } th { "Request" } th { "Status" } th { "Error" } th { "Client" } }
                @for r in &d.scim_requests {
                    tr { td { (r.at.format(time)) } td { (r.method) " " (r.path) } td { (r.status) }
                        td { (r.error.as_deref().unwrap_or("")) } td { (r.user_agent.as_deref().unwrap_or("")) } }
                }
            }
        }
        section id="pending" {
            h2 { "Pending users (never signed in)" }
            ul { @for u in &d.pending_users { li { (u.email) @if u.scim { " (SCIM)" } } } }
            h2 { "Memberships waiting for a user the IdP has not pushed" }
            ul { @for m in &d.pending_memberships { li { (m.team) " ← " code { (m.member_ref) } } } }
        }
    };
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page("Diagnostics", &signed_in, body),
    ))
}

/// Runs a certificate step with the form's `field`, then back to the Connect page.
async fn certificate_step(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
    field: &str,
    step: fn(ConnectService<'_>, OrgId, &str, Actor, DateTime<Utc>) -> ServiceResult<IdpSummary>,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    guard(&req, &signed_in, &fields)?;
    let value = fields.get(field).cloned().unwrap_or_default();
    let (org, by, now) = (
        signed_in.org.id,
        Actor::User(signed_in.user.id),
        state.clock.now(),
    );
    let result = connect_step(state.store.clone(), move |c| {
        step(c, org, &value, by, now).map(drop)
    })
    .await;
    outcome(&state, &signed_in, &csrf, result).await
}

/// `POST /admin/connect/certificates`: pin one more certificate.
pub(crate) async fn add_certificate(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let step =
        |c: ConnectService<'_>, org, pem: &str, by, now| c.add_idp_certificate(org, pem, by, now);
    certificate_step(req, signed_in, csrf, state, body, "certificate", step).await
}

/// `POST /admin/connect/certificates/remove`: unpin one (never the last).
pub(crate) async fn remove_certificate(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let step = |c: ConnectService<'_>, org, sha256: &str, by, now| {
        c.remove_idp_certificate(org, sha256, by, now)
    };
    certificate_step(req, signed_in, csrf, state, body, "sha256", step).await
}
