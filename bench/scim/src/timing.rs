//! Runs numbered requests on client threads and summarises their latencies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Throughput and latency percentiles of one scenario.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Requests completed.
    pub requests: usize,
    /// Wall time of the whole run.
    pub wall: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
}

impl Measurement {
    /// Requests per second over the wall time.
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// Runs `work(i)` for every `i` in `0..count` on `threads` threads (each with its own
/// `state` from `make_state`), timing each call. A call returning an error stops the run.
pub fn run_parallel<S>(
    count: usize,
    threads: usize,
    make_state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<Measurement> {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let results: Vec<anyhow::Result<Vec<Duration>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = make_state();
                    let mut latencies = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            return Ok(latencies);
                        }
                        let at = Instant::now();
                        work(&mut state, i)?;
                        latencies.push(at.elapsed());
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("client thread panicked")))
            })
            .collect()
    });
    let wall = started.elapsed();
    let mut latencies = Vec::with_capacity(count);
    for result in results {
        latencies.extend(result?);
    }
    latencies.sort();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(index).copied().unwrap_or_default()
    };
    Ok(Measurement {
        requests: latencies.len(),
        wall,
        p50: at(0.50),
        p99: at(0.99),
    })
}
