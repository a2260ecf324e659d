//! The abuse suite of issue #9 ("no tenant and no anonymous client can take the shared
//! server down or slip past a gate"): starts the real `tessera-server` on loopback with
//! an attacked org A and a bystander org B, throws each hostile input of the issue at
//! it, and judges every scenario (docs/security.md, "Abuse suite"). One line per
//! scenario; the exit code is non-zero when any fails.
//!
//! `just abuse` (release), or `tessera-abuse --quick` for small counts.

mod attacks;
mod runner;
mod setup;
mod tally;
mod watch;

use anyhow::{Context, bail};
use clap::Parser;
use runner::Harness;
use std::path::PathBuf;
use std::time::Duration;

/// Throw issue #9's attacks at a real tessera-server and check it shrugs them off.
#[derive(Parser)]
struct Args {
    /// The server binary; by default the `tessera-server` next to this binary (the
    /// same target directory and profile).
    #[arg(long)]
    server: Option<PathBuf>,
    /// An empty database to run on (`postgres://…`, or one with
    /// `?options=-csearch_path%3DSCHEMA`); a fresh SQLite file by default.
    #[arg(long)]
    database_url: Option<String>,
    /// Small counts (for CI): about a tenth of the full run.
    #[arg(long)]
    quick: bool,
    /// The ceiling on the server's resident memory (VmRSS and VmHWM), MiB.
    #[arg(long, default_value_t = 512)]
    rss_ceiling_mib: u64,
    /// The slowest answer `/healthz` and org B may give during an attack (and a
    /// refused upload may take), ms.
    #[arg(long, default_value_t = 1_000)]
    max_latency_ms: u64,
    /// Run only these scenarios (by name; repeatable).
    #[arg(long)]
    only: Vec<String>,
}

/// How hard the attacks push.
pub struct Sizes {
    /// Client threads per attack.
    pub threads: usize,
    /// SCIM users seeded in org A (for the unindexed filter).
    pub attacked_users: usize,
    /// SCIM users seeded in org B.
    pub bystander_users: usize,
    /// Inflated size of the zip bomb's shared string.
    pub zip_bomb_bytes: u64,
    /// Requests with made-up methods.
    pub methods: usize,
    /// Refused SAML responses.
    pub acs: usize,
    /// Hostile multipart uploads.
    pub multipart: usize,
    /// Boundary length of the multipart attack.
    pub boundary_bytes: usize,
    /// Wrong passwords for one account.
    pub guesses: usize,
    /// Password accounts in org A (one guess each at once, besides the first).
    pub password_accounts: usize,
    /// Anonymous SAML login starts.
    pub saml_logins: usize,
    /// Unindexed filter requests.
    pub filters: usize,
    /// SCIM flood requests.
    pub scim_flood: usize,
}

impl Sizes {
    fn full() -> Self {
        Self {
            threads: 8,
            attacked_users: 20_000,
            bystander_users: 200,
            zip_bomb_bytes: 512 << 20,
            methods: 3_000,
            acs: 1_000,
            multipart: 16,
            boundary_bytes: 96 * 1024,
            guesses: 100,
            password_accounts: 33,
            saml_logins: 5_000,
            filters: 64,
            scim_flood: 5_000,
        }
    }

    fn quick() -> Self {
        Self {
            threads: 4,
            attacked_users: 5_000,
            bystander_users: 20,
            zip_bomb_bytes: 256 << 20,
            methods: 300,
            acs: 200,
            multipart: 4,
            boundary_bytes: 96 * 1024,
            guesses: 30,
            password_accounts: 9,
            saml_logins: 2_000,
            filters: 16,
            scim_flood: 1_000,
        }
    }
}

/// What must hold during every scenario.
pub struct Limits {
    /// Ceiling on VmRSS/VmHWM, KiB.
    pub rss_ceiling_kib: u64,
    /// Slowest answer of the bystander probes and of a refusal.
    pub max_latency: Duration,
}

fn default_server() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let candidate = me
        .parent()
        .context("binary directory")?
        .join("tessera-server");
    if !candidate.exists() {
        bail!(
            "{} not found: build it (cargo build --release -p tessera-server) or pass --server",
            candidate.display()
        );
    }
    Ok(candidate)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scenarios: Vec<_> = attacks::SCENARIOS
        .iter()
        .filter(|s| args.only.is_empty() || args.only.iter().any(|name| name == s.name))
        .collect();
    if scenarios.is_empty() {
        let names: Vec<_> = attacks::SCENARIOS.iter().map(|s| s.name).collect();
        bail!("--only names no scenario; they are: {}", names.join(", "));
    }
    let binary = match args.server {
        Some(path) => path,
        None => default_server()?,
    };
    let dir = tempfile::tempdir()?;
    let database_url = args
        .database_url
        .unwrap_or_else(|| format!("sqlite://{}/abuse.db", dir.path().display()));
    let sizes = if args.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let limits = Limits {
        rss_ceiling_kib: args.rss_ceiling_mib * 1024,
        max_latency: Duration::from_millis(args.max_latency_ms),
    };
    println!(
        "tessera-abuse: {} on {}, ceilings: RSS {} MiB, latency {} ms",
        binary.display(),
        if database_url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        },
        args.rss_ceiling_mib,
        args.max_latency_ms
    );
    let seeded = setup::seed(&database_url, &sizes).context("seed the orgs")?;
    let log = dir.path().join("server.log");
    let mut harness = Harness::new(binary, database_url, log, seeded, sizes, limits)?;
    let mut failed = 0;
    for scenario in &scenarios {
        let verdict = harness.run(scenario)?;
        verdict.print();
        failed += usize::from(!verdict.passed());
    }
    println!(
        "{} of {} scenarios passed",
        scenarios.len() - failed,
        scenarios.len()
    );
    drop(harness); // stops the server
    if failed > 0 {
        // Keep the server's log for the failures.
        let kept = dir.keep();
        println!("server log: {}", kept.join("server.log").display());
        std::process::exit(1);
    }
    Ok(())
}
