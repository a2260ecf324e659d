//! A complete SCIM 2.0 server on axum, over Tessera's in-memory backend and policy
//! engine: the same answers, limits and errors as `tessera-server`'s `/scim/v2/{ws}`.
//!
//! ```text
//! cargo run --release -p tessera-service --example axum_scim -- \
//!     --bind 127.0.0.1:8090 --org acme=TOKEN1 --org globex=TOKEN2 [--public-url URL]
//! ```
//!
//! Each `--org NAME=TOKEN` is a production org with SSO enabled, in SCIM mode,
//! connected, whose IdP sends `Authorization: Bearer TOKEN`. Nothing is persisted.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::any;
use std::sync::Arc;
use tessera_core::{Clock, SystemClock, WorkspaceName};
use tessera_service::memory::{MemoryStorage, NewOrg};
use tessera_service::scim::{Log, ScimConfig, ScimRequest, ScimResponse, ScimService};

type Failure = Box<dyn std::error::Error>;

struct Args {
    bind: String,
    public_url: Option<String>,
    orgs: Vec<(String, String)>,
}

fn parse_args() -> Result<Args, Failure> {
    let mut args = Args {
        bind: "127.0.0.1:8090".into(),
        public_url: None,
        orgs: Vec::new(),
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let value = words.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--bind" => args.bind = value,
            "--public-url" => args.public_url = Some(value),
            "--org" => {
                let (name, token) = value.split_once('=').ok_or("--org takes NAME=TOKEN")?;
                args.orgs.push((name.to_owned(), token.to_owned()));
            }
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args = parse_args()?;
    let storage = Arc::new(MemoryStorage::new());
    let now = SystemClock.now();
    for (name, token) in &args.orgs {
        let workspace = WorkspaceName::parse(name)?;
        let org = storage.create_org(NewOrg::connected_for_scim(workspace, now), now)?;
        storage.add_scim_token(org, token)?;
    }
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    let address = listener.local_addr()?;
    let public_url = args
        .public_url
        .unwrap_or_else(|| format!("http://{address}"));
    let scim = Arc::new(ScimService::new(storage, ScimConfig::new(public_url)));
    let app = Router::new()
        .route("/scim/v2/{ws}", any(serve))
        .route("/scim/v2/{ws}/{*rest}", any(serve))
        .with_state(scim);
    println!("listening on http://{address}");
    axum::serve(listener, app).await?;
    Ok(())
}

/// Hands the request to the SCIM service on the blocking pool.
async fn serve(
    State(scim): State<Arc<ScimService>>,
    Path(params): Path<Vec<(String, String)>>,
    request: Request,
) -> Response {
    let workspace = params.first().map(|(_, ws)| ws.clone()).unwrap_or_default();
    let (parts, body) = request.into_parts();
    // Read at most one byte past the limit: the service answers the 413 itself.
    let limit = scim.config().max_body_bytes + 1;
    let Ok(body) = to_bytes(body, limit).await else {
        return into_axum(tessera_service::scim::payload_too_large());
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (authorization, if_match) = (header("authorization"), header("if-match"));
    let path = parts
        .uri
        .path()
        .splitn(5, '/')
        .nth(4)
        .map(|rest| format!("/{rest}"));
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let method = parts.method.as_str().to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let request = ScimRequest {
            method: &method,
            path: path.as_deref().unwrap_or_default(),
            query: &query,
            authorization: authorization.as_deref(),
            if_match: if_match.as_deref(),
            body: &body,
        };
        scim.serve(&workspace, &request, SystemClock.now())
    })
    .await;
    match answer {
        Ok(response) => into_axum(response),
        Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE),
    }
}

fn into_axum(answer: ScimResponse) -> Response {
    match &answer.log {
        Some(Log::Warn(line) | Log::Error(line)) => eprintln!("{line}"),
        None => {}
    }
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn plain(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}
