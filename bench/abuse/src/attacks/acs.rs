//! Item 4: a flood of refused SAML responses whose refusal reason carries big
//! attacker-chosen text. Org A's audit log must grow by a bounded number of small rows.

use super::{Ctx, any_answer, flood};
use crate::tally::Tally;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use rand::distr::Alphanumeric;
use tessera_store::{AuditFilter, Store};

/// The largest audit detail a refusal may leave, serialised.
pub const AUDIT_DETAIL_BOUND: usize = 4 * 1024;
/// Bytes of attacker-chosen text in each response (its root element's name).
const ATTACKER_TEXT: usize = 60 * 1024;

/// A well-formed document whose root element's name is `ATTACKER_TEXT` random letters:
/// the refusal reason quotes it.
fn hostile_response() -> String {
    let name: String = std::iter::once('X')
        .chain(
            rand::rng()
                .sample_iter(Alphanumeric)
                .take(ATTACKER_TEXT)
                .map(char::from),
        )
        .collect();
    STANDARD.encode(format!("<{name}/>"))
}

fn refusals(store: &Store, ctx: &Ctx<'_>) -> anyhow::Result<Vec<tessera_store::AuditEntry>> {
    let filter = AuditFilter {
        action: Some("saml.login_refused".into()),
        limit: i64::MAX,
        ..AuditFilter::default()
    };
    Ok(store.audit(ctx.seeded.attacked.id, &filter)?)
}

/// Posts `sizes.acs` hostile responses to org A's ACS.
pub fn refusal_flood(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let before = refusals(ctx.store, ctx)?.len();
    let acs = ctx.url(&format!("/saml/{}/acs", ctx.seeded.attacked.name));
    let send = |client: &reqwest::blocking::Client, _| {
        let form = [
            ("SAMLResponse", hostile_response()),
            ("RelayState", format!("/{}", "r".repeat(ATTACKER_TEXT))),
        ];
        client.post(&acs).form(&form).send()
    };
    let (mut tally, _) = flood(ctx, ctx.sizes.acs, send, any_answer)?;
    let entries = refusals(ctx.store, ctx)?;
    let new = entries.len().saturating_sub(before);
    let largest = entries
        .iter()
        .take(new)
        .map(|entry| entry.details.to_string().len())
        .max()
        .unwrap_or_default();
    tally.check(largest <= AUDIT_DETAIL_BOUND, || {
        format!("a refusal's audit detail is {largest} bytes (bound: {AUDIT_DETAIL_BOUND})")
    });
    Ok(tally)
}
