//! The bystander's view during an attack: a thread that polls `/healthz` and org B's
//! SCIM every ~50 ms and samples the server's resident memory.

use reqwest::blocking::Client;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Pause between two probes.
const PERIOD: Duration = Duration::from_millis(50);
/// A probe that takes longer than this counts as failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the watcher saw while one scenario ran.
#[derive(Debug, Default, Clone)]
pub struct Watched {
    /// Rounds of probes (one `/healthz` and one org B SCIM request each).
    pub rounds: usize,
    /// Probes that failed (transport error, timeout or a non-200 status).
    pub failures: usize,
    /// The first failure, in words.
    pub first_failure: Option<String>,
    /// Slowest `/healthz` answer.
    pub worst_health: Duration,
    /// Slowest answer of org B's `GET /Users?count=1`.
    pub worst_bystander: Duration,
    /// Highest VmRSS sampled, in KiB.
    pub peak_rss_kib: u64,
}

/// Reads `VmRSS` or `VmHWM` (KiB) of `pid` from `/proc/<pid>/status`.
pub fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// A running watcher; [`Watcher::stop`] returns what it saw.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Watched>,
}

/// Where the watcher looks.
#[derive(Clone)]
pub struct Target {
    /// The server's base URL.
    pub base_url: String,
    /// Org B's workspace name.
    pub bystander: String,
    /// Org B's SCIM token.
    pub bystander_token: String,
    /// The server's pid.
    pub pid: u32,
}

impl Watcher {
    /// Starts polling `target`.
    pub fn start(target: Target) -> anyhow::Result<Self> {
        let http = Client::builder().timeout(PROBE_TIMEOUT).build()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || watch(&http, &target, &flag));
        Ok(Self { stop, thread })
    }

    /// Stops polling (after one last round) and returns the observations.
    pub fn stop(self) -> Watched {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_else(|_| Watched {
            failures: 1,
            first_failure: Some("the watcher thread panicked".into()),
            ..Watched::default()
        })
    }
}

fn watch(http: &Client, target: &Target, stop: &AtomicBool) -> Watched {
    let mut seen = Watched::default();
    let health = format!("{}/healthz", target.base_url);
    let bystander = format!(
        "{}/scim/v2/{}/Users?count=1",
        target.base_url, target.bystander
    );
    loop {
        let last = stop.load(Ordering::Relaxed);
        seen.rounds += 1;
        let took = probe(http.get(&health), "/healthz", &mut seen);
        seen.worst_health = seen.worst_health.max(took);
        let request = http.get(&bystander).bearer_auth(&target.bystander_token);
        let took = probe(request, "org B's /Users?count=1", &mut seen);
        seen.worst_bystander = seen.worst_bystander.max(took);
        if let Some(rss) = memory_kib(target.pid, "VmRSS") {
            seen.peak_rss_kib = seen.peak_rss_kib.max(rss);
        }
        if last {
            return seen;
        }
        std::thread::sleep(PERIOD);
    }
}

/// Sends one probe, records a failure, returns how long it took.
fn probe(request: reqwest::blocking::RequestBuilder, what: &str, seen: &mut Watched) -> Duration {
    let started = Instant::now();
    let failure = match request.send() {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => Some(format!("{what} answered {}", response.status())),
        Err(error) => Some(format!("{what} failed: {error}")),
    };
    if let Some(failure) = failure {
        seen.failures += 1;
        seen.first_failure.get_or_insert(failure);
    }
    started.elapsed()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn memory_is_read_for_a_live_process_and_missing_for_an_ended_one() {
        let me = std::process::id();
        let rss = memory_kib(me, "VmRSS").unwrap();
        assert!(rss > 0);
        assert!(memory_kib(me, "VmHWM").unwrap() >= rss);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(
            memory_kib(pid, "VmRSS"),
            None,
            "an ended process has no memory"
        );
    }
}
