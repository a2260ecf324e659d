//! SCIM create load against a server that is already running, for benches that
//! compare server builds with the same client (bench/events/run):
//! `scim-creates BASE_URL WORKSPACE TOKEN --count N --threads T --prefix P` prints one
//! JSON line with creates/s and the p50/p99 latency in milliseconds (`--per-second R`
//! paces them).

use anyhow::bail;
use clap::Parser;
use reqwest::blocking::Client;
use serde_json::json;
use std::time::{Duration, Instant};
use tessera_scim_bench::run_parallel;

/// Bounds of one run.
#[derive(Parser)]
struct Args {
    /// `http://127.0.0.1:PORT` of the server.
    base_url: String,
    /// The org's workspace name.
    workspace: String,
    /// Its SCIM bearer token.
    token: String,
    /// Users to create.
    #[arg(long, default_value_t = 5_000)]
    count: usize,
    /// Client threads (each one connection).
    #[arg(long, default_value_t = 8)]
    threads: usize,
    /// Prefix of the user names, unique per run on one database.
    #[arg(long, default_value = "user")]
    prefix: String,
    /// Paces the creates to this many per second in all (default: as fast as the
    /// server answers). Paced runs print no latency: it would include the waits.
    #[arg(long)]
    per_second: Option<f64>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let url = format!("{}/scim/v2/{}/Users", args.base_url, args.workspace);
    let started = Instant::now();
    let measured = run_parallel(args.count, args.threads, Client::new, |http, i| {
        if let Some(rate) = args.per_second {
            let due = started + Duration::from_secs_f64(i as f64 / rate);
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
        let name = format!("{}-{i}@bench.example", args.prefix);
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": name, "externalId": format!("{}-{i}", args.prefix),
            "name": {"givenName": "Bench", "familyName": format!("User {i}")},
            "emails": [{"value": name, "type": "work", "primary": true}],
            "active": true
        });
        let response = http
            .post(&url)
            .bearer_auth(&args.token)
            .header("Content-Type", "application/scim+json")
            .body(body.to_string())
            .send()?;
        if response.status().as_u16() != 201 {
            bail!("POST /Users: {} {}", response.status(), response.text()?);
        }
        Ok(())
    })?;
    let latency = |d: Duration| args.per_second.is_none().then_some(d.as_secs_f64() * 1e3);
    println!(
        "{}",
        json!({
            "requests": measured.requests,
            "per_second": measured.per_second(),
            "p50_ms": latency(measured.p50),
            "p99_ms": latency(measured.p99),
        })
    );
    Ok(())
}
