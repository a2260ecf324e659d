//! Structured logging with `tracing`.
//!
//! Request spans name the route pattern (`/invite/{token}`), never the raw path or
//! query string, which can carry invitation and other tokens. Each request's outcome is
//! logged by its status: a server fault (5xx) at ERROR, a refusal (4xx) at INFO, and
//! nothing for success or redirects (an anonymous `/app` sent to `/login` is normal).

use crate::LogFormat;
use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: `RUST_LOG` if set, else `info`; text or JSON lines.
/// Calling it twice keeps the first subscriber.
pub fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _already_set = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The request spans and outcome events described in the module documentation.
pub(crate) struct RequestSpans;

impl RootSpanBuilder for RequestSpans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "(no route)".to_owned());
        let client = request
            .peer_addr()
            .map(|addr| addr.ip().to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.client_ip = %client,
            http.status_code = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (
                response.status(),
                response.response().error().map(ToString::to_string),
            ),
            Err(error) => (
                error.as_response_error().status_code(),
                Some(error.to_string()),
            ),
        };
        span.record("http.status_code", status.as_u16());
        let _entered = span.enter();
        let error = error.unwrap_or_default();
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), %error, "request failed");
        } else if status.is_client_error() {
            tracing::info!(status = status.as_u16(), %error, "request refused");
        }
    }
}
