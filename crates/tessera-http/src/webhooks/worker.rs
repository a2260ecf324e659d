//! The server's delivery loop: every poll it leases up to [`CONCURRENCY`] due
//! endpoints (across every org, shared fairly with the other servers on the database)
//! and drains each, one event at a time, concurrently.

use super::sender::Sender;
use crate::{Config, StartError};
use actix_web::web;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::Clock;
use tessera_service::webhooks::{DeliveryConfig, Report, WebhookDelivery, WebhookEndpoint, jitter};
use tessera_store::Store;

/// Endpoints a server delivers to at once.
const CONCURRENCY: usize = 8;

#[derive(Clone)]
struct Worker {
    store: Store,
    clock: Arc<dyn Clock>,
    sender: Sender,
    config: Arc<DeliveryConfig>,
}

/// Starts the delivery loop on the current runtime; it ends with the runtime.
pub(crate) fn spawn(
    config: &Config,
    store: Store,
    clock: Arc<dyn Clock>,
) -> Result<(), StartError> {
    let sender = Sender::new(
        Duration::from_millis(config.webhooks_request_timeout_ms),
        config.webhooks_allow_private_urls,
    )
    .map_err(StartError::Runtime)?;
    let delivery = DeliveryConfig {
        batch: CONCURRENCY,
        ..DeliveryConfig::for_this_process()
    };
    let worker = Worker {
        store,
        clock,
        sender,
        config: Arc::new(delivery),
    };
    let poll = Duration::from_millis(config.webhooks_poll_interval_ms.max(10));
    actix_web::rt::spawn(async move {
        loop {
            worker.round().await;
            actix_web::rt::time::sleep(poll).await;
        }
    });
    Ok(())
}

impl Worker {
    async fn round(&self) {
        let (store, config, now) = (self.store.clone(), self.config.clone(), self.clock.now());
        let leased = web::block(move || WebhookDelivery::new(&store, &config).lease(now)).await;
        match leased {
            Ok(Ok(endpoints)) => {
                futures_util::future::join_all(endpoints.into_iter().map(|e| self.drain(e))).await;
            }
            Ok(Err(error)) => tracing::warn!(%error, "cannot lease webhook endpoints"),
            Err(error) => tracing::warn!(%error, "cannot lease webhook endpoints"),
        }
    }

    /// Sends the endpoint's pending events in order while it acknowledges them.
    async fn drain(&self, endpoint: WebhookEndpoint) {
        let mut leased = Some(endpoint);
        while let Some(endpoint) = leased.take() {
            let (store, config, clock) =
                (self.store.clone(), self.config.clone(), self.clock.clone());
            let id = endpoint.id.clone();
            let next = web::block(move || {
                WebhookDelivery::new(&store, &config).next(&endpoint, clock.now())
            })
            .await;
            let delivery = match next {
                Ok(Ok(Some(delivery))) => delivery,
                Ok(Ok(None)) => return,
                Ok(Err(error)) => {
                    return tracing::warn!(endpoint = %id, %error, "webhook delivery failed");
                }
                Err(error) => {
                    return tracing::warn!(endpoint = %id, %error, "webhook delivery failed");
                }
            };
            let sent_at = self.clock.now();
            let (outcome, duration) = self.sender.send(&delivery).await;
            tracing::debug!(endpoint = %id, seq = delivery.event.seq, ?outcome, "webhook attempt");
            let report = Report {
                outcome,
                sent_at,
                duration,
            };
            let (store, config, clock) =
                (self.store.clone(), self.config.clone(), self.clock.clone());
            let settled = web::block(move || {
                WebhookDelivery::new(&store, &config).settle(
                    &delivery,
                    &report,
                    clock.now(),
                    jitter(),
                )
            })
            .await;
            leased = match settled {
                Ok(Ok(next)) => next,
                Ok(Err(error)) => {
                    return tracing::warn!(endpoint = %id, %error, "webhook settlement failed");
                }
                Err(error) => {
                    return tracing::warn!(endpoint = %id, %error, "webhook settlement failed");
                }
            };
        }
    }
}
