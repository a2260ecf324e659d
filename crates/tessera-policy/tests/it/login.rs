//! How an email may log in: L3 (and L2's choice of route).

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, Role};
use tessera_policy::{Command, InviteChannel, LoginRoute, MappingLink, SamlLogin, login_route};

// covers L3
#[test]
fn l3_older_accounts_keep_their_method_and_may_use_sso_while_sso_accounts_are_sso_only() {
    let mut org = Org::new(Some(ConnectionMode::Jit));
    org.seed("pw@corp.example", LoginMethod::Password, Role::Viewer);
    let mapped = org.seed("mapped@old.example", LoginMethod::Salesforce, Role::Viewer);
    org.ok(Command::ApplyMapping {
        by: org.by(),
        links: vec![MappingLink {
            user: mapped,
            idp_email: Some(email("mapped@corp.example")),
        }],
    });
    org.ok(Command::SamlLogin(SamlLogin {
        email: email("jit@corp.example"),
        given_name: None,
        family_name: None,
    }));
    org.ok(Command::InviteUser {
        by: org.by(),
        email: email("late@corp.example"),
        role: Role::Viewer,
        given_name: None,
        family_name: None,
        channel: InviteChannel::Email,
    });
    let gone = org.seed("gone@corp.example", LoginMethod::Password, Role::Viewer);
    org.ok(Command::DeactivateUser {
        by: org.by(),
        user: gone,
    });
    let cases = [
        (
            "pw@corp.example",
            LoginRoute::OwnMethodOrSso(LoginMethod::Password),
        ),
        (
            "MAPPED@corp.example",
            LoginRoute::OwnMethodOrSso(LoginMethod::Salesforce),
        ),
        (
            "mapped@old.example",
            LoginRoute::OwnMethodOrSso(LoginMethod::Salesforce),
        ),
        ("jit@corp.example", LoginRoute::Sso),
        (
            "late@corp.example",
            LoginRoute::OwnMethod(LoginMethod::Password),
        ),
        ("gone@corp.example", LoginRoute::Deactivated),
        ("stranger@corp.example", LoginRoute::Sso),
    ];
    for (address, route) in cases {
        assert_eq!(
            login_route(&org.mem, &email(address)).unwrap(),
            route,
            "{address}"
        );
    }
}

// covers L3
#[test]
fn l3_without_a_connection_everyone_uses_their_own_method() {
    let mut org = Org::new(None);
    org.seed("pw@corp.example", LoginMethod::Password, Role::Viewer);
    assert_eq!(
        login_route(&org.mem, &email("pw@corp.example")).unwrap(),
        LoginRoute::OwnMethod(LoginMethod::Password)
    );
    assert_eq!(
        login_route(&org.mem, &email("who@corp.example")).unwrap(),
        LoginRoute::Unknown
    );
}
