//! SCIM create load against a server that is already running, for benches that
//! compare server builds with the same client (bench/events/run):
//! `scim-creates BASE_URL WORKSPACE TOKEN --count N --threads T --prefix P` prints one
//! JSON line with creates/s and the p50/p99 latency in milliseconds.

use anyhow::bail;
use clap::Parser;
use reqwest::blocking::Client;
use serde_json::json;
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
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let url = format!("{}/scim/v2/{}/Users", args.base_url, args.workspace);
    let measured = run_parallel(args.count, args.threads, Client::new, |http, i| {
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
    println!(
        "{}",
        json!({
            "requests": measured.requests,
            "per_second": measured.per_second(),
            "p50_ms": measured.p50.as_secs_f64() * 1e3,
            "p99_ms": measured.p99.as_secs_f64() * 1e3,
        })
    );
    Ok(())
}
