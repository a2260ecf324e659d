//! Tessera's HTTP edge.
//!
//! Everything actix-web touches lives here: configuration, tracing, metrics, the
//! request-size limit and the routes. [`build`] wires a [`Store`] and a clock into a
//! bound server; `tessera-server`'s `main` and the integration tests both call it.

mod api;
mod blocking;
mod config;
mod demo;
mod error;
mod limits;
mod login;
mod metrics;
mod pages;
mod retention;
mod routes;
mod salesforce;
mod saml;
mod scim;
mod session;
mod telemetry;
mod upload;
mod webhooks;

pub use config::{Config, ConfigError, LogFormat};
pub use demo::{DEMO_ADMIN_EMAIL, DEMO_ORG, ensure_demo_org};
pub use error::{ApiError, StartError};
pub use telemetry::init_tracing;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::{Clock, SystemClock};
use tessera_store::Store;

/// What every request handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Store,
    pub metrics: metrics::Metrics,
    pub clock: Arc<dyn Clock>,
    pub public_url: String,
    /// The largest request body read, in bytes (`body_limit_bytes`).
    pub body_limit: usize,
    /// The SCIM server (rate per org, filter scans, body size).
    pub scim: Arc<tessera_service::scim::ScimService>,
    /// SAML login (with the SP key pair, configured or generated once and stored, and
    /// the refusal-record budget) and the request cookie's security.
    pub saml: Arc<saml::Saml>,
    /// The brute-force brake on password sign-in.
    pub login: login::LoginThrottle,
    /// How long web sessions and refresh tokens live (sliding, and at most).
    pub session_lifetime: chrono::Duration,
    /// Whether account admins' webhook URLs may reach non-public addresses.
    pub webhooks_allow_private_urls: bool,
    /// How many diagnostics lines are kept per org, and how long.
    pub diagnostics: tessera_service::diagnostics::Retention,
    /// SCIM request lines waiting to be written (a quarter second at most).
    pub scim_lines: Arc<tessera_service::diagnostics::ScimLineBuffer>,
    /// When SCIM tokens count as expired, and the SP certificate (expiry warnings).
    pub expiry: (
        tessera_service::expiry::ExpiryPolicy,
        tessera_saml::Certificate,
    ),
    /// Salesforce login, when a client id is configured.
    pub salesforce: Option<Arc<salesforce::Salesforce>>,
}

/// The SCIM service over the store, with the configured limits.
fn scim_service(config: &Config, store: &Store) -> tessera_service::scim::ScimService {
    let mut scim = tessera_service::scim::ScimConfig::new(config.public_url.trim_end_matches('/'));
    scim.max_body_bytes = config.body_limit_bytes;
    scim.filter_scan_limit = config.scim_filter_scan_limit;
    scim.rate_limit_per_second = config.scim_rate_limit_per_second;
    scim.rate_limit_burst = config.scim_rate_limit_burst;
    tessera_service::scim::ScimService::new(Arc::new(store.clone()), scim)
}

/// A bound server, ready to be awaited.
pub struct Running {
    /// The server future; await it to serve until shutdown.
    pub server: Server,
    /// The address it listens on (useful when binding port 0).
    pub addr: SocketAddr,
}

impl Running {
    /// A handle that can stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }
}

