//! Item 8: anonymous `GET /saml/{ws}/login` floods. Each one starts an AuthnRequest;
//! the rows they leave must stay bounded (the runner checks the row growth).

use super::{Ctx, any_answer, flood};
use crate::tally::Tally;

/// Sends `sizes.saml_logins` anonymous login starts for org A.
pub fn anonymous_flood(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let login = ctx.url(&format!(
        "/saml/{}/login?RelayState=%2Fapp",
        ctx.seeded.attacked.name
    ));
    let send = |client: &reqwest::blocking::Client, _| client.get(&login).send();
    Ok(flood(ctx, ctx.sizes.saml_logins, send, any_answer)?.0)
}
