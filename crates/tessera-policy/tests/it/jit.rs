//! SAML logins: U3 (JIT), M3 (linking), U1 (first login), C1 (modes).

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, Role, Source, UserStatus};
use tessera_policy::{BuiltInTeam, Command, MappingLink, PolicyError, SamlLogin, Subject};

fn login(address: &str) -> Command {
    Command::SamlLogin(SamlLogin {
        email: email(address),
        given_name: Some("Given".into()),
        family_name: None,
    })
}

// covers U3, L3, U6
#[test]
fn u3_the_first_login_of_an_unknown_email_creates_an_active_sso_viewer_in_all_users() {
    let mut org = Org::new(Some(ConnectionMode::Jit));
    let decision = org.ok(login("new@corp.example"));
    let user = org.user_by_email("new@corp.example");
    assert_eq!(decision.subject, Some(Subject::User(user.id)));
    assert_eq!(user.status, UserStatus::Active);
    assert_eq!(user.role, Role::Viewer);
    assert_eq!(user.login_method, LoginMethod::Sso);
    assert_eq!(user.created_by, Source::Saml);
    assert_eq!(
        user.first_login_at,
        Some(org.now - chrono::Duration::minutes(1))
    );
    assert!(org.is_member(org.built_in(BuiltInTeam::AllUsers).id, user.id));
    assert!(decision.invitations.is_empty());
    // The second login changes nothing.
    assert!(org.ok(login("NEW@corp.example")).is_empty());
}

// covers C1, U3
#[test]
fn c1_unknown_emails_are_refused_in_scim_mode_and_without_a_connection() {
    let cases = [(Some(ConnectionMode::Scim), "C1"), (None, "C1")];
    for (mode, rule) in cases {
        let mut org = Org::new(mode);
        org.refused(login("new@corp.example"), rule);
    }
}

// covers M3, U1, L3
#[test]
fn m3_a_login_attaches_to_the_linked_or_same_email_account_without_a_duplicate() {
    // (case, account email, mapping link, login email)
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "linked by the sheet",
            "pat@old.example",
            Some("pat@corp.example"),
            "Pat@Corp.Example",
        ),
        (
            "same email, un-linked",
            "pat@corp.example",
            None,
            "pat@corp.example",
        ),
    ];
    for (case, account, link, login_email) in cases {
        let mut org = Org::new(Some(ConnectionMode::Jit));
        let pat = org.seed(account, LoginMethod::Password, Role::Expert);
        if let Some(link) = link {
            org.ok(Command::ApplyMapping {
                by: org.by(),
                links: vec![MappingLink {
                    user: pat,
                    idp_email: Some(email(link)),
                }],
            });
        }
        let users = org.mem.users().count();
        let decision = org.ok(login(login_email));
        assert_eq!(decision.subject, Some(Subject::User(pat)), "{case}");
        assert_eq!(org.mem.users().count(), users, "{case}");
        let after = org.user(pat);
        assert_eq!(
            after.login_method,
            LoginMethod::Password,
            "{case}: keeps its method"
        );
        assert_eq!(after.role, Role::Expert, "{case}");
        assert!(after.idp_connected(), "{case}");
    }
}

// covers U1
#[test]
fn u1_the_first_login_of_a_pending_account_makes_it_active() {
    let mut org = Org::new(Some(ConnectionMode::Scim));
    org.provision("sam@corp.example");
    let decision = org.ok(login("sam@corp.example"));
    let sam = org.scim_user("sam@corp.example");
    assert_eq!(sam.status, UserStatus::Active);
    assert!(sam.first_login_at.is_some());
    assert_eq!(decision.audit[0].action, "user.first_login");
}

// covers U3, U5
#[test]
fn u3_a_deactivated_account_cannot_log_in_and_is_told_who_reactivates_it() {
    let mut org = Org::new(Some(ConnectionMode::Jit));
    org.ok(login("jo@corp.example"));
    let jo = org.user_by_email("jo@corp.example").id;
    org.ok(Command::DeactivateUser {
        by: org.by(),
        user: jo,
    });
    let error = org.refused(login("jo@corp.example"), "U3");
    assert!(
        error.to_string().contains("adding it to a team (U4)"),
        "{error}"
    );

    let mut org = Org::new(Some(ConnectionMode::Scim));
    let scim_id = org.provision("kay@corp.example");
    org.ok(Command::ScimDeleteUser { scim_id });
    let error = org.refused(login("kay@corp.example"), "U3");
    assert!(matches!(
        error,
        PolicyError::UserDeactivated {
            scim_managed: false,
            ..
        }
    ));
}
