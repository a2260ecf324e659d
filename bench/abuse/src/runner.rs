//! Runs one scenario under the watcher and judges it: the process survives, its memory
//! stays under the ceiling, `/healthz` and org B keep answering fast, no 5xx, and the
//! refused input wrote nothing (user counts equal, audit and AuthnRequest rows bounded).

use crate::attacks::{Ctx, Scenario};
use crate::setup::Seeded;
use crate::tally::Tally;
use crate::watch::{Target, Watched, Watcher, memory_kib};
use crate::{Limits, Sizes};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tessera_core::{Clock, SystemClock};
use tessera_scim_bench::ServerProcess;
use tessera_store::{AuditFilter, Store, UserFilter};

/// Audit rows one scenario may add to org A (refusals are rate-limited per org).
pub const AUDIT_GROWTH_BOUND: usize = 100;

/// The server's settings under attack: the defaults, except a per-org SCIM rate of
/// 50/s (the floor the issue names), so that the flood of a slow debug build on a busy
/// machine still crosses it, while the watcher's 20 requests/s for org B stay below.
const SERVER_SETTINGS: [(&str, &str); 2] = [
    ("TESSERA_SCIM_RATE_LIMIT_PER_SECOND", "50"),
    ("TESSERA_SCIM_RATE_LIMIT_BURST", "50"),
];
/// AuthnRequest rows one scenario may add to org A.
pub const SAML_REQUEST_GROWTH_BOUND: u64 = 1_000;
/// Failures printed per scenario.
const SHOWN_FAILURES: usize = 5;
/// Characters printed per failure.
const FAILURE_WIDTH: usize = 240;

/// The server under attack, restarted on the same database when a scenario kills it.
pub struct Harness {
    /// The `tessera-server` binary.
    pub binary: PathBuf,
    /// The `tessera-admin` binary next to it.
    pub admin_binary: PathBuf,
    /// Its database.
    pub database_url: String,
    /// Where its log goes.
    pub log: PathBuf,
    /// The orgs.
    pub seeded: Seeded,
    /// The database, for the before/after counts.
    pub store: Store,
    /// How hard to push.
    pub sizes: Sizes,
    /// What must hold.
    pub limits: Limits,
    server: Option<ServerProcess>,
}

/// One scenario's result.
pub struct Verdict {
    /// The scenario.
    pub name: &'static str,
    /// Its item of the issue.
    pub item: &'static str,
    /// What the attack sent and saw.
    pub tally: Tally,
    /// What the watcher saw.
    pub watched: Watched,
    /// Wall time.
    pub took: Duration,
}

impl Verdict {
    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.tally.failures.is_empty()
    }

    /// One line, then the first failures indented.
    pub fn print(&self) {
        println!(
            "{} item {} {:<22} sent={:<5} statuses=[{}] peak_rss={}MiB bystander_worst={}ms healthz_worst={}ms {:.1}s",
            if self.passed() { "PASS" } else { "FAIL" },
            self.item,
            self.name,
            self.tally.sent,
            self.tally.statuses_line(),
            self.watched.peak_rss_kib / 1024,
            self.watched.worst_bystander.as_millis(),
            self.watched.worst_health.as_millis(),
            self.took.as_secs_f64(),
        );
        for failure in self.tally.failures.iter().take(SHOWN_FAILURES) {
            println!("       - {}", one_line(failure));
        }
        let more = self.tally.failures.len().saturating_sub(SHOWN_FAILURES);
        if more > 0 {
            println!("       - … and {more} more");
        }
    }
}

/// The first line of `text`, at most `FAILURE_WIDTH` characters.
fn one_line(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    let mut line: String = first.chars().take(FAILURE_WIDTH).collect();
    if line.len() < text.trim_end().len() {
        line.push_str(" …");
    }
    line
}

/// What "wrote nothing" compares.
#[derive(Debug, PartialEq)]
struct Counts {
    attacked_users: usize,
    bystander_users: usize,
    saml_requests: u64,
}

impl Harness {
    /// A harness for `binary` on `database_url`; the server starts with the first scenario.
    pub fn new(
        binary: PathBuf,
        database_url: String,
        log: PathBuf,
        seeded: Seeded,
        sizes: Sizes,
        limits: Limits,
    ) -> anyhow::Result<Self> {
        let admin_binary = binary.with_file_name("tessera-admin");
        Ok(Self {
            admin_binary,
            store: Store::connect(&database_url)?,
            binary,
            database_url,
            log,
            seeded,
            sizes,
            limits,
            server: None,
        })
    }

