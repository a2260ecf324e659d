//! Resource tests with the create/replace payloads IdPs really send.

use super::*;
use crate::error::ScimError;
use serde_json::json;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

#[test]
fn entra_create_user_with_nulls_and_string_booleans() {
    let user = User::from_json(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
        "active": "True",
        "displayName": null,
        "emails": [{"primary": true, "type": "work", "value": "Test_User@contoso.com"}],
        "phoneNumbers": null,
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "roles": [],
        ENTERPRISE: {"employeeNumber": "1", "manager": "m-1"}
    }))
    .unwrap();
    assert_eq!(user.active, Some(true));
    assert_eq!(
        user.user_name.normalized(),
        "test_user_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com"
    );
    assert_eq!(user.primary_email(), Some("Test_User@contoso.com"));
    assert!(user.phone_numbers.is_empty());
    let enterprise = user.enterprise.as_ref().unwrap();
    assert_eq!(
        enterprise.manager.as_ref().unwrap().value.as_deref(),
        Some("m-1")
    );
    assert_eq!(user.extra.get("roles"), Some(&json!([])));
}

#[test]
fn okta_create_user_drops_password_and_groups() {
    let user = User::from_json(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "isaac.brock@example.com",
        "name": {"givenName": "Isaac", "familyName": "Brock"},
        "emails": [{"primary": true, "value": "isaac.brock@example.com", "type": "work"}],
        "displayName": "Isaac Brock",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": true
    }))
    .unwrap();
    let json = user.to_json();
    assert!(json.get("password").is_none() && json.get("groups").is_none());
    assert_eq!(json["locale"], "en-US");
    assert_eq!(json["externalId"], "00ujl29u0le5T6Aj10h7");
}

#[test]
fn onelogin_put_with_non_standard_urns() {
    let user = User::from_json(json!({
        "schemas": ["urn:scim:schemas:core:2.0", "urn:scim:schemas:extension:enterprise:2.0"],
        "userName": "kim@example.com",
        "Name": {"GivenName": "Kim"},
        "urn:scim:schemas:extension:enterprise:2.0": {"department": "Ops"}
    }))
    .unwrap();
    assert_eq!(user.schemas, [crate::urn::USER, ENTERPRISE]);
    assert_eq!(
        user.name.as_ref().unwrap().given_name.as_deref(),
        Some("Kim")
    );
    assert_eq!(
        user.enterprise.as_ref().unwrap().department.as_deref(),
        Some("Ops")
    );
}

#[test]
fn unknown_attributes_and_extensions_survive_a_round_trip() {
    let input = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:acme:scim:1.0:User"],
        "id": "u-1",
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "nickname2": "B"},
        "emails": [{"value": "b@x.io", "type": "work", "primary": true, "verified": true}],
        "addresses": [{"type": "work", "streetAddress": "1 Main St", "country": "US"}],
        "urn:acme:scim:1.0:User": {"badge": 7, "floors": [1, 2]},
        "favouriteColour": "teal",
        ENTERPRISE: {"costCenter": "4130", "manager": {"value": "m", "displayName": "Boss"}, "level": 3}
    });
    let user = User::from_json(input.clone()).unwrap();
    let mut expected = input;
    expected["schemas"] = json!([
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:acme:scim:1.0:User",
        ENTERPRISE
    ]);
    assert_eq!(user.to_json(), expected);
    assert_eq!(User::from_json(user.to_json()).unwrap(), user);
}

#[test]
fn invalid_users_are_refused() {
    for input in [
        json!({"schemas": [], "name": {}}),
        json!({"userName": "   "}),
        json!({"userName": 42}),
        json!({"userName": "x", "active": "sometimes"}),
        json!({"userName": "x", "emails": [{"value": "a", "primary": true}, {"value": "b", "primary": "True"}]}),
    ] {
        let error = User::from_json(input.clone()).unwrap_err();
        assert_eq!(
            error.scim_type(),
            Some(crate::ScimType::InvalidValue),
            "{input}: {error}"
        );
    }
    assert!(matches!(
        User::from_json(json!([])),
        Err(ScimError::InvalidSyntax { .. })
    ));
}

#[test]
fn groups_from_okta_entra_and_put_with_members() {
    let okta = Group::from_json(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2", "members": []})).unwrap();
    assert_eq!(okta.display_name, "Test SCIMv2");
    assert!(okta.members.is_empty());
    let entra = Group::from_json(json!({"externalId": "8aa1a0c0", "displayName": " Group1DisplayName ", "members": null, "meta": {"resourceType": "Group"}})).unwrap();
    assert_eq!(
        (entra.display_name.as_str(), entra.external_id.as_deref()),
        ("Group1DisplayName", Some("8aa1a0c0"))
    );
    assert_eq!(entra.schemas, [crate::urn::GROUP]);
    let put = Group::from_json(json!({"displayName": "Eng", "members": [{"value": "u1", "display": "A", "$ref": "https://x/Users/u1", "type": "User"}], "owner": "kim"})).unwrap();
    assert_eq!(
        put.members[0].reference.as_deref(),
        Some("https://x/Users/u1")
    );
    assert_eq!(put.to_json()["owner"], "kim");
    assert_eq!(Group::from_json(put.to_json()).unwrap(), put);
    for bad in [
        json!({"displayName": ""}),
        json!({"members": []}),
        json!({"displayName": "x", "members": [{"value": " "}]}),
    ] {
        assert_eq!(
            Group::from_json(bad).unwrap_err().scim_type(),
            Some(crate::ScimType::InvalidValue)
        );
    }
    assert!(Group::from_json(json!("x")).is_err());
}

#[test]
fn list_response_envelope() {
    let page = ListResponse::new(vec![json!({"id": "1"})], 5, 0);
    assert_eq!(
        serde_json::to_value(page).unwrap(),
        json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 5, "startIndex": 1, "itemsPerPage": 1, "Resources": [{"id": "1"}]
        })
    );
}

#[test]
fn our_users_satisfy_scim_v2_response_validation() {
    use scim_v2::{Context, Valid};
    let mut user = User::from_json(
        json!({"userName": "bjensen", "emails": [{"value": "b@x.io", "primary": true}]}),
    )
    .unwrap();
    user.id = Some("u-1".into());
    let theirs: scim_v2::models::user::User = serde_json::from_value(user.to_json()).unwrap();
    assert!(Valid::new(theirs, Context::Response).is_ok());
}
