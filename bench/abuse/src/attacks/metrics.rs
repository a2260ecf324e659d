//! Item 2: requests with made-up HTTP methods on random paths must not grow `/metrics`
//! (every new label value is a new series kept for the life of the process).

use super::{Ctx, any_answer, flood};
use crate::tally::Tally;
use rand::Rng;
use rand::distr::Alphanumeric;

/// How much `/metrics` may grow during the attack.
pub const METRICS_GROWTH_BOUND: usize = 64 * 1024;

fn random_token(length: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

fn metrics_size(ctx: &Ctx<'_>) -> anyhow::Result<usize> {
    Ok(ctx
        .client()?
        .get(ctx.url("/metrics"))
        .send()?
        .error_for_status()?
        .bytes()?
        .len())
}

/// Sends `sizes.methods` requests, each with its own method and path.
pub fn made_up_methods(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let before = metrics_size(ctx)?;
    let send = |client: &reqwest::blocking::Client, _| {
        let method = random_token(12).to_uppercase();
        let path = format!("/{}/{}", random_token(8), random_token(16));
        match reqwest::Method::from_bytes(method.as_bytes()) {
            Ok(method) => client.request(method, ctx.url(&path)).send(),
            Err(_) => client.get(ctx.url(&path)).send(),
        }
    };
    let (mut tally, _) = flood(ctx, ctx.sizes.methods, send, any_answer)?;
    if ctx.alive() {
        let after = metrics_size(ctx)?;
        tally.check(after.saturating_sub(before) <= METRICS_GROWTH_BOUND, || {
            format!("/metrics grew from {before} to {after} bytes (bound: +{METRICS_GROWTH_BOUND})")
        });
    }
    Ok(tally)
}
