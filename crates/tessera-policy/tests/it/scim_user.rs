//! SCIM Users: U1, U2, U5, U6, L3, M3 (linking), S3 (arrival), S4 (audit).

use crate::support::*;
use tessera_core::{ConnectionMode, LoginMethod, Role, Source, UserStatus};
use tessera_policy::{
    BuiltInTeam, Command, InvitationReason, MappingLink, PolicyError, ProvisionedUser, Subject,
    UserPatch,
};

fn scim_org() -> Org {
    Org::new(Some(ConnectionMode::Scim))
}

// covers U1, U2, U6, L3, S4
#[test]
fn u2_scim_create_makes_a_pending_sso_only_viewer_in_all_users_and_invites_them() {
    let mut org = scim_org();
    let decision = org.ok(Command::ScimCreateUser(ProvisionedUser {
        given_name: Some("Jane".into()),
        external_id: Some("00u1".into()),
        attributes_json: Some("{\"userName\":\"jane@corp.example\"}".into()),
        ..provisioned("jane@corp.example")
    }));
    let jane = org.scim_user("jane@corp.example");
    assert_eq!(decision.subject, Some(Subject::User(jane.id)));
    assert_eq!(jane.status, UserStatus::Pending);
    assert_eq!(jane.role, Role::Viewer);
    assert_eq!(jane.login_method, LoginMethod::Sso);
    assert_eq!(jane.created_by, Source::Scim);
    assert_eq!(jane.given_name.as_deref(), Some("Jane"));
    assert_eq!(jane.external_id.as_deref(), Some("00u1"));
    assert!(jane.idp_connected());
    assert!(org.is_member(org.built_in(BuiltInTeam::AllUsers).id, jane.id));
    assert_eq!(decision.invitations.len(), 1);
    assert_eq!(
        decision.invitations[0].reason,
        InvitationReason::Provisioned
    );
    assert_eq!(decision.invitations[0].email, email("jane@corp.example"));
    let audit = &decision.audit[0];
    assert_eq!(
        (audit.action, audit.source, audit.actor.as_str()),
        ("user.created", Source::Scim, "scim")
    );
    assert_eq!(audit.target_label.as_deref(), Some("jane@corp.example"));
}

// covers U2, U5
#[test]
fn u2_scim_create_of_an_inactive_user_is_deactivated_and_not_invited() {
    let mut org = scim_org();
    let decision = org.ok(Command::ScimCreateUser(ProvisionedUser {
        active: false,
        ..provisioned("gone@corp.example")
    }));
    assert!(decision.invitations.is_empty());
    assert_eq!(
        org.scim_user("gone@corp.example").status,
        UserStatus::Deactivated
    );
}

// covers M3, L3, U6
#[test]
fn m3_scim_create_attaches_to_the_account_the_mapping_or_the_email_names() {
    // (case, existing account email, mapping link, SCIM userName, SCIM email)
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>);
    let cases: &[Case] = &[
        (
            "linked by the mapping sheet",
            "ann@old.example",
            Some("ann@corp.example"),
            "ann@corp.example",
            Some("ann@corp.example"),
        ),
        (
            "mapping link, userName differs",
            "ann@old.example",
            Some("ann@corp.example"),
            "ann.upn",
            Some("Ann@Corp.Example"),
        ),
        (
            "un-linked account with that email",
            "ann@corp.example",
            None,
            "ann@corp.example",
            Some("ANN@corp.example"),
        ),
        (
            "email only in userName",
            "ann@corp.example",
            None,
            "ann@corp.example",
            None,
        ),
    ];
    for (case, existing, link, name, mail) in cases {
        let mut org = scim_org();
        let ann = org.seed(existing, LoginMethod::Salesforce, Role::Expert);
        if let Some(link) = link {
            org.ok(Command::ApplyMapping {
                by: org.by(),
                links: vec![MappingLink {
                    user: ann,
                    idp_email: Some(email(link)),
                }],
            });
        }
        let users_before = org.mem.users().count();
        let decision = org.ok(Command::ScimCreateUser(ProvisionedUser {
            email: mail.map(email),
            ..ProvisionedUser::new(user_name(name))
        }));
        assert_eq!(
            org.mem.users().count(),
            users_before,
            "{case}: no duplicate"
        );
        assert_eq!(decision.subject, Some(Subject::User(ann)), "{case}");
        let after = org.user(ann);
        assert!(after.is_scim_managed(), "{case}");
        assert_eq!(after.role, Role::Expert, "{case}: keeps its role (U6)");
        assert_eq!(
            after.login_method,
            LoginMethod::Salesforce,
            "{case}: keeps its login (L3)"
        );
        assert_eq!(after.email, email(existing), "{case}: keeps its email");
        assert!(
            decision.invitations.is_empty(),
            "{case}: already has an account"
        );
        assert_eq!(decision.audit[0].action, "user.linked", "{case}");
    }
}

