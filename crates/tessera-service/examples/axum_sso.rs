//! SAML single sign-on in axum over the in-memory backend: SP metadata, SP-initiated
//! login and the ACS of `tessera_service::login`, and a page saying who signed in.
//!
//! cargo run -p tessera-service --example axum_sso -- --bind 127.0.0.1:8090 --org acme \
//!     --idp-metadata idp.xml [--public-url http://127.0.0.1:8090]
//!
//! The org is a production JIT org, SSO on, connected to the IdP of the metadata. The
//! SP key pair is generated at start. Sessions are a map in memory.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::get, routing::post};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tessera_core::{Clock, ConnectionMode, SystemClock, WorkspaceName};
use tessera_saml::{SpKeyPair, generate_sp_key_pair, sp_metadata};
use tessera_service::login::*;
use tessera_service::memory::{MemoryStorage, NewOrg};
use tessera_service::{ErrorKind, ServiceError};

const BINDING_COOKIE: &str = "axum_sso_req";
const SESSION_COOKIE: &str = "axum_sso_session";
const USAGE: &str = "usage: axum_sso --bind ADDR --org WS --idp-metadata PATH [--public-url URL]";

struct App {
    login: LoginService,
    storage: Arc<MemoryStorage>,
    /// Session token → the signed-in user's email.
    sessions: Mutex<HashMap<String, String>>,
}

type Shared = State<Arc<App>>;

/// The login query and the ACS form (HTTP-POST binding).
#[derive(Deserialize)]
struct Saml {
    #[serde(rename = "SAMLResponse", default)]
    saml_response: String,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let all = headers.get(header::COOKIE)?.to_str().ok()?;
    let prefix = format!("{name}=");
    all.split("; ")
        .find_map(|c| c.strip_prefix(&prefix).map(str::to_owned))
}

/// A failure of the service, as a status and its message.
struct Failure(ServiceError);

impl From<ServiceError> for Failure {
    fn from(error: ServiceError) -> Self {
        Self(error)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = match self.0.kind {
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Invalid | ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, self.0.message).into_response()
    }
}

type Answer = Result<Response, Failure>;

fn workspace(ws: &str) -> Result<WorkspaceName, ServiceError> {
    WorkspaceName::parse(ws).map_err(|_| ServiceError::not_found("no such workspace"))
}

async fn metadata(State(app): Shared, Path(ws): Path<String>) -> Answer {
    let sp = app.login.service_provider(&workspace(&ws)?)?;
    Ok(sp_metadata(&sp).into_response())
}

async fn start(
    State(app): Shared,
    Path(ws): Path<String>,
    h: HeaderMap,
    Query(q): Query<Saml>,
) -> Answer {
    let binding = browser_binding(cookie(&h, BINDING_COOKIE).as_deref());
    let relay_state = q.relay_state.as_deref();
    let redirect = app
        .login
        .start(&workspace(&ws)?, relay_state, &binding, SystemClock.now())?;
    let max_age = redirect.binding_lifetime_secs;
    let set = format!("{BINDING_COOKIE}={binding}; Path=/saml/; HttpOnly; Max-Age={max_age}");
    let headers = [(header::LOCATION, redirect.url), (header::SET_COOKIE, set)];
    Ok((StatusCode::FOUND, headers).into_response())
}

async fn acs(
    State(app): Shared,
    Path(ws): Path<String>,
    h: HeaderMap,
    Form(form): Form<Saml>,
) -> Answer {
    let (ws, browser) = (workspace(&ws)?, cookie(&h, BINDING_COOKIE));
    let posted = AcsRequest {
        workspace: &ws,
        saml_response: &form.saml_response,
        relay_state: form.relay_state.as_deref(),
        browser: browser.as_deref(),
    };
    match app.login.consume(&posted, SystemClock.now())? {
        AcsOutcome::SignIn(sign_in) => {
            let token = tessera_core::generate_token("axum_sso");
            let set = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly");
            let rows = app.storage.snapshot(sign_in.org);
            let user = rows.and_then(|r| r.users().find(|u| u.id == sign_in.user).cloned());
            let email = user.map(|u| u.email.to_string()).unwrap_or_default();
            let mut sessions = app.sessions.lock().unwrap_or_else(|p| p.into_inner());
            sessions.insert(token, email);
            let headers = [(header::LOCATION, sign_in.next), (header::SET_COOKIE, set)];
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
        AcsOutcome::Refused(refusal) => Err(ServiceError::from(refusal).into()),
    }
}

/// Every other path: who is signed in.
async fn whoami(State(app): Shared, headers: HeaderMap) -> Response {
    let token = cookie(&headers, SESSION_COOKIE).unwrap_or_default();
    let sessions = app.sessions.lock().unwrap_or_else(|p| p.into_inner());
    match sessions.get(&token) {
        Some(email) => format!("signed in as {email}").into_response(),
        None => (StatusCode::UNAUTHORIZED, "not signed in").into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        let at = args.iter().position(|a| a == name);
        at.and_then(|i| args.get(i + 1)).cloned().ok_or(USAGE)
    };
    let listener = tokio::net::TcpListener::bind(arg("--bind")?).await?;
    let addr = listener.local_addr()?;
    let public_url = arg("--public-url").unwrap_or_else(|_| format!("http://{addr}"));
    let (now, storage) = (SystemClock.now(), Arc::new(MemoryStorage::new()));
    let jit = NewOrg {
        connection_mode: Some(ConnectionMode::Jit),
        ..NewOrg::connected_for_scim(WorkspaceName::parse(&arg("--org")?)?, now)
    };
    let org = storage.create_org(jit, now)?;
    let idp = IdpSettings::from_metadata(&std::fs::read_to_string(arg("--idp-metadata")?)?)?;
    storage.set_idp_settings(org, idp)?;
    let (key, certificate) = generate_sp_key_pair("axum-sso", now)?;
    let config = LoginConfig::new(public_url, Some(SpKeyPair::from_pem(&key, &certificate)?));
    let login = LoginService::new(storage.clone(), config);
    let sessions = Mutex::default();
    let router = Router::new()
        .route("/saml/{ws}/metadata", get(metadata))
        .route("/saml/{ws}/login", get(start))
        .route("/saml/{ws}/acs", post(acs))
        .fallback(whoami)
        .with_state(Arc::new(App {
            login,
            storage,
            sessions,
        }));
    println!("listening on {addr}");
    axum::serve(listener, router).await?;
    Ok(())
}
