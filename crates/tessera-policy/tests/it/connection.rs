//! The connection going live: C4, C5 (and the W2 guards it checks).

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, OrgKind, Role};
use tessera_policy::{Change, Command, InviteChannel, LoginRoute, OrgView, login_route};

// covers C4, C5
#[test]
fn c4_connecting_logs_nobody_out_and_c5_stops_salesforce_imports_and_invites() {
    let mut org = Org::new(None);
    org.seed("sf@corp.example", LoginMethod::Salesforce, Role::Viewer);
    let decision = org.ok(Command::CompleteConnection {
        by: org.by(),
        mode: ConnectionMode::Jit,
    });
    assert!(
        !decision
            .changes
            .iter()
            .any(|c| matches!(c, Change::RevokeSessions { .. })),
        "C4"
    );
    let after = org.mem.org().unwrap();
    assert!(after.is_connected());
    assert_eq!(after.connection_mode, Some(ConnectionMode::Jit));
    assert!(
        !after.salesforce_profile_import && !after.salesforce_invitations,
        "C5"
    );
    assert_eq!(decision.audit[0].action, "org.connected");
    // Existing accounts keep their method and may also use SSO (L3, C4).
    assert_eq!(
        login_route(&org.mem, &email("sf@corp.example")).unwrap(),
        LoginRoute::OwnMethodOrSso(LoginMethod::Salesforce)
    );
    org.refused(
        Command::InviteUser {
            by: org.by(),
            email: email("new@corp.example"),
            role: tessera_core::Role::Viewer,
            given_name: None,
            family_name: None,
            channel: InviteChannel::Salesforce,
        },
        "C5",
    );
}

#[test]
fn w2_only_a_production_org_connects_and_only_once() {
    let mut sandbox = Org::with_kind(OrgKind::Sandbox, None);
    sandbox.refused(
        Command::CompleteConnection {
            by: sandbox.by(),
            mode: ConnectionMode::Scim,
        },
        "W2",
    );
    let mut connected = Org::new(Some(ConnectionMode::Scim));
    connected.refused(
        Command::CompleteConnection {
            by: connected.by(),
            mode: ConnectionMode::Jit,
        },
        "W2",
    );
}
