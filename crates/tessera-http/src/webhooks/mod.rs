//! Webhook delivery at the edge: the SSRF guard, the HTTP sender and the background
//! loop a server runs. What to send and what an outcome does are
//! `tessera_service::webhooks`'.

pub(crate) mod guard;
mod sender;
mod worker;

pub(crate) use worker::spawn;
