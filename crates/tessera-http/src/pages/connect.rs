//! The Connect walkthrough page (C1–C5, M1–M3, W2, W3): one page that shows where the
//! org stands, the values to paste into the IdP, and the form for the next step. A
//! refused step re-renders the page with the reason (and every sheet problem).

use super::account_admin;
use super::form_fields;
use super::guides::GUIDES;
use super::layout::{csrf_field, page, respond, see_other};
use crate::api::connect::{SpValues, xlsx_response};
use crate::blocking::connect_step;
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf, check_csrf_precondition};
use crate::{ApiError, AppState, upload};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use maud::{Markup, html};
use std::collections::HashMap;
use tessera_core::{ConnectionMode, WalkthroughStep};
use tessera_mapping::Problem;
use tessera_policy::Actor;
use tessera_service::connect::{IdpDetails, NextAction, Walkthrough, invalid_idp_details};

/// What the page shows besides the walkthrough: a refusal or the new SCIM token.
#[derive(Default)]
struct Flash {
    error: Option<String>,
    problems: Vec<Problem>,
    token: Option<String>,
}

/// `GET /admin/connect`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    render(&state, &signed_in, &csrf, Flash::default(), StatusCode::OK).await
}

async fn render(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    flash: Flash,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let org = signed_in.org.id;
    let walkthrough = connect_step(state.store.clone(), move |c| c.walkthrough(org)).await?;
    let ops = super::ops::load(state, signed_in).await?;
    let sp = SpValues::new(&state.public_url, &signed_in.org.name);
    let body = html! {
        (super::ops::banner(&ops.warnings))
        @if let Some(error) = &flash.error {
            div.error id="error" role="alert" {
                p { (error) }
                @if !flash.problems.is_empty() {
                    ul id="problems" { @for problem in &flash.problems { li { (problem) } } }
                }
            }
        }
        (steps(&walkthrough))
        (next_step(&walkthrough, &flash, csrf, &sp, &signed_in.org.name.to_string()))
        @if let Some(idp) = &walkthrough.idp {
            (super::ops::connected_section(idp, &ops, csrf))
        }
        section {
            h2 { "Values to paste into your IdP" }
            table id="sp-values" {
                tr { th { "ACS (reply) URL" } td.value { (sp.acs_url) } }
                tr { th { "SP entity id (audience)" } td.value { (sp.entity_id) } }
                @if walkthrough.mode == Some(ConnectionMode::Scim) {
                    tr { th { "SCIM tenant URL" } td.value { (sp.scim_tenant_url) } }
                }
            }
            p { "Setup guides: "
                @for guide in GUIDES { a href={ "/admin/guides/" (guide.slug) } { (guide.name) } " " }
            }
        }
    };
    Ok(respond(
        status,
        csrf,
        page("Connect your identity provider", signed_in, body),
    ))
}

const STEPS: [(WalkthroughStep, &str); 6] = [
    (WalkthroughStep::Enabled, "Choose the mode"),
    (
        WalkthroughStep::MappingDownloaded,
        "Download the user-mapping sheet",
    ),
    (
        WalkthroughStep::MappingUploaded,
        "Upload the filled-in sheet",
    ),
    (WalkthroughStep::IdpDetails, "Enter the IdP details"),
    (
        WalkthroughStep::ScimCredentials,
        "Get the SCIM credentials (SCIM mode)",
    ),
    (WalkthroughStep::Connected, "Connect"),
];

fn steps(walkthrough: &Walkthrough) -> Markup {
    let position = |s: WalkthroughStep| WalkthroughStep::ALL.iter().position(|x| *x == s);
    let reached = position(walkthrough.step);
    html! {
        ol.steps id="steps" data-step=(walkthrough.step) {
            @for (step, label) in STEPS {
                @let class = if position(step) <= reached { "done" } else if position(step) == reached.map(|r| r + 1) { "current" } else { "" };
                li class=(class) { (label) }
            }
        }
    }
}