// covers M3
#[test]
fn m3_scim_create_refuses_an_email_whose_account_is_linked_to_someone_else() {
    let mut org = scim_org();
    let ann = org.seed("ann@corp.example", LoginMethod::Password, Role::Viewer);
    org.ok(Command::ApplyMapping {
        by: org.by(),
        links: vec![MappingLink {
            user: ann,
            idp_email: Some(email("ann.new@corp.example")),
        }],
    });
    let error = org
        .run(Command::ScimCreateUser(provisioned("ann@corp.example")))
        .unwrap_err();
    assert!(matches!(error, PolicyError::EmailTaken { .. }), "{error}");
    assert_eq!(error.rule(), None);
}

#[test]
fn scim_create_uniqueness_conflicts_and_missing_email_are_refused() {
    let mut org = scim_org();
    org.provision("bob@corp.example");
    let taken = org
        .run(Command::ScimCreateUser(provisioned("BOB@corp.example")))
        .unwrap_err();
    assert!(
        matches!(taken, PolicyError::UserNameTaken { .. }),
        "{taken}"
    );
    let email_taken = org
        .run(Command::ScimCreateUser(ProvisionedUser {
            email: Some(email("bob@corp.example")),
            ..ProvisionedUser::new(user_name("robert"))
        }))
        .unwrap_err();
    assert!(
        matches!(email_taken, PolicyError::EmailTaken { .. }),
        "{email_taken}"
    );
    let no_email = org
        .run(Command::ScimCreateUser(ProvisionedUser::new(user_name(
            "just-a-name",
        ))))
        .unwrap_err();
    assert!(
        matches!(no_email, PolicyError::MissingEmail { .. }),
        "{no_email}"
    );
}

// covers U5, U1
#[test]
fn u5_scim_active_false_deactivates_and_true_reactivates_to_pending_or_active() {
    // (case, logged in before?, status after reactivation)
    let cases = [
        ("never logged in", false, UserStatus::Pending),
        ("logged in", true, UserStatus::Active),
    ];
    for (case, logged_in, back_to) in cases {
        let mut org = scim_org();
        let scim_id = org.provision("cy@corp.example");
        if logged_in {
            org.ok(Command::SamlLogin(tessera_policy::SamlLogin {
                email: email("cy@corp.example"),
                given_name: None,
                family_name: None,
            }));
        }
        let off = org.ok(Command::ScimPatchUser {
            scim_id: scim_id.clone(),
            patch: UserPatch {
                active: Some(false),
                ..UserPatch::default()
            },
        });
        let cy = org.scim_user("cy@corp.example");
        assert_eq!(cy.status, UserStatus::Deactivated, "{case}");
        assert!(revokes(&off, cy.id), "{case}");
        org.ok(Command::ScimPatchUser {
            scim_id,
            patch: UserPatch {
                active: Some(true),
                ..UserPatch::default()
            },
        });
        let cy = org.scim_user("cy@corp.example");
        assert_eq!(cy.status, back_to, "{case}");
        assert_eq!(cy.deactivated_at, None, "{case}");
    }
}

// covers U5
#[test]
fn u5_scim_delete_deactivates_and_detaches_but_keeps_the_data() {
    let mut org = scim_org();
    let scim_id = org.provision("dee@corp.example");
    let team = org.push_group("Sales", &[&scim_id]);
    let dee = org.scim_user("dee@corp.example");
    let decision = org.ok(Command::ScimDeleteUser {
        scim_id: scim_id.clone(),
    });
    assert!(revokes(&decision, dee.id));
    let after = org.user(dee.id);
    assert_eq!(after.status, UserStatus::Deactivated);
    assert!(!after.is_scim_managed());
    assert_eq!((after.scim_user_name, after.external_id), (None, None));
    assert!(org.is_member(team.id, dee.id), "memberships stay");
    // SCIM reads and writes of the old id now answer 404.
    for command in [
        Command::ScimDeleteUser {
            scim_id: scim_id.clone(),
        },
        Command::ScimReplaceUser {
            scim_id: scim_id.clone(),
            user: provisioned("dee@corp.example"),
        },
    ] {
        let error = org.run(command).unwrap_err();
        assert!(matches!(error, PolicyError::UserNotFound { .. }), "{error}");
    }
    // Provisioned again: the same account, a new SCIM id, reactivated.
    org.ok(Command::ScimCreateUser(provisioned("dee@corp.example")));
    let again = org.user(dee.id);
    assert!(again.is_scim_managed());
    assert_ne!(again.scim_id.as_deref(), Some(scim_id.as_str()));
    assert_eq!(again.status, UserStatus::Pending);
}

