//! Items 7 and 9: SCIM from org A's IdP gone wrong. A filter no index answers, on an
//! org of many users, must be answered from a bounded read (or refused `400 tooMany`);
//! a flood from several threads must meet `429` with `Retry-After` while org B (the
//! watcher) stays fast.

use super::{Ctx, flood};
use crate::tally::Tally;
use reqwest::blocking::Response;
use tessera_scim_bench::Measurement;

/// The per-org SCIM rate the issue asks for at least (requests per second).
const MIN_ORG_RATE: f64 = 50.0;
/// Resources asked for per page by the filter attack.
const PAGE: usize = 10;

fn scim_url(ctx: &Ctx<'_>, query: &str) -> String {
    ctx.url(&format!(
        "/scim/v2/{}/Users?{query}",
        ctx.seeded.attacked.name
    ))
}

/// Sends `requests` GETs of `url` with org A's SCIM token, checking each answer.
fn hammer(
    ctx: &Ctx<'_>,
    url: &str,
    requests: usize,
    check: impl Fn(&mut Tally, Response) + Sync,
) -> anyhow::Result<(Tally, Measurement)> {
    let token = &ctx.seeded.attacked.scim_token;
    let send = |client: &reqwest::blocking::Client, _| client.get(url).bearer_auth(token).send();
    flood(ctx, requests, send, |tally, answer| {
        check(tally, answer.response)
    })
}

/// A 429 must say when to come back.
fn check_throttle(tally: &mut Tally, response: &Response) {
    let has_retry_after = response.headers().contains_key("retry-after");
    tally.check(has_retry_after, || "a 429 without Retry-After".into());
}

/// `name.familyName co "User"` (no index) on org A's seeded users. A bounded read (or
/// a refusal) answers in bounded time; reading the whole org does not, so the median
/// answer must come within the latency bound.
pub fn unindexed_filter(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let url = scim_url(
        ctx,
        &format!("filter=name.familyName+co+%22User%22&count={PAGE}"),
    );
    let (mut tally, measured) = hammer(ctx, &url, ctx.sizes.filters, |tally, response| {
        let status = response.status().as_u16();
        match status {
            200 => {
                let page: serde_json::Value = response.json().unwrap_or_default();
                let listed = page["Resources"].as_array().map_or(0, Vec::len);
                tally.check(listed <= PAGE, || {
                    format!("asked for {PAGE} resources, got {listed}")
                });
            }
            400 => {
                let error: serde_json::Value = response.json().unwrap_or_default();
                tally.check(error["scimType"] == "tooMany", || {
                    format!("a 400 that is not tooMany: {error}")
                });
            }
            429 => check_throttle(tally, &response),
            other => tally.check(false, || format!("unexpected status {other}")),
        }
    })?;
    tally.check(measured.p50 <= ctx.limits.max_latency, || {
        format!(
            "the median unindexed filter took {} ms (bound {} ms)",
            measured.p50.as_millis(),
            ctx.limits.max_latency.as_millis()
        )
    });
    Ok(tally)
}

/// `GET /Users?count=1` for org A as fast as the client threads go.
pub fn org_flood(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let url = scim_url(ctx, "count=1");
    let (mut tally, measured) =
        hammer(
            ctx,
            &url,
            ctx.sizes.scim_flood,
            |tally, response| match response.status().as_u16() {
                200 => {}
                429 => check_throttle(tally, &response),
                other => tally.check(false, || format!("unexpected status {other}")),
            },
        )?;
    let rate = measured.per_second();
    tally.check(tally.count(429) > 0, || {
        format!("{rate:.0} req/s for one org (limit: at least {MIN_ORG_RATE}) and not one 429")
    });
    Ok(tally)
}
