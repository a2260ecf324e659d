//! The brute-force brake on password sign-in: failures are counted per account (the
//! workspace and email as typed, whether or not they exist) and per client address in
//! the database, so every server sharing it applies the same limits; over a limit the
//! answer is 429 with `Retry-After`, decided before any password hash is computed. A
//! semaphore bounds the argon2 hashes computed at once (19 MiB each). The client is
//! the peer address, unless the peer is one of `trusted_proxies`.

use crate::{ApiError, Config};
use actix_web::HttpRequest;
use chrono::{DateTime, Duration, Utc};
use std::net::IpAddr;
use std::sync::Arc;
use tessera_core::{Email, WorkspaceName};
use tessera_store::{FailureLimit, Store};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The configured limits and the hashing semaphore, shared by a server's workers.
#[derive(Clone)]
pub(crate) struct LoginThrottle {
    per_account: u32,
    per_client: u32,
    window: Duration,
    hashing: Arc<Semaphore>,
    trusted_proxies: Arc<[IpAddr]>,
}

/// What a sign-in attempt is counted against.
#[derive(Clone)]
pub(crate) struct Attempt {
    account: Option<String>,
    client: String,
}

impl LoginThrottle {
    /// The limits of `config`.
    pub(crate) fn new(config: &Config) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let window = i64::try_from(config.login_throttle_window_secs)
            .ok()
            .and_then(Duration::try_seconds)
            .unwrap_or(Duration::minutes(15));
        Self {
            per_account: config.login_max_failures_per_account,
            per_client: config.login_max_failures_per_client,
            window,
            hashing: Arc::new(Semaphore::new(
                config.password_hashing_concurrency.unwrap_or(cores),
            )),
            trusted_proxies: config.trusted_proxies.clone().into(),
        }
    }

    /// The client's address: the peer's, or when the peer is a trusted proxy, the
    /// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
    pub(crate) fn client_of(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|addr| addr.ip());
        if !peer.is_some_and(|ip| self.trusted_proxies.contains(&ip)) {
            return peer;
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|hop| forwarded_ip(hop.trim()))
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in forwarded.into_iter().rev() {
            match hop {
                Some(ip) if self.trusted_proxies.contains(&ip) => client = Some(ip),
                Some(ip) => return Some(ip),
                None => break,
            }
        }
        client
    }

    /// Waits for a turn to compute a password hash.
    pub(crate) async fn hashing_turn(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Unavailable)
    }

    /// How long `attempt` must wait, when one of its limits is reached.
    pub(crate) fn retry_after(
        &self,
        store: &Store,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> tessera_store::Result<Option<Duration>> {
        let mut limits = vec![FailureLimit {
            key: attempt.client.clone(),
            max_failures: self.per_client,
        }];
        if let Some(account) = &attempt.account {
            limits.push(FailureLimit {
                key: account.clone(),
                max_failures: self.per_account,
            });
        }
        store.login_retry_after(&limits, self.window, now)
    }

    /// Counts a failed attempt; logs once when it reaches a limit.
    pub(crate) fn failed(
        &self,
        store: &Store,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> tessera_store::Result<()> {
        let mut keys = vec![attempt.client.as_str()];
        keys.extend(attempt.account.as_deref());
        let counts = store.record_login_failure(&keys, self.window, now)?;
        if counts.first() == Some(&self.per_client) {
            tracing::warn!(
                client = %attempt.client,
                failures = self.per_client,
                "password sign-in limit reached for a client; it gets 429 until the window ends"
            );
        }
        if counts.get(1) == Some(&self.per_account) {
            tracing::warn!(
                client = %attempt.client,
                failures = self.per_account,
                "password sign-in limit reached for an account; it gets 429 until the window ends"
            );
        }
        Ok(())
    }

    /// A successful sign-in forgets the account's failures (not the client's).
    pub(crate) fn succeeded(&self, store: &Store, attempt: &Attempt) -> tessera_store::Result<()> {
        match &attempt.account {
            Some(account) => store.clear_login_failures(account),
            None => Ok(()),
        }
    }
}

impl Attempt {
    /// An attempt on the account `(ws, email)` (`None` when either does not parse) from
    /// the client at `address`.
    pub(crate) fn new(account: Option<(&WorkspaceName, &Email)>, address: Option<IpAddr>) -> Self {
        Self {
            account: account.map(|(ws, email)| format!("account:{ws}:{}", email.normalized())),
            client: format!("client:{}", client_network(address)),
        }
    }
}

/// The address counted for a client: IPv4 as is, IPv6 by its /64 (one host's share).
fn client_network(address: Option<IpAddr>) -> String {
    match address {
        Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(IpAddr::V6(v6)) => v6.to_canonical().to_string(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => "unknown".into(),
    }
}

/// The `Retry-After` value: whole seconds, at least one.
pub(crate) fn retry_after_secs(wait: Duration) -> i64 {
    let secs = wait.num_seconds();
    if wait > Duration::seconds(secs) {
        secs + 1
    } else {
        secs.max(1)
    }
}

/// An `X-Forwarded-For` entry's address; some proxies append the port
/// (`203.0.113.7:51234`, `[2001:db8::1]:443`).
fn forwarded_ip(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::forwarded_ip;

    #[test]
    fn forwarded_entries_with_a_port_name_their_address() {
        assert_eq!(forwarded_ip("203.0.113.7"), "203.0.113.7".parse().ok());
        assert_eq!(
            forwarded_ip("203.0.113.7:51234"),
            "203.0.113.7".parse().ok()
        );
        assert_eq!(
            forwarded_ip("[2001:db8::1]:443"),
            "2001:db8::1".parse().ok()
        );
        assert_eq!(forwarded_ip("unknown"), None);
    }
}