    /// The running server, started (again) if needed.
    fn server(&mut self) -> anyhow::Result<&mut ServerProcess> {
        let running = match self.server.as_mut() {
            Some(server) => server.exit_status()?.is_none(),
            None => false,
        };
        if !running {
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.log)?;
            self.server = Some(ServerProcess::start_binary(
                &self.binary,
                &self.database_url,
                Stdio::from(log),
                &SERVER_SETTINGS,
            )?);
        }
        self.server
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("no server"))
    }

    fn counts(&self) -> anyhow::Result<Counts> {
        let all = UserFilter {
            limit: i64::MAX,
            ..UserFilter::default()
        };
        Ok(Counts {
            attacked_users: self.store.users(self.seeded.attacked.id, &all)?.len(),
            bystander_users: self.store.users(self.seeded.bystander.id, &all)?.len(),
            saml_requests: self.store.saml_request_rows(self.seeded.attacked.id)?,
        })
    }

    /// Runs `scenario` and judges it.
    pub fn run(&mut self, scenario: &Scenario) -> anyhow::Result<Verdict> {
        let (pid, base_url) = {
            let server = self.server()?;
            (server.pid(), server.base_url.clone())
        };
        let before = self.counts()?;
        let since = SystemClock.now();
        let hwm_before = memory_kib(pid, "VmHWM").unwrap_or_default();
        let watcher = Watcher::start(Target {
            base_url: base_url.clone(),
            bystander: self.seeded.bystander.name.clone(),
            bystander_token: self.seeded.bystander.scim_token.clone(),
            pid,
        })?;
        let started = Instant::now();
        let ctx = Ctx {
            base_url: &base_url,
            seeded: &self.seeded,
            sizes: &self.sizes,
            store: &self.store,
            limits: &self.limits,
            admin_binary: &self.admin_binary,
            database_url: &self.database_url,
            pid,
        };
        let mut tally = (scenario.run)(&ctx).unwrap_or_else(|error| {
            let mut tally = Tally::default();
            tally
                .failures
                .push(format!("the attack stopped: {error:#}"));
            tally
        });
        let took = started.elapsed();
        let hwm_after = memory_kib(pid, "VmHWM").unwrap_or_default();
        let watched = watcher.stop();
        self.judge(&mut tally, &watched, (hwm_before, hwm_after))?;
        let after = self.counts()?;
        tally.check(before.attacked_users == after.attacked_users, || {
            format!(
                "org A's users: {} → {}",
                before.attacked_users, after.attacked_users
            )
        });
        tally.check(before.bystander_users == after.bystander_users, || {
            format!(
                "org B's users: {} → {}",
                before.bystander_users, after.bystander_users
            )
        });
        let grown = after.saml_requests.saturating_sub(before.saml_requests);
        tally.check(grown <= SAML_REQUEST_GROWTH_BOUND, || {
            format!("{grown} AuthnRequest rows added (bound: {SAML_REQUEST_GROWTH_BOUND})")
        });
        let audit = AuditFilter {
            since: Some(since),
            limit: i64::MAX,
            ..AuditFilter::default()
        };
        let added = self.store.audit(self.seeded.attacked.id, &audit)?.len();
        tally.check(added <= AUDIT_GROWTH_BOUND, || {
            format!("{added} audit rows added to org A (bound: {AUDIT_GROWTH_BOUND})")
        });
        Ok(Verdict {
            name: scenario.name,
            item: scenario.item,
            tally,
            watched,
            took,
        })
    }

    /// The process-level checks.
    fn judge(
        &mut self,
        tally: &mut Tally,
        watched: &Watched,
        (hwm_before, hwm_after): (u64, u64),
    ) -> anyhow::Result<()> {
        let ceiling = self.limits.rss_ceiling_kib;
        let max_latency = self.limits.max_latency;
        if let Some(server) = self.server.as_mut()
            && let Some(status) = server.exit_status()?
        {
            tally.failures.push(format!(
                "the server died ({status}); its log: {}",
                self.log.display()
            ));
        }
        tally.check(watched.peak_rss_kib <= ceiling, || {
            format!(
                "VmRSS reached {} MiB (ceiling {} MiB)",
                watched.peak_rss_kib / 1024,
                ceiling / 1024
            )
        });
        tally.check(hwm_after <= ceiling || hwm_after == hwm_before, || {
            format!(
                "VmHWM reached {} MiB (ceiling {} MiB)",
                hwm_after / 1024,
                ceiling / 1024
            )
        });
        tally.check(watched.failures == 0, || {
            format!(
                "{} of {} watcher probes failed, first: {}",
                watched.failures,
                2 * watched.rounds,
                watched.first_failure.as_deref().unwrap_or_default()
            )
        });
        tally.check(watched.worst_bystander <= max_latency, || {
            format!(
                "org B's SCIM took {} ms (bound {} ms)",
                watched.worst_bystander.as_millis(),
                max_latency.as_millis()
            )
        });
        tally.check(watched.worst_health <= max_latency, || {
            format!(
                "/healthz took {} ms (bound {} ms)",
                watched.worst_health.as_millis(),
                max_latency.as_millis()
            )
        });
        let server_errors = tally.server_errors();
        tally.check(server_errors == 0, || {
            format!("{server_errors} answers were 5xx")
        });
        let unanswered = tally.unanswered;
        let first = tally.first_unanswered.clone().unwrap_or_default();
        tally.check(unanswered == 0, || {
            format!("{unanswered} requests got no answer, first: {first}")
        });
        Ok(())
    }
}
