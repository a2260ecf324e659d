//! The connection going live (C4, C5).

use crate::change::Change;
use crate::command::Actor;
use crate::context::Ctx;
use crate::error::{PolicyError, PolicyResult};
use crate::records::OrgRecord;
use crate::view::OrgView;
use serde_json::json;
use tessera_core::{ConnectionMode, OrgKind};

/// The last step of the walkthrough: the org is connected in `mode`. Nobody is logged
/// out (C4: the decision revokes no session); the Salesforce sync stops importing
/// profiles and Salesforce invitations stop (C5). Only a production org, once (W2).
pub(crate) fn complete<V: OrgView + ?Sized>(
    ctx: &mut Ctx<'_, V>,
    by: Actor,
    mode: ConnectionMode,
) -> PolicyResult<(), V::Error> {
    let who = ctx.authorize(by, "connect an IdP", "W3")?;
    let org = ctx.org()?;
    if org.kind != OrgKind::Production {
        return Err(PolicyError::SandboxCannotConnect);
    }
    if org.is_connected() {
        return Err(PolicyError::AlreadyConnected);
    }
    let next = OrgRecord {
        connection_mode: Some(mode),
        connected_at: Some(ctx.now),
        salesforce_profile_import: false,
        salesforce_invitations: false,
        ..org.clone()
    };
    ctx.change(Change::UpdateOrg(next.clone()));
    ctx.audit_org(
        &who,
        "org.connected",
        &next,
        json!({
            "mode": mode,
            "sessions_revoked": 0,
            "salesforce_profile_import": false,
            "salesforce_invitations": false,
        }),
    );
    Ok(())
}
