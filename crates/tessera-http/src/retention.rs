//! Each server's hourly housekeeping (and once at start): it purges the events older
//! than `events_retention_days`, then announces every org's due expiry warnings as
//! `expiry.warning` events. Several servers sharing one database do this harmlessly:
//! each purge deletes what is still there, and the store notes each warning once.

use std::sync::Arc;
use std::time::Duration;
use tessera_core::Clock;
use tessera_saml::Certificate;
use tessera_service::Storage;
use tessera_service::connect::ConnectService;
use tessera_service::expiry::ExpiryPolicy;
use tessera_store::Store;

/// How often the housekeeping runs.
const EVERY: Duration = Duration::from_secs(3600);

/// What the housekeeping works with.
pub(crate) struct Housekeeping {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    /// How long events are kept.
    pub(crate) keep_events: chrono::Duration,
    /// When SCIM tokens count as expired, and the SP certificate.
    pub(crate) expiry: (ExpiryPolicy, Certificate),
}

/// Spawns the hourly housekeeping on the current actix runtime.
pub(crate) fn spawn(work: Housekeeping) {
    let work = Arc::new(work);
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(EVERY);
        loop {
            ticks.tick().await;
            let purge = work.clone();
            log_failure(actix_web::web::block(move || purge.purge()).await);
            let announce = work.clone();
            log_failure(actix_web::web::block(move || announce.announce()).await);
        }
    });
}

fn log_failure<E: std::fmt::Display>(outcome: Result<(), E>) {
    if let Err(error) = outcome {
        tracing::warn!(%error, "housekeeping could not run");
    }
}

impl Housekeeping {
    fn purge(&self) {
        let before = self.clock.now() - self.keep_events;
        match self.store.purge_events(before) {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, %before, "old events purged"),
            Err(error) => tracing::warn!(%error, "purging old events failed"),
        }
    }

    /// Announces the due expiry warnings of every org; an org that fails is logged
    /// and tried again at the next run.
    fn announce(&self) {
        let orgs = match self.store.orgs() {
            Ok(orgs) => orgs,
            Err(error) => return tracing::warn!(%error, "cannot list orgs for expiry warnings"),
        };
        let (policy, sp_certificate) = &self.expiry;
        let service = ConnectService::new(&self.store);
        for org in &orgs {
            let now = self.clock.now();
            match service.announce_expiry_warnings(org.id, Some(sp_certificate), policy, now) {
                Ok(announced) => {
                    for warning in announced {
                        tracing::warn!(workspace = %org.name, warning = %warning.message, "expiry warning");
                    }
                }
                Err(error) => {
                    tracing::warn!(workspace = %org.name, %error, "cannot announce expiry warnings");
                }
            }
        }
    }
}