fn next_step(
    walkthrough: &Walkthrough,
    flash: &Flash,
    csrf: &Csrf,
    sp: &SpValues,
    ws: &str,
) -> Markup {
    if walkthrough.kind != tessera_core::OrgKind::Production {
        return html! { p.error { "W2: a sandbox org cannot connect SSO/SCIM." } };
    }
    if !walkthrough.sso_enabled {
        return html! { p.error { "W3: SSO/SCIM is not enabled for this org yet. Ask your account manager to enable it." } };
    }
    html! {
        @if let Some(token) = &flash.token {
            div.notice id="scim-token" {
                p { "Paste these into your IdP's provisioning settings. The token is shown only this once; generating a new one stops this one." }
                p { "Tenant URL: " span.value id="tenant-url" { (sp.scim_tenant_url) } }
                p { "Token: " span.value id="token" { (token) } }
            }
        }
        @match walkthrough.next {
            Some(NextAction::Start) => {
                h2 { "Choose how users arrive" }
                form method="post" action="/admin/connect/mode" {
                    (csrf_field(csrf))
                    label { input type="radio" name="mode" value="scim" checked; " SCIM: the IdP provisions users and groups (SAML login too)" }
                    label { input type="radio" name="mode" value="jit"; " JIT: SAML login only; accounts are created at first login" }
                    button type="submit" { "Start" }
                }
            }
            Some(NextAction::DownloadMapping | NextAction::UploadMapping) => {
                h2 { "Map your users to their IdP emails" }
                p.note { "Column C holds each user's email in the IdP. Leave it empty for users who are not in the IdP. Do not change columns A and B, the rows or the file name." }
                form method="post" action="/admin/connect/mapping" {
                    (csrf_field(csrf))
                    button.secondary type="submit" id="download" { "Download user-mapping-" (ws) ".xlsx" }
                }
                @if walkthrough.next == Some(NextAction::UploadMapping) {
                    form method="post" action="/admin/connect/upload" enctype="multipart/form-data" {
                        (csrf_field(csrf))
                        label for="sheet" { "Filled-in sheet" }
                        input type="file" id="sheet" name="file" accept=".xlsx" required;
                        button type="submit" id="upload" { "Upload" }
                    }
                }
            }
            Some(NextAction::IdpDetails) => {
                h2 { "Enter your IdP's details" }
                form method="post" action="/admin/connect/idp" {
                    (csrf_field(csrf))
                    label for="metadata" { "IdP metadata XML (paste it) …" }
                    textarea id="metadata" name="metadata_xml" {}
                    p.note { "… or the three values:" }
                    label for="entity_id" { "IdP entity id (issuer)" }
                    input type="text" id="entity_id" name="entity_id";
                    label for="sso_url" { "IdP SSO URL" }
                    input type="url" id="sso_url" name="sso_url";
                    label for="certificate" { "Signing certificate (PEM)" }
                    textarea id="certificate" name="certificate" {}
                    button type="submit" id="save-idp" { "Save IdP details" }
                }
            }
            Some(NextAction::ScimCredentials) => {
                h2 { "Get the SCIM credentials" }
                (token_form(csrf, "Generate SCIM token"))
            }
            Some(NextAction::Connect) => {
                h2 { "Connect" }
                p { "Nobody is logged out. Once connected, the Salesforce sync stops importing profiles and Salesforce invitations stop." }
                form method="post" action="/admin/connect/complete" {
                    (csrf_field(csrf))
                    button type="submit" id="connect" { "Connect" }
                }
                @if walkthrough.mode == Some(ConnectionMode::Scim) {
                    (token_form(csrf, "Rotate SCIM token"))
                }
            }
            None => {
                @if let Some(at) = walkthrough.connected_at {
                    p.notice id="connected" { "Connected (" (walkthrough.mode.map(|m| m.as_str()).unwrap_or_default()) " mode) since " (at.format("%Y-%m-%d %H:%M UTC")) "." }
                    (super::sync::form(csrf))
                    @if walkthrough.mode == Some(ConnectionMode::Scim) {
                        (token_form(csrf, "Rotate SCIM token"))
                    }
                }
            }
        }
    }
}

fn token_form(csrf: &Csrf, label: &str) -> Markup {
    html! {
        form method="post" action="/admin/connect/scim-token" {
            (csrf_field(csrf))
            button type="submit" id="scim-token-button" { (label) }
        }
    }
}

/// Checks the session, the role and the CSRF token of a form post.
pub(super) fn guard(
    req: &HttpRequest,
    signed_in: &SignedIn,
    fields: &HashMap<String, String>,
) -> Result<(), ApiError> {
    account_admin(signed_in)?;
    check_csrf(
        req,
        fields
            .get(CSRF_FIELD)
            .map(String::as_str)
            .unwrap_or_default(),
    )
}

/// After a step: back to the page, or the page with the refusal.
pub(super) async fn outcome(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    result: Result<(), ApiError>,
) -> Result<HttpResponse, ApiError> {
    match result {
        Ok(()) => Ok(see_other("/admin/connect")),
        Err(error) => refused(state, signed_in, csrf, error).await,
    }
}

async fn refused(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    error: ApiError,
) -> Result<HttpResponse, ApiError> {
    let status = error.status_code();
    if status.is_server_error() {
        return Err(error);
    }
    let problems = error
        .rejection()
        .map(|rejection| rejection.problems.clone())
        .unwrap_or_default();
    let flash = Flash {
        error: Some(error.to_string()),
        problems,
        token: None,
    };
    render(state, signed_in, csrf, flash, status).await
}

