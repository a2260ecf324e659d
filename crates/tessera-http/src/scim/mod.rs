//! The SCIM 2.0 endpoints under `/scim/v2/{ws}`: an actix adapter over
//! [`tessera_service::scim::ScimService`], which routes, authenticates and answers.
//! Each endpoint is registered under its own pattern so that request logs and metrics
//! name it; all of them hand the request to the service on the blocking pool.

use crate::AppState;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, IF_MATCH, USER_AGENT};
use actix_web::{HttpRequest, HttpResponse, web};
use tessera_service::diagnostics::ScimRequestEntry;
use tessera_service::scim::{Log, ScimRequest, ScimResponse};

/// The SCIM endpoints' patterns below the workspace's root.
const PATTERNS: [&str; 12] = [
    "/Users",
    "/Users/.search",
    "/Users/{id}",
    "/Groups",
    "/Groups/.search",
    "/Groups/{id}",
    "/ServiceProviderConfig",
    "/ResourceTypes",
    "/ResourceTypes/{id}",
    "/.search",
    "/Schemas",
    "/Schemas/{id}",
];

/// Registers the SCIM endpoints; anything else under the SCIM root is a SCIM 404.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope("/scim/v2/{ws}");
    for pattern in PATTERNS {
        scope = scope.service(web::resource(pattern).to(dispatch));
    }
    cfg.service(scope.default_service(web::to(dispatch)));
}

/// The SCIM 413 answer, for the body-size middleware.
pub(crate) fn payload_too_large() -> HttpResponse {
    to_http(tessera_service::scim::payload_too_large(), "")
}

async fn dispatch(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    let workspace = req.match_info().get("ws").unwrap_or_default().to_owned();
    let body = match body {
        Ok(body) => body,
        Err(error) => {
            return match error.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => payload_too_large(),
                _ => HttpResponse::BadRequest().finish(),
            };
        }
    };
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (authorization, if_match) = (header(AUTHORIZATION), header(IF_MATCH));
    let user_agent = header(USER_AGENT);
    let path = below_root(req.uri().path());
    let method = req.method().as_str().to_owned();
    let query = req.query_string().to_owned();
    let now = state.clock.now();
    let scim = state.scim.clone();
    let lines = state.scim_lines.clone();
    let ws = workspace.clone();
    let answer = web::block(move || {
        let request = ScimRequest {
            method: &method,
            path: &path,
            query: &query,
            authorization: authorization.as_deref(),
            if_match: if_match.as_deref(),
            body: &body,
        };
        let response = scim.serve(&ws, &request, now);
        let entry = ScimRequestEntry::new(
            now,
            &method,
            &path,
            response.status,
            error_detail(&response).as_deref(),
            user_agent.as_deref(),
        );
        lines.push(&ws, entry);
        response
    })
    .await;
    match answer {
        Ok(response) => to_http(response, &workspace),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// The SCIM error's `detail` of a failed answer (never the body of a success).
fn error_detail(response: &ScimResponse) -> Option<String> {
    if response.status < 400 {
        return None;
    }
    let body: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    body.get("detail")?.as_str().map(str::to_owned)
}

/// The path after `/scim/v2/{ws}`, still percent-encoded (empty for the root).
fn below_root(path: &str) -> String {
    path.strip_prefix("/scim/v2/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, rest)| format!("/{rest}"))
        .unwrap_or_default()
}

fn to_http(response: ScimResponse, workspace: &str) -> HttpResponse {
    match &response.log {
        Some(Log::Warn(message)) => tracing::warn!(workspace, "{message}"),
        Some(Log::Error(message)) => tracing::error!(workspace, "{message}"),
        None => {}
    }
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut http = HttpResponse::build(status);
    for (name, value) in &response.headers {
        http.insert_header((*name, value.as_str()));
    }
    http.body(response.body)
}

/// How long a SCIM request line waits in memory before it is written.
const LINE_FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Spawns the task that writes the waiting SCIM request lines every quarter second
/// (one write transaction per org), on the current actix runtime.
pub(crate) fn spawn_line_flush(state: &AppState) {
    let (store, lines, retention) = (
        state.store.clone(),
        state.scim_lines.clone(),
        state.diagnostics,
    );
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(LINE_FLUSH_EVERY);
        loop {
            ticks.tick().await;
            let (store, lines) = (store.clone(), lines.clone());
            let flushed =
                web::block(move || (lines.flush(&store, &retention), lines.take_dropped())).await;
            match flushed {
                Ok((Ok(_), 0)) => {}
                Ok((Ok(_), dropped)) => tracing::warn!(
                    dropped,
                    "SCIM request lines dropped: too many waiting for diagnostics"
                ),
                Ok((Err(error), _)) => {
                    tracing::warn!(error = %error.log_detail.unwrap_or(error.message),
                    "SCIM request lines could not be recorded for diagnostics")
                }
                Err(error) => {
                    tracing::warn!(%error, "SCIM request lines could not be recorded for diagnostics")
                }
            }
        }
    });
}
