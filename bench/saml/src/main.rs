//! Tessera's side of `bench/saml/run` (not a timed test): `validate_response` with
//! in-memory ports on the responses `make_responses.py` signed, one JSON line of
//! validations/s per round and response. `--count` instead runs a fixed number of
//! validations without timing, for `valgrind --tool=callgrind`.

use anyhow::{Context, bail};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use serde_json::{Value, json};
use std::time::Instant;
use tessera_core::WorkspaceName;
use tessera_saml::{
    Certificate, IdentityProvider, Limits, MemoryRequestIdStore, PortError, ReplayCache,
    ServiceProvider, validate_response,
};

/// What to run.
#[derive(Parser)]
struct Args {
    /// The folder `make_responses.py` wrote.
    #[arg(long)]
    dir: String,
    /// Timed rounds per response.
    #[arg(long, default_value_t = 7)]
    rounds: usize,
    /// Length of one round.
    #[arg(long, default_value_t = 0.5)]
    seconds: f64,
    /// Only this response (by name: 2k, 6k, 11k).
    #[arg(long)]
    only: Option<String>,
    /// Run this many validations of each response, untimed (for callgrind).
    #[arg(long)]
    count: Option<usize>,
}

/// A replay cache that has seen nothing, so one response can be validated repeatedly.
struct Forgetful;

impl ReplayCache for Forgetful {
    fn insert_once(&self, _: &str, _: DateTime<Utc>, _: DateTime<Utc>) -> Result<bool, PortError> {
        Ok(true)
    }
}

/// The SP, the IdP and the clock every validation uses.
struct Setup {
    sp: ServiceProvider,
    idp: IdentityProvider,
    limits: Limits,
    now: DateTime<Utc>,
    requests: MemoryRequestIdStore,
}

impl Setup {
    fn read(meta: &Value) -> anyhow::Result<Self> {
        let text = |key: &str| {
            meta[key]
                .as_str()
                .with_context(|| format!("responses.json lacks {key}"))
        };
        let sp = ServiceProvider::for_workspace(
            "https://sso.tessera.test",
            WorkspaceName::parse("acme")?,
            None,
        )?;
        if sp.entity_id != text("sp_entity_id")? || sp.acs_url != text("acs_url")? {
            bail!("the responses were made for another SP");
        }
        let pem = std::fs::read_to_string(text("idp_cert")?)?;
        let idp = IdentityProvider::new(
            text("idp_entity_id")?,
            "https://idp.example.org/sso",
            vec![Certificate::parse(&pem)?],
        );
        // A minute after issue: inside every window, as for the peers' real clocks.
        let now =
            DateTime::parse_from_rfc3339(text("now")?)?.with_timezone(&Utc) + Duration::seconds(60);
        Ok(Self {
            sp,
            idp,
            limits: Limits::default(),
            now,
            requests: MemoryRequestIdStore::default(),
        })
    }

    fn validate(&self, encoded: &str) -> anyhow::Result<()> {
        let s = self;
        validate_response(
            encoded,
            &s.sp,
            &s.idp,
            &s.limits,
            s.now,
            &s.requests,
            &Forgetful,
        )?;
        Ok(())
    }
}

/// Validations per second over `rounds` rounds of about `seconds` each.
fn rates(setup: &Setup, encoded: &str, rounds: usize, seconds: f64) -> anyhow::Result<Vec<f64>> {
    let started = Instant::now();
    let mut warm = 0u32;
    while started.elapsed().as_secs_f64() < seconds / 2.0 {
        setup.validate(encoded)?;
        warm += 1;
    }
    let per_round = (f64::from(warm) * 2.0).max(1.0) as usize;
    let mut out = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let at = Instant::now();
        for _ in 0..per_round {
            setup.validate(encoded)?;
        }
        out.push(per_round as f64 / at.elapsed().as_secs_f64());
    }
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(format!(
        "{}/responses.json",
        args.dir
    ))?)?;
    let setup = Setup::read(&meta)?;
    let responses = meta["responses"].as_array().context("no responses")?;
    for response in responses {
        let name = response["name"].as_str().unwrap_or_default();
        if args.only.as_deref().is_some_and(|only| only != name) {
            continue;
        }
        let path = response["path"]
            .as_str()
            .context("response without a path")?;
        let xml = std::fs::read(path)?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&xml);
        setup
            .validate(&encoded)
            .with_context(|| format!("Tessera refused {name}"))?;
        if let Some(count) = args.count {
            for _ in 0..count {
                setup.validate(&encoded)?;
            }
            continue;
        }
        let rates = rates(&setup, &encoded, args.rounds, args.seconds)?;
        println!(
            "{}",
            json!({"verifier": "tessera", "name": name, "bytes": xml.len(), "rates": rates})
        );
    }
    Ok(())
}
