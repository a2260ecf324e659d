//! Webhooks: the org's endpoints with where their delivery stands, their latest
//! attempts and dead letters, and forms to add (the secret shown once), remove and
//! replay. The same checks as the admin API (URL form, public addresses).

use super::account_admin;
use super::layout::{csrf_field, page, respond, see_other};
use crate::api::webhooks::admit_url;
use crate::session::{CSRF_FIELD, Csrf, SignedIn, check_csrf};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use maud::html;
use std::collections::HashMap;
use tessera_service::webhooks::{WebhookAdmin, WebhookEndpoint, parse_types};

/// Attempts shown per endpoint.
const SHOWN: usize = 5;

/// `GET /admin/webhooks`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    render(&state, &signed_in, &csrf, StatusCode::OK, None).await
}

/// What the page says above the list: a refusal, or a new endpoint's secret.
enum Notice {
    Refused(String),
    Added(WebhookEndpoint),
}

async fn render(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    status: StatusCode,
    notice: Option<Notice>,
) -> Result<HttpResponse, ApiError> {
    let (store, org) = (state.store.clone(), signed_in.org.id);
    let endpoints = crate::blocking::blocking(move || {
        let admin = WebhookAdmin::new(&store);
        admin
            .list(org)?
            .into_iter()
            .map(|e| {
                let attempts = admin.attempts(org, &e.id, SHOWN)?;
                let dead = admin.dead_letters(org, &e.id, SHOWN)?;
                Ok((e, attempts, dead))
            })
            .collect::<Result<Vec<_>, tessera_service::ServiceError>>()
    })
    .await?;
    let body = html! {
        @match &notice {
            Some(Notice::Refused(message)) => p.error role="alert" { (message) },
            Some(Notice::Added(endpoint)) => p role="status" {
                "Added " code { (endpoint.id) } ". Its signing secret, shown only now: "
                code id="secret" { (endpoint.secret.expose()) }
            },
            None => {},
        }
        form method="post" action="/admin/webhooks" {
            (csrf_field(csrf))
            label for="url" { "Endpoint URL (https://…)" }
            input type="url" id="url" name="url" required;
            label for="types" { "Event types, comma-separated (empty: all)" }
            input type="text" id="types" name="types";
            button type="submit" { "Add endpoint" }
        }
        @for (endpoint, attempts, dead) in &endpoints {
            section.webhook {
                h2 { code { (endpoint.id) } " → " (endpoint.url) }
                p {
                    "Delivered up to seq " (endpoint.state.cursor) "; "
                    (endpoint.state.attempts) " failed attempt(s) of the next event; due "
                    (endpoint.state.next_attempt_at.format("%Y-%m-%d %H:%M:%S UTC")) "."
                }
                table {
                    tr { th { "When" } th { "Seq" } th { "Attempt" } th { "Outcome" } th { "ms" } }
                    @for a in attempts {
                        tr {
                            td { (a.at.format("%Y-%m-%d %H:%M:%S")) } td { (a.seq) } td { (a.attempt) }
                            td { @if let Some(status) = a.status { "HTTP " (status) } @else { (a.error.as_deref().unwrap_or_default()) } }
                            td { (a.duration_ms) }
                        }
                    }
                }
                @if !dead.is_empty() {
                    h3 { "Dead letters" }
                    ul { @for d in dead { li { "seq " (d.seq) " after " (d.attempts) " attempts: " (d.last_error) } } }
                }
                form method="post" action={ "/admin/webhooks/" (endpoint.id) "/replay" } {
                    (csrf_field(csrf))
                    label { "Deliver again from seq " input type="number" name="from_seq" min="1" required; }
                    button.secondary type="submit" { "Replay" }
                }
                form method="post" action={ "/admin/webhooks/" (endpoint.id) "/remove" } {
                    (csrf_field(csrf))
                    button.secondary type="submit" { "Remove" }
                }
            }
        }
    };
    Ok(respond(status, csrf, page("Webhooks", signed_in, body)))
}

fn checked_form(
    req: &HttpRequest,
    signed_in: &SignedIn,
    body: &[u8],
) -> Result<HashMap<String, String>, ApiError> {
    account_admin(signed_in)?;
    let fields = super::form_fields(body);
    check_csrf(
        req,
        fields
            .get(CSRF_FIELD)
            .map(String::as_str)
            .unwrap_or_default(),
    )?;
    Ok(fields)
}

/// A refused form: the page with the reason, at the error's status.
async fn refused(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    csrf: &Csrf,
    error: ApiError,
) -> Result<HttpResponse, ApiError> {
    let status = error.status_code();
    render(
        state,
        signed_in,
        csrf,
        status,
        Some(Notice::Refused(error.to_string())),
    )
    .await
}

/// `POST /admin/webhooks`: `url`, `types`.
pub(crate) async fn add(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = checked_form(&req, &signed_in, &body)?;
    let url = fields
        .get("url")
        .map(|u| u.trim().to_owned())
        .unwrap_or_default();
    let added = async {
        let types = parse_types(fields.get("types").map(String::as_str).unwrap_or_default())?;
        admit_url(&state, &url).await?;
        let (store, org, now) = (state.store.clone(), signed_in.org.id, state.clock.now());
        crate::blocking::blocking(move || WebhookAdmin::new(&store).add(org, &url, types, now))
            .await
    };
    match added.await {
        Ok(endpoint) => {
            render(
                &state,
                &signed_in,
                &csrf,
                StatusCode::CREATED,
                Some(Notice::Added(endpoint)),
            )
            .await
        }
        Err(error) => refused(&state, &signed_in, &csrf, error).await,
    }
}

/// `POST /admin/webhooks/{id}/remove`.
pub(crate) async fn remove(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    checked_form(&req, &signed_in, &body)?;
    let (store, org, id) = (state.store.clone(), signed_in.org.id, path.into_inner());
    match crate::blocking::blocking(move || WebhookAdmin::new(&store).remove(org, &id)).await {
        Ok(()) => Ok(see_other("/admin/webhooks")),
        Err(error) => refused(&state, &signed_in, &csrf, error).await,
    }
}

/// `POST /admin/webhooks/{id}/replay`: `from_seq`.
pub(crate) async fn replay(
    req: HttpRequest,
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = checked_form(&req, &signed_in, &body)?;
    let from = fields
        .get("from_seq")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let (store, org, id, now) = (
        state.store.clone(),
        signed_in.org.id,
        path.into_inner(),
        state.clock.now(),
    );
    match crate::blocking::blocking(move || WebhookAdmin::new(&store).replay(org, &id, from, now))
        .await
    {
        Ok(()) => Ok(see_other("/admin/webhooks")),
        Err(error) => refused(&state, &signed_in, &csrf, error).await,
    }
}
