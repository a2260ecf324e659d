//! Item 5: `POST /admin/connect/upload` with a near-boundary body: a body of dashes and
//! a boundary of dashes ending in `x`, so a naive delimiter search compares the whole
//! boundary at every byte. Sent anonymously and by a signed-in viewer (not an admin,
//! no CSRF token): both must be refused fast, before the body is parsed.

use super::{Answer, Ctx, SESSION_COOKIE, flood};
use crate::tally::Tally;

/// Just under the default 1 MiB body limit.
const BODY_BYTES: usize = 1_000_000;

/// Sends `sizes.multipart` hostile uploads, half anonymous, half as org A's viewer.
pub fn near_boundary_body(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let boundary = format!("{}x", "-".repeat(ctx.sizes.boundary_bytes));
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let body = vec![b'-'; BODY_BYTES];
    let upload = ctx.url("/admin/connect/upload");
    let viewer = format!("{SESSION_COOKIE}={}", ctx.seeded.viewer_session);
    let who = |index: usize| {
        if index.is_multiple_of(2) {
            "anonymous"
        } else {
            "viewer"
        }
    };
    let send = |client: &reqwest::blocking::Client, index| {
        let request = client
            .post(&upload)
            .header("Content-Type", &content_type)
            .body(body.clone());
        match who(index) {
            "viewer" => request.header("Cookie", &viewer).send(),
            _ => request.send(),
        }
    };
    let check = |tally: &mut Tally, answer: Answer| {
        let (status, who) = (answer.response.status(), who(answer.index));
        tally.check(!status.is_success() && !status.is_server_error(), || {
            format!("{who} upload answered {status}")
        });
        tally.check(answer.took <= ctx.limits.max_latency, || {
            format!("{who} upload took {} ms", answer.took.as_millis())
        });
    };
    Ok(flood(ctx, ctx.sizes.multipart, send, check)?.0)
}
