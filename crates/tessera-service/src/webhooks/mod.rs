//! Signed webhooks (issue #11): per-org endpoints receiving the org's event stream,
//! one event per POST signed as the Standard Webhooks specification says, at least
//! once and in seq order per endpoint, retried with backoff for 72 hours and then
//! dead-lettered, with replay.
//!
//! Framework-free: [`WebhookAdmin`] manages endpoints, [`WebhookDelivery`] decides
//! what to send and what an outcome does; the caller sends with its own HTTP client
//! (`tessera-http` runs the server's loop; an embedder may call
//! [`WebhookDelivery::run_once`] with any sender).

mod address;
mod delivery;
mod manage;
mod model;
mod retry;
mod signing;

pub use address::is_public_address;
pub use delivery::{Delivery, DeliveryConfig, Outcome, Report, WebhookDelivery};
pub use manage::{MAX_URL_LEN, WebhookAdmin, check_url, endpoint_json, parse_types};
pub use model::{
    DeadLetter, DeliveryState, LeaseRequest, Settlement, WebhookAttempt, WebhookEndpoint,
};
pub use retry::{RetryPolicy, jitter};
pub use signing::{SECRET_PREFIX, new_secret, signature};
