//! Item 6: password guessing on `/login/password` (each guess costs the server a 19 MiB
//! argon2 hash). Many guesses at one account must end in `429` with `Retry-After`;
//! guesses at many accounts at once must keep the server's memory under the ceiling.

use super::{Ctx, csrf_of};
use crate::tally::{Shared, Tally};
use anyhow::Context;
use reqwest::blocking::Client;
use tessera_scim_bench::run_parallel;

/// A browser with the login page's CSRF cookie, and the token for its forms.
struct Browser {
    client: Client,
    csrf: String,
}

fn browser(ctx: &Ctx<'_>) -> anyhow::Result<Browser> {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()?;
    let csrf = csrf_of(&client.get(ctx.url("/login")).send()?.text()?)?;
    Ok(Browser { client, csrf })
}

fn guess(
    ctx: &Ctx<'_>,
    browser: &Browser,
    email: &str,
    i: usize,
) -> reqwest::Result<reqwest::blocking::Response> {
    let password = format!("wrong guess number {i}");
    let form = [
        ("csrf", browser.csrf.as_str()),
        ("ws", ctx.seeded.attacked.name.as_str()),
        ("email", email),
        ("password", password.as_str()),
        ("next", "/app"),
    ];
    browser
        .client
        .post(ctx.url("/login/password"))
        .form(&form)
        .send()
}

/// `sizes.guesses` wrong passwords for one account, then one wrong password for each
/// of the other accounts from several threads.
pub fn brute_force(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    let accounts = &ctx.seeded.password_accounts;
    let target = accounts.first().context("no password account was seeded")?;
    let one = browser(ctx)?;
    let mut braked_with_retry_after = false;
    for i in 0..ctx.sizes.guesses {
        if let Some(response) = tally.record(guess(ctx, &one, target, i)) {
            braked_with_retry_after |=
                response.status().as_u16() == 429 && response.headers().contains_key("retry-after");
        }
    }
    tally.check(braked_with_retry_after, || {
        format!(
            "{} wrong passwords for {target} never got a 429 with Retry-After",
            ctx.sizes.guesses
        )
    });
    let shared = Shared::default();
    let others = accounts.get(1..).unwrap_or_default();
    run_parallel(
        others.len(),
        ctx.sizes.threads,
        || browser(ctx),
        |browser, i| {
            let browser = browser.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let answer = guess(ctx, browser, &others[i], i);
            shared.with(|tally| tally.record(answer).is_some())?;
            Ok(())
        },
    )?;
    tally.absorb(shared.into_inner()?);
    Ok(tally)
}
