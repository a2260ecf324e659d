//! The events' retention: every hour (and once at start) each server purges the
//! events older than `events_retention_days`. Purges by several servers sharing one
//! database are harmless: each deletes what is still there.

use std::sync::Arc;
use std::time::Duration;
use tessera_core::Clock;
use tessera_service::Storage;
use tessera_store::Store;

/// How often the purge runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Spawns the hourly purge on the current actix runtime.
pub(crate) fn spawn_purge(store: Store, clock: Arc<dyn Clock>, days: u32) {
    let keep = chrono::Duration::days(days.into());
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(EVERY);
        loop {
            ticks.tick().await;
            let store = store.clone();
            let before = clock.now() - keep;
            match actix_web::web::block(move || store.purge_events(before)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(purged)) => tracing::info!(purged, %before, "old events purged"),
                Ok(Err(error)) => tracing::warn!(%error, "purging old events failed"),
                Err(error) => tracing::warn!(%error, "purging old events failed"),
            }
        }
    });
}