/// Builds the server on an opened store: creates the demo org if configured and the
/// database is empty, binds `config.bind` and returns the server. Must be called inside
/// an actix/tokio runtime.
pub fn build(config: Config, store: Store, clock: Arc<dyn Clock>) -> Result<Running, StartError> {
    if config.demo_org {
        ensure_demo_org(&store, clock.as_ref(), &config.public_url)?;
    }
    let sp_keys = sp_keys(&config, &store, clock.as_ref())?;
    let expiry = (config.expiry_policy(), sp_keys.certificate().clone());
    retention::spawn(retention::Housekeeping {
        store: store.clone(),
        clock: clock.clone(),
        keep_events: chrono::Duration::days(config.events_retention_days.into()),
        expiry: expiry.clone(),
    });
    let saml = Arc::new(saml::Saml::new(&config, &store, sp_keys));
    let salesforce = salesforce::Salesforce::new(&config, &store)
        .map_err(|e| StartError::Runtime(format!("Salesforce login: {e}")))?
        .map(Arc::new);
    let state = AppState {
        scim: Arc::new(scim_service(&config, &store)),
        store,
        metrics: metrics::Metrics::new().map_err(|e| StartError::Runtime(e.to_string()))?,
        clock,
        public_url: config.public_url.trim_end_matches('/').to_owned(),
        body_limit: config.body_limit_bytes,
        saml,
        login: login::LoginThrottle::new(&config),
        session_lifetime: chrono::Duration::days(config.session_absolute_lifetime_days.into()),
        webhooks_allow_private_urls: config.webhooks_allow_private_urls,
        diagnostics: config.diagnostics_retention(),
        scim_lines: Arc::new(Default::default()),
        expiry,
        salesforce,
    };
    webhooks::spawn(&config, state.store.clone(), state.clock.clone())?;
    scim::spawn_line_flush(&state);
    let limit = config.body_limit_bytes;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(state.clone()))
            .app_data(web::PayloadConfig::new(limit))
            .app_data(
                web::JsonConfig::default()
                    .limit(limit)
                    .error_handler(move |error, _| limits::body_error(error, limit)),
            )
            .app_data(
                web::FormConfig::default()
                    .limit(limit)
                    .error_handler(move |error, _| limits::body_error(error, limit)),
            )
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|error, _| ApiError::BadRequest(error.to_string()).into()),
            )
            .app_data(
                web::PathConfig::default()
                    .error_handler(|error, _| ApiError::BadRequest(error.to_string()).into()),
            )
            .wrap(security_headers())
            .wrap(metrics::RecordMetrics::new(state.metrics.clone()))
            .wrap(limits::BodyLimit::new(limit))
            .wrap(tracing_actix_web::TracingLogger::<telemetry::RequestSpans>::new())
            .configure(routes::configure)
    })
    .shutdown_timeout(config.shutdown_timeout_secs)
    .client_request_timeout(limits::CLIENT_REQUEST_TIMEOUT)
    .keep_alive(limits::KEEP_ALIVE)
    .client_disconnect_timeout(limits::CLIENT_DISCONNECT_TIMEOUT)
    .max_connections(config.max_connections_per_worker)
    .disable_signals();
    let server = match config.workers {
        Some(workers) => server.workers(workers),
        None => server,
    };
    let server = server
        .bind(&config.bind)
        .map_err(|source| StartError::Bind {
            addr: config.bind.clone(),
            source,
        })?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| StartError::Bind {
            addr: config.bind.clone(),
            source: std::io::Error::other("no address bound"),
        })?;
    Ok(Running {
        server: server.run(),
        addr,
    })
}

/// The SAML SP key pair: from `sp_key_file` and `sp_certificate_file` when configured,
/// else the one stored in the database (generated by the first server that starts).
fn sp_keys(
    config: &Config,
    store: &Store,
    clock: &dyn Clock,
) -> Result<tessera_saml::SpKeyPair, StartError> {
    let invalid =
        |e: tessera_saml::SamlError| StartError::Runtime(format!("SAML SP key pair: {e}"));
    if let (Some(key), Some(certificate)) = (&config.sp_key_file, &config.sp_certificate_file) {
        let read = |path: &std::path::Path| {
            std::fs::read_to_string(path)
                .map_err(|e| StartError::Runtime(format!("cannot read {}: {e}", path.display())))
        };
        return tessera_saml::SpKeyPair::from_pem(&read(key)?, &read(certificate)?)
            .map_err(invalid);
    }
    let now = clock.now();
    let host = config
        .public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or("tessera");
    let (key, certificate) = store
        .sp_key_pair(now, || tessera_saml::generate_sp_key_pair(host, now))?
        .map_err(invalid)?;
    tessera_saml::SpKeyPair::from_pem(&key, &certificate).map_err(invalid)
}

/// Headers every response carries: no sniffing, no framing, no referrer leaks, and a
/// content security policy that allows only this origin (inline styles for the pages).
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; \
             base-uri 'none'; form-action 'self'",
        ))
}

/// Opens the configured database (applying migrations), builds the server and serves
/// until SIGINT or SIGTERM, then drains in-flight requests for up to
/// `shutdown_timeout_secs`. This is the whole of `tessera-server`'s work.
pub fn run(config: Config) -> Result<(), StartError> {
    actix_web::rt::System::new().block_on(async move {
        let url = config.database_url.expose().clone();
        let store = web::block(move || Store::open(&url))
            .await
            .map_err(|e| StartError::Runtime(e.to_string()))??;
        tracing::info!(backend = ?store.backend(), "database ready");
        let running = build(config, store, Arc::new(SystemClock))?;
        tracing::info!(addr = %running.addr, "tessera-server listening");
        let handle = running.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutdown signal received; draining requests");
            handle.stop(true).await;
        });
        running
            .server
            .await
            .map_err(|e| StartError::Runtime(e.to_string()))
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = actix_web::rt::signal::ctrl_c();
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                futures_util::future::select(Box::pin(ctrl_c), Box::pin(term.recv())).await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// How long in-flight requests may take to finish after a shutdown signal, by default.
pub(crate) const DEFAULT_SHUTDOWN: Duration = Duration::from_secs(30);
