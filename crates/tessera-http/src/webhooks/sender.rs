//! Sends one delivery: a POST with the signed headers, a per-request timeout, no
//! redirects or proxies, and at most a small part of the answer read.

use super::guard::{PublicOnly, literal, refusal};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_core::{Clock, SystemClock};
use tessera_service::webhooks::{Delivery, Outcome, is_public_address};

/// The most bytes of a receiver's answer read (the rest is dropped).
const RESPONSE_BODY_CAP: usize = 64 * 1024;

/// The HTTP side of delivery.
#[derive(Clone)]
pub(crate) struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    /// A sender with this timeout per request; `allow_private` lifts the SSRF guard.
    pub(crate) fn new(timeout: Duration, allow_private: bool) -> Result<Self, String> {
        let builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("tessera-webhooks/", env!("CARGO_PKG_VERSION")));
        let builder = if allow_private {
            builder
        } else {
            builder.dns_resolver(Arc::new(PublicOnly))
        };
        let client = builder
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Self {
            client,
            allow_private,
        })
    }

    /// POSTs `delivery`, signed at the wall clock's time (receivers check it against
    /// theirs); answers the outcome and how long it took.
    pub(crate) async fn send(&self, delivery: &Delivery) -> (Outcome, Duration) {
        let started = Instant::now();
        let outcome = self.attempt(delivery).await;
        (outcome, started.elapsed())
    }

    async fn attempt(&self, delivery: &Delivery) -> Outcome {
        let url = match reqwest::Url::parse(delivery.url()) {
            Ok(url) => url,
            Err(error) => return Outcome::Failed(format!("bad url: {error}")),
        };
        if !self.allow_private
            && let Some(ip) = literal(&url)
            && !is_public_address(ip)
        {
            return Outcome::Failed(refusal(url.host_str().unwrap_or_default(), ip));
        }
        let headers = match delivery.headers(SystemClock.now().timestamp()) {
            Ok(headers) => headers,
            Err(error) => return Outcome::Failed(error.message),
        };
        let request = headers
            .into_iter()
            .fold(self.client.post(url), |request, (name, value)| {
                request.header(name, value)
            })
            .body(delivery.body.clone());
        match request.send().await {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let mut read = 0;
                while read < RESPONSE_BODY_CAP {
                    match response.chunk().await {
                        Ok(Some(chunk)) => read += chunk.len(),
                        Ok(None) => break,
                        Err(error) => return Outcome::Failed(describe(&error)),
                    }
                }
                Outcome::Answered(status)
            }
            Err(error) => Outcome::Failed(describe(&error)),
        }
    }
}

fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