// covers U6, T8
#[test]
fn u6_scim_never_overwrites_a_role() {
    let mut org = scim_org();
    let scim_id = org.provision("eve@corp.example");
    let eve = org.scim_user("eve@corp.example").id;
    org.ok(Command::SetRole {
        by: org.by(),
        user: eve,
        role: Role::TeamAdmin,
    });
    let commands = [
        Command::ScimReplaceUser {
            scim_id: scim_id.clone(),
            user: ProvisionedUser {
                given_name: Some("Eve".into()),
                ..provisioned("eve@corp.example")
            },
        },
        Command::ScimPatchUser {
            scim_id: scim_id.clone(),
            patch: UserPatch {
                family_name: Some(Some("Doe".into())),
                ..UserPatch::default()
            },
        },
        Command::ScimCreateGroup(group("Admins of Okta", &[&scim_id])),
    ];
    for command in commands {
        org.ok(command);
        assert_eq!(org.user(eve).role, Role::TeamAdmin);
    }
}

#[test]
fn scim_replace_and_patch_update_attributes_and_a_repeat_changes_nothing() {
    let mut org = scim_org();
    let scim_id = org.provision("fay@corp.example");
    let put = Command::ScimReplaceUser {
        scim_id: scim_id.clone(),
        user: ProvisionedUser {
            given_name: Some("Fay".into()),
            external_id: Some("ext-fay".into()),
            ..provisioned("fay@corp.example")
        },
    };
    let first = org.ok(put.clone());
    assert_eq!(first.audit[0].action, "user.updated");
    assert!(org.ok(put).is_empty(), "an identical PUT is idempotent");
    org.ok(Command::ScimPatchUser {
        scim_id: scim_id.clone(),
        patch: UserPatch {
            given_name: Some(None),
            ..UserPatch::default()
        },
    });
    let fay = org.scim_user("fay@corp.example");
    assert_eq!(fay.given_name, None);
    assert_eq!(
        fay.external_id.as_deref(),
        Some("ext-fay"),
        "untouched by the patch"
    );
}

// covers L3
#[test]
fn l3_an_email_change_moves_an_sso_account_but_only_the_link_of_an_older_account() {
    // (case, SSO-created?, account email after the IdP's change)
    let cases = [
        ("created by SCIM", true, "gil@new.example"),
        ("existed before", false, "gil@old.example"),
    ];
    for (case, sso_created, expected) in cases {
        let mut org = scim_org();
        if !sso_created {
            org.seed("gil@old.example", LoginMethod::Password, Role::Viewer);
        }
        let first = if sso_created {
            "gil@new-first.example"
        } else {
            "gil@old.example"
        };
        org.ok(Command::ScimCreateUser(ProvisionedUser {
            email: Some(email(first)),
            ..ProvisionedUser::new(user_name("gil"))
        }));
        let scim_id = org.scim_id("gil");
        org.ok(Command::ScimPatchUser {
            scim_id,
            patch: UserPatch {
                email: Some(email("gil@new.example")),
                ..UserPatch::default()
            },
        });
        let gil = org.scim_user("gil");
        assert_eq!(gil.email, email(expected), "{case}");
        assert_eq!(gil.idp_email, Some(email("gil@new.example")), "{case}");
    }
}

#[test]
fn scim_rename_of_user_name_to_a_taken_one_is_a_conflict() {
    let mut org = scim_org();
    org.provision("hal@corp.example");
    let ida = org.provision("ida@corp.example");
    let error = org
        .run(Command::ScimPatchUser {
            scim_id: ida,
            patch: UserPatch {
                user_name: Some(user_name("HAL@corp.example")),
                ..UserPatch::default()
            },
        })
        .unwrap_err();
    assert!(
        matches!(error, PolicyError::UserNameTaken { .. }),
        "{error}"
    );
}

// covers S3
#[test]
fn s3_a_user_arriving_after_its_group_takes_its_pending_memberships() {
    // (case, member reference the group used, SCIM user)
    let cases = [
        (
            "by externalId",
            "00u-kim",
            ProvisionedUser {
                external_id: Some("00u-kim".into()),
                ..provisioned("kim@corp.example")
            },
        ),
        (
            "by userName",
            "kim@corp.example",
            provisioned("Kim@corp.example"),
        ),
    ];
    for (case, member_ref, user) in cases {
        let mut org = scim_org();
        let team = org.push_group("Field", &[member_ref]);
        assert_eq!(org.pending(team.id), vec![member_ref.to_owned()], "{case}");
        org.ok(Command::ScimCreateUser(user));
        let kim = org.user_by_email("kim@corp.example");
        assert!(org.is_member(team.id, kim.id), "{case}");
        assert!(org.pending(team.id).is_empty(), "{case}");
    }
}