/// `POST /admin/connect/mode`.
pub(crate) async fn set_mode(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    guard(&req, &signed_in, &fields)?;
    let mode = match fields.get("mode").map(String::as_str) {
        Some("jit") => ConnectionMode::Jit,
        Some("scim") => ConnectionMode::Scim,
        _ => return Err(ApiError::BadRequest("choose jit or scim".into())),
    };
    let (org, by, now) = (
        signed_in.org.id,
        Actor::User(signed_in.user.id),
        state.clock.now(),
    );
    let result = connect_step(state.store.clone(), move |c| c.set_mode(org, mode, by, now)).await;
    outcome(&state, &signed_in, &csrf, result).await
}

/// `POST /admin/connect/mapping`: the sheet as a download.
pub(crate) async fn download(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    guard(&req, &signed_in, &form_fields(&body))?;
    let (org, by, now) = (
        signed_in.org.id,
        Actor::User(signed_in.user.id),
        state.clock.now(),
    );
    match connect_step(state.store.clone(), move |c| c.export_mapping(org, by, now)).await {
        Ok(sheet) => Ok(xlsx_response(sheet)),
        Err(error) => refused(&state, &signed_in, &csrf, error).await,
    }
}

/// `POST /admin/connect/upload` (multipart/form-data): the form's first part must be
/// the CSRF field, and nothing of the body is read before the session, the role and the
/// request's origin are checked, nor the file before the CSRF token. The sheet is parsed
/// on the blocking pool.
pub(crate) async fn upload(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    check_csrf_precondition(&req)?;
    let read = async {
        let mut form = upload::Form::open(&req, payload, state.body_limit)?;
        let token = match form.next().await? {
            Some(upload::Part::Text { name, value }) if name == CSRF_FIELD => value,
            _ => String::new(),
        };
        check_csrf(&req, &token)?;
        form.file().await
    };
    let (name, bytes) = upload::within_deadline(read).await?;
    let (org, by, now) = (
        signed_in.org.id,
        Actor::User(signed_in.user.id),
        state.clock.now(),
    );
    let result = connect_step(state.store.clone(), move |c| {
        c.import_mapping(org, &name, &bytes, false, by, now)
    })
    .await
    .map(|_| ());
    outcome(&state, &signed_in, &csrf, result).await
}

/// `POST /admin/connect/idp`.
pub(crate) async fn set_idp(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body);
    guard(&req, &signed_in, &fields)?;
    let now = state.clock.now();
    let value = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let details = match (
        value("metadata_xml"),
        value("entity_id"),
        value("sso_url"),
        value("certificate"),
    ) {
        (Some(xml), None, None, None) => IdpDetails::from_metadata(xml, now),
        (None, Some(entity_id), Some(sso_url), Some(cert)) => {
            IdpDetails::from_parts(entity_id, sso_url, cert, now)
        }
        _ => Err(invalid_idp_details(
            "paste the metadata XML, or fill in all three of entity id, SSO URL and certificate",
        )),
    };
    let (org, by) = (signed_in.org.id, Actor::User(signed_in.user.id));
    let result = match details {
        Ok(details) => {
            connect_step(state.store.clone(), move |c| {
                c.set_idp(org, &details, by, now)
            })
            .await
        }
        Err(error) => Err(error.into()),
    };
    outcome(&state, &signed_in, &csrf, result).await
}

/// `POST /admin/connect/scim-token`: the page with the token, shown once (C3).
pub(crate) async fn scim_token(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    guard(&req, &signed_in, &form_fields(&body))?;
    let (org, by, now) = (
        signed_in.org.id,
        Actor::User(signed_in.user.id),
        state.clock.now(),
    );
    match connect_step(state.store.clone(), move |c| {
        c.issue_scim_token(org, by, now)
    })
    .await
    {
        Ok(token) => {
            let flash = Flash {
                token: Some(token),
                ..Flash::default()
            };
            render(&state, &signed_in, &csrf, flash, StatusCode::OK).await
        }
        Err(error) => refused(&state, &signed_in, &csrf, error).await,
    }
}

/// `POST /admin/connect/complete` (C4, C5).
pub(crate) async fn complete(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    guard(&req, &signed_in, &form_fields(&body))?;
    let (org, by, now) = (
        signed_in.org.id,
        Actor::User(signed_in.user.id),
        state.clock.now(),
    );
    let result = connect_step(state.store.clone(), move |c| c.complete(org, by, now)).await;
    outcome(&state, &signed_in, &csrf, result).await
}
