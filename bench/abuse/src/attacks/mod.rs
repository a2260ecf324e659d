//! The attacks, one per item of issue #9, and what they share.

pub mod acs;
pub mod metrics;
pub mod multipart;
pub mod password;
pub mod saml_login;
pub mod scim;
pub mod xlsx;

use crate::setup::Seeded;
use crate::tally::{Shared, Tally};
use crate::{Limits, Sizes};
use anyhow::Context;
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use std::path::Path;
use std::time::{Duration, Instant};
use tessera_scim_bench::{Measurement, run_parallel};

/// The web session cookie's name.
pub const SESSION_COOKIE: &str = "tessera_session";
/// A request that takes longer than this counts as unanswered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What an attack may use.
pub struct Ctx<'a> {
    /// `http://127.0.0.1:PORT`.
    pub base_url: &'a str,
    /// The orgs and credentials.
    pub seeded: &'a Seeded,
    /// How hard to push.
    pub sizes: &'a Sizes,
    /// The database the server runs on.
    pub store: &'a tessera_store::Store,
    /// What must hold.
    pub limits: &'a Limits,
    /// The `tessera-admin` binary next to the server.
    pub admin_binary: &'a Path,
    /// The database URL, for the CLI.
    pub database_url: &'a str,
    /// The server's pid, to tell whether it still runs.
    pub pid: u32,
}

impl Ctx<'_> {
    /// A client that follows no redirects.
    pub fn client(&self) -> anyhow::Result<Client> {
        Ok(Client::builder()
            .redirect(Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()?)
    }

    /// `path` on the server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `path` under org A's admin API.
    pub fn api(&self, path: &str) -> String {
        self.url(&format!("/api/v1/orgs/{}{path}", self.seeded.attacked.name))
    }

    /// Whether the server process still runs.
    pub fn alive(&self) -> bool {
        crate::watch::memory_kib(self.pid, "VmRSS").is_some()
    }

    /// Org A's walkthrough state, as its admin sees it.
    pub fn connection(&self) -> anyhow::Result<serde_json::Value> {
        Ok(self
            .client()?
            .get(self.api("/connection"))
            .bearer_auth(&self.seeded.admin_token)
            .send()?
            .error_for_status()?
            .json()?)
    }
}

/// The CSRF token of a page's forms.
pub fn csrf_of(page: &str) -> anyhow::Result<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).context("no CSRF field on the page")? + marker.len();
    let end = start + page[start..].find('"').context("unclosed CSRF value")?;
    Ok(page[start..end].to_owned())
}

/// One answer of a flood.
pub struct Answer {
    /// The response.
    pub response: Response,
    /// How long it took.
    pub took: Duration,
    /// Which request of the flood (0-based).
    pub index: usize,
}

/// Sends `count` requests built by `send` from `sizes.threads` client threads,
/// tallying them; `check` judges each answer.
pub fn flood(
    ctx: &Ctx<'_>,
    count: usize,
    send: impl Fn(&Client, usize) -> reqwest::Result<Response> + Sync,
    check: impl Fn(&mut Tally, Answer) + Sync,
) -> anyhow::Result<(Tally, Measurement)> {
    let shared = Shared::default();
    let measured = run_parallel(
        count,
        ctx.sizes.threads,
        || ctx.client(),
        |client, index| {
            let client = client.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let started = Instant::now();
            let answer = send(client, index);
            let took = started.elapsed();
            shared.with(|tally| {
                if let Some(response) = tally.record(answer) {
                    check(
                        tally,
                        Answer {
                            response,
                            took,
                            index,
                        },
                    );
                }
            })?;
            Ok(())
        },
    )?;
    Ok((shared.into_inner()?, measured))
}

/// A `check` for floods whose answers the runner's checks judge.
pub fn any_answer(_: &mut Tally, _: Answer) {}

/// One scenario: a name and the attack.
pub struct Scenario {
    /// Short name, for `--only` and the report.
    pub name: &'static str,
    /// The item it proves.
    pub item: &'static str,
    /// Throws the attack at the server.
    pub run: fn(&Ctx<'_>) -> anyhow::Result<Tally>,
}

/// Every scenario, in the order they run (the SCIM ones last: they add users to A).
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "xlsx-last-cell",
        item: "1",
        run: xlsx::last_cell,
    },
    Scenario {
        name: "xlsx-last-cell-page",
        item: "1",
        run: xlsx::last_cell_page,
    },
    Scenario {
        name: "xlsx-last-cell-cli",
        item: "1",
        run: xlsx::last_cell_cli,
    },
    Scenario {
        name: "xlsx-zip-bomb",
        item: "1",
        run: xlsx::zip_bomb,
    },
    Scenario {
        name: "metrics-methods",
        item: "2",
        run: metrics::made_up_methods,
    },
    Scenario {
        name: "acs-refusals",
        item: "4",
        run: acs::refusal_flood,
    },
    Scenario {
        name: "multipart-upload",
        item: "5",
        run: multipart::near_boundary_body,
    },
    Scenario {
        name: "password-brute-force",
        item: "6",
        run: password::brute_force,
    },
    Scenario {
        name: "saml-login-flood",
        item: "8",
        run: saml_login::anonymous_flood,
    },
    Scenario {
        name: "scim-unindexed-filter",
        item: "7",
        run: scim::unindexed_filter,
    },
    Scenario {
        name: "scim-flood",
        item: "9",
        run: scim::org_flood,
    },
];
