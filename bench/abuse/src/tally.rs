//! What an attack sent and got back, and the checks it failed.

use reqwest::blocking::Response;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The attack side of one scenario.
#[derive(Debug, Default)]
pub struct Tally {
    /// Requests sent.
    pub sent: usize,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that got no answer (connection refused or reset, timeout).
    pub unanswered: usize,
    /// The first transport error, in words.
    pub first_unanswered: Option<String>,
    /// Checks the scenario itself failed, in words.
    pub failures: Vec<String>,
}

impl Tally {
    /// Counts one request and its answer; returns the answer when there is one.
    pub fn record(&mut self, result: reqwest::Result<Response>) -> Option<Response> {
        self.sent += 1;
        match result {
            Ok(response) => {
                *self.statuses.entry(response.status().as_u16()).or_default() += 1;
                Some(response)
            }
            Err(error) => {
                self.unanswered += 1;
                self.first_unanswered.get_or_insert(error.to_string());
                None
            }
        }
    }

    /// Records a failed check unless `ok`.
    pub fn check(&mut self, ok: bool, failure: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(failure());
        }
    }

    /// Adds what another part of the same attack sent and saw.
    pub fn absorb(&mut self, other: Tally) {
        self.sent += other.sent;
        self.unanswered += other.unanswered;
        if self.first_unanswered.is_none() {
            self.first_unanswered = other.first_unanswered;
        }
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.failures.extend(other.failures);
    }

    /// Answers with this status.
    pub fn count(&self, status: u16) -> usize {
        self.statuses.get(&status).copied().unwrap_or_default()
    }

    /// Answers with a 5xx status.
    pub fn server_errors(&self) -> usize {
        self.statuses.range(500..600).map(|(_, n)| n).sum()
    }

    /// `400×3 429×97`.
    pub fn statuses_line(&self) -> String {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, n)| format!("{status}×{n}"))
            .collect();
        if self.unanswered > 0 {
            parts.push(format!("none×{}", self.unanswered));
        }
        if parts.is_empty() {
            "-".into()
        } else {
            parts.join(" ")
        }
    }
}

/// A tally several client threads record into.
#[derive(Default)]
pub struct Shared(Mutex<Tally>);

impl Shared {
    /// Runs `f` on the tally.
    pub fn with<T>(&self, f: impl FnOnce(&mut Tally) -> T) -> anyhow::Result<T> {
        let mut tally = self
            .0
            .lock()
            .map_err(|_| anyhow::anyhow!("tally poisoned"))?;
        Ok(f(&mut tally))
    }

    /// The tally once the threads are done.
    pub fn into_inner(self) -> anyhow::Result<Tally> {
        self.0
            .into_inner()
            .map_err(|_| anyhow::anyhow!("tally poisoned"))
    }
}
