//! PATCH tests: RFC 7644 examples and real IdP payloads (see docs in
//! fixtures/scim/corpus/README.md for their sources).

use super::*;
use crate::error::ScimError;
use crate::resource::User;
use serde_json::{Value, json};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn body(operations: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations})
}

fn user() -> User {
    User::from_json(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u-1",
        "userName": "bjensen@example.com",
        "externalId": "ext-1",
        "active": true,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "x-custom": {"kept": true}
    }))
    .unwrap()
}

fn patched(operations: Value) -> Result<Value, ScimError> {
    let ops = normalise_patch(&body(operations))?;
    apply_user_patch(&user(), &ops).map(|u| u.to_json())
}

fn normalised(operations: Value) -> Vec<Value> {
    normalise_patch(&body(operations))
        .unwrap()
        .iter()
        .map(PatchOperation::to_json)
        .collect()
}

#[test]
fn normalises_every_dialect() {
    let cases: Vec<(Value, Value)> = vec![
        // Entra without aadOptscim062020: capitalised op, string boolean.
        (
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
            json!([{"op": "replace", "path": "active", "value": false}]),
        ),
        // Mixed case op.
        (
            json!([{"op": "rePlace", "path": "displayName", "value": "B"}]),
            json!([{"op": "replace", "path": "displayName", "value": "B"}]),
        ),
        // Entra with the flag: pathless, dotted and URN-prefixed keys.
        (
            json!([{"op": "replace", "value": {
                "active": "True",
                "name.givenName": "Babs",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "m-1",
                "schemas": ["ignored"]
            }}]),
            json!([
                {"op": "replace", "path": "active", "value": true},
                {"op": "replace", "path": "name.givenName", "value": "Babs"},
                {"op": "replace", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "m-1"}}
            ]),
        ),
        // Entra manager as {"value": id}; attribute names in any case.
        (
            json!([{"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "m-2"}},
                   {"op": "add", "path": "USERNAME", "value": "x"}]),
            json!([{"op": "add", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "m-2"}},
                   {"op": "add", "path": "userName", "value": "x"}]),
        ),
        // A whole extension object without path, OneLogin URN.
        (
            json!([{"op": "replace", "value": {"urn:scim:schemas:extension:enterprise:2.0": {"department": "R&D"}}}]),
            json!([{"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "R&D"}]),
        ),
        // Okta: pathless rename with id.
        (
            json!([{"op": "replace", "value": {"id": "g-1", "displayName": "Sales"}}]),
            json!([{"op": "replace", "path": "displayName", "value": "Sales"}, {"op": "replace", "path": "id", "value": "g-1"}]),
        ),
        // A single object for a multi-valued attribute; primary as a string.
        (
            json!([{"op": "add", "path": "emails", "value": {"value": "a@b.c", "primary": "True"}}]),
            json!([{"op": "add", "path": "emails", "value": [{"value": "a@b.c", "primary": true}]}]),
        ),
        // null means remove; remove carries an optional value.
        (
            json!([{"op": "replace", "path": "title", "value": null},
                   {"op": "Remove", "path": "members", "value": [{"value": "u-9"}]}]),
            json!([{"op": "remove", "path": "title"},
                   {"op": "remove", "path": "members", "value": [{"value": "u-9"}]}]),
        ),
        // Filtered path with sub-attribute.
        (
            json!([{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "w@b.c"}]),
            json!([{"op": "add", "path": "emails[type eq \"work\"].value", "value": "w@b.c"}]),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(Value::Array(normalised(input.clone())), expected, "{input}");
    }
}

#[test]
fn refuses_malformed_bodies() {
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "invalidSyntax"),
        (json!([{"path": "a"}]), "invalidSyntax"),
        (json!([{"op": "move", "path": "a"}]), "invalidSyntax"),
        (json!([{"op": "remove"}]), "noTarget"),
        (json!([{"op": "add", "value": "x"}]), "invalidValue"),
        (json!([{"op": "add", "path": "title"}]), "invalidValue"),
        (
            json!([{"op": "add", "path": "a b", "value": 1}]),
            "invalidPath",
        ),
        (
            json!([{"op": "add", "path": 3, "value": 1}]),
            "invalidSyntax",
        ),
        (json!(["add"]), "invalidSyntax"),
    ];
    for (operations, keyword) in cases {
        let error = normalise_patch(&body(operations.clone())).unwrap_err();
        assert_eq!(
            error.scim_type().map(|t| t.as_str()),
            Some(keyword),
            "{operations}: {error}"
        );
    }
    assert!(normalise_patch(&json!("x")).is_err());
    assert!(normalise_patch(&json!({"schemas": ["urn:other"], "Operations": [{"op": "add", "path": "a", "value": 1}]})).is_err());
    // Lower-case "operations" and a missing "schemas" are tolerated.
    assert!(
        normalise_patch(&json!({"operations": [{"op": "add", "path": "a", "value": 1}]})).is_ok()
    );
    let too_many: Vec<Value> = (0..=MAX_PATCH_OPERATIONS)
        .map(|_| json!({"op": "remove", "path": "title"}))
        .collect();
    assert!(matches!(
        normalise_patch(&body(Value::Array(too_many))),
        Err(ScimError::TooMany { .. })
    ));
}

#[test]
fn applies_entra_without_the_flag() {
    let result = patched(json!([
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "babs@work.example"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
        {"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": "m-1"},
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Tours"}
    ]))
    .unwrap();
    assert_eq!(result["active"], json!(false));
    assert_eq!(
        result["emails"],
        json!([{"type": "work", "value": "babs@work.example"}])
    );
    assert_eq!(
        result["name"],
        json!({"givenName": "Barbara", "familyName": "Jensen-Smith"})
    );
    assert_eq!(
        result[ENTERPRISE],
        json!({"manager": {"value": "m-1"}, "department": "Tours"})
    );
    assert_eq!(
        result["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE])
    );
    assert_eq!(result["x-custom"], json!({"kept": true}));
}

#[test]
fn applies_entra_with_the_flag() {
    let result = patched(json!([
        {"op": "replace", "value": {"active": false, "name.givenName": "Babs", "displayName": "Babs J",
                                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42"}}
    ]))
    .unwrap();
    assert_eq!(result["active"], json!(false));
    assert_eq!(result["name"]["givenName"], json!("Babs"));
    assert_eq!(result["displayName"], json!("Babs J"));
    assert_eq!(result[ENTERPRISE]["employeeNumber"], json!("42"));
}

#[test]
fn filtered_paths_update_or_create_elements() {
    let ops = normalise_patch(&body(json!([
        {"op": "add", "path": "emails", "value": [{"value": "home@x.io", "type": "home", "primary": true}]},
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "work@x.io"},
        {"op": "replace", "path": "emails[type eq \"work\"].primary", "value": "True"},
        {"op": "add", "path": "phoneNumbers[type eq \"mobile\" and primary eq false]", "value": {"value": "+1 555"}},
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "work2@x.io"}
    ])))
    .unwrap();
    let result = apply_user_patch(&user(), &ops).unwrap().to_json();
    assert_eq!(
        result["emails"],
        json!([{"value": "home@x.io", "type": "home"}, {"type": "work", "value": "work2@x.io", "primary": true}])
    );
    assert_eq!(
        result["phoneNumbers"],
        json!([{"type": "mobile", "primary": false, "value": "+1 555"}])
    );
    let error =
        patched(json!([{"op": "add", "path": "emails[value co \"x\"].type", "value": "work"}]))
            .unwrap_err();
    assert!(matches!(error, ScimError::NoTarget { .. }));
}

#[test]
fn removes_precisely() {
    let with_emails = patched(json!([
        {"op": "add", "path": "emails", "value": [{"value": "a@x.io", "type": "work"}, {"value": "b@x.io", "type": "home"}]},
        {"op": "remove", "path": "emails", "value": [{"value": "A@X.IO"}]},
    ]))
    .unwrap();
    assert_eq!(
        with_emails["emails"],
        json!([{"value": "b@x.io", "type": "home"}])
    );
    let cleared = patched(json!([
        {"op": "add", "path": "emails", "value": [{"value": "a@x.io", "type": "work"}]},
        {"op": "remove", "path": "emails[type eq \"work\"]"},
        {"op": "remove", "path": "name.givenName"},
        {"op": "remove", "path": "nickName"},
        {"op": "remove", "path": "x-custom"},
        {"op": "remove", "path": format!("{ENTERPRISE}:manager")}
    ]))
    .unwrap();
    assert!(cleared.get("emails").is_none());
    assert_eq!(cleared["name"], json!({"familyName": "Jensen"}));
    assert!(cleared.get("x-custom").is_none());
    assert!(cleared.get(ENTERPRISE).is_none());
    assert_eq!(
        cleared["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"])
    );
}

#[test]
fn read_only_attributes_are_guarded() {
    // Okta's rename object carries the current id: harmless.
    let same =
        patched(json!([{"op": "replace", "value": {"id": "u-1", "displayName": "B"}}])).unwrap();
    assert_eq!(same["id"], "u-1");
    for operations in [
        json!([{"op": "replace", "path": "id", "value": "other"}]),
        json!([{"op": "remove", "path": "id"}]),
        json!([{"op": "replace", "path": "meta.lastModified", "value": "2020-01-01T00:00:00Z"}]),
        json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
    ] {
        let error = patched(operations.clone()).unwrap_err();
        assert!(
            matches!(error, ScimError::Mutability { .. }),
            "{operations}: {error}"
        );
    }
}

#[test]
fn result_must_stay_a_valid_user() {
    let cases = [
        json!([{"op": "remove", "path": "userName"}]),
        json!([{"op": "replace", "path": "userName", "value": "  "}]),
        json!([{"op": "replace", "path": "active", "value": "maybe"}]),
        json!([{"op": "replace", "path": "emails", "value": [{"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}]}]),
        json!([{"op": "replace", "path": "emails.value", "value": "a@x"}]),
    ];
    for operations in cases {
        let error = patched(operations.clone()).unwrap_err();
        assert!(
            matches!(
                error.scim_type(),
                Some(crate::ScimType::InvalidValue | crate::ScimType::InvalidPath)
            ),
            "{operations}: {error}"
        );
    }
}

#[test]
fn rfc7644_user_examples() {
    // §3.5.2.1: add emails and nickname, pathless.
    let result = patched(json!([{"op": "add", "value": {
        "emails": [{"value": "babs@jensen.org", "type": "home"}],
        "nickName": "Babs"
    }}]))
    .unwrap();
    assert_eq!(
        result["emails"],
        json!([{"value": "babs@jensen.org", "type": "home"}])
    );
    assert_eq!(result["nickName"], "Babs");
    // §3.5.2.3: replace a work address via filter.
    let result = patched(json!([
        {"op": "add", "path": "addresses", "value": [{"type": "work", "streetAddress": "old"}]},
        {"op": "replace", "path": "addresses[type eq \"work\"]", "value": {
            "type": "work", "streetAddress": "911 Universal City Plaza", "locality": "Hollywood", "primary": true}}
    ]))
    .unwrap();
    assert_eq!(
        result["addresses"],
        json!([{"type": "work", "streetAddress": "911 Universal City Plaza", "locality": "Hollywood", "primary": true}])
    );
}

fn deltas(operations: Value) -> Result<Vec<GroupDelta>, ScimError> {
    group_deltas(&normalise_patch(&body(operations))?, "g-1")
}

#[test]
fn group_deltas_for_every_dialect() {
    use GroupDelta::*;
    let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cases: Vec<(Value, Vec<GroupDelta>)> = vec![
        // Entra without the flag: remove only those listed.
        (
            json!([{"op": "Remove", "path": "members", "value": [{"value": "u1"}, {"value": "u2"}]}]),
            vec![RemoveMembers(ids(&["u1", "u2"]))],
        ),
        // Entra with the flag, and Okta: remove by filter.
        (
            json!([{"op": "remove", "path": "members[value eq \"u1\"]"}]),
            vec![RemoveMembers(ids(&["u1"]))],
        ),
        // Okta: rename object with id, then membership mix.
        (
            json!([
                {"op": "replace", "value": {"id": "g-1", "displayName": "Sales EMEA"}},
                {"op": "remove", "path": "members[value eq \"u1\"]"},
                {"op": "remove", "path": "members[value eq \"u2\"]"},
                {"op": "add", "path": "members", "value": [{"value": "u3", "display": "C"}, {"value": "u4"}]}
            ]),
            vec![
                SetDisplayName("Sales EMEA".into()),
                RemoveMembers(ids(&["u1", "u2"])),
                AddMembers(ids(&["u3", "u4"])),
            ],
        ),
        // Okta full replace of members.
        (
            json!([{"op": "replace", "path": "members", "value": [{"value": "u5"}]}]),
            vec![ReplaceMembers(ids(&["u5"]))],
        ),
        // JumpCloud: pathless rename; add members.
        (
            json!([{"op": "replace", "value": {"displayName": "Eng"}}]),
            vec![SetDisplayName("Eng".into())],
        ),
        (
            json!([{"op": "add", "path": "members", "value": [{"value": "u6"}]}, {"op": "Add", "path": "members", "value": [{"value": "u7"}, {"value": "u6"}]}]),
            vec![AddMembers(ids(&["u6", "u7"]))],
        ),
        // Entra: several members per request, capitalised.
        (
            json!([{"op": "Add", "path": "members", "value": [{"value": "a"}, {"value": "b"}]}]),
            vec![AddMembers(ids(&["a", "b"]))],
        ),
        // RFC 7644 §3.5.2.2: remove all members; or-ed filter.
        (
            json!([{"op": "remove", "path": "members"}]),
            vec![RemoveAllMembers],
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"a\" or value eq \"b\"]"}]),
            vec![RemoveMembers(ids(&["a", "b"]))],
        ),
        // An empty value list removes nobody.
        (
            json!([{"op": "remove", "path": "members", "value": []}]),
            vec![RemoveMembers(vec![])],
        ),
        (
            json!([{"op": "replace", "path": "externalId", "value": "e-1"}, {"op": "remove", "path": "externalId"}]),
            vec![SetExternalId(Some("e-1".into())), SetExternalId(None)],
        ),
        (
            json!([{"op": "replace", "value": {"displayName": "X", "members": [{"value": "m"}]}}]),
            vec![SetDisplayName("X".into()), ReplaceMembers(ids(&["m"]))],
        ),
    ];
    for (operations, expected) in cases {
        assert_eq!(
            deltas(operations.clone()).unwrap(),
            expected,
            "{operations}"
        );
    }
}

#[test]
fn group_deltas_refuse_what_they_cannot_do() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!([{"op": "replace", "value": {"id": "other"}}]),
            "mutability",
        ),
        (
            json!([{"op": "replace", "path": "meta.version", "value": "x"}]),
            "mutability",
        ),
        (
            json!([{"op": "replace", "path": "displayName", "value": ""}]),
            "invalidValue",
        ),
        (
            json!([{"op": "remove", "path": "displayName"}]),
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": "externalId", "value": 3}]),
            "invalidValue",
        ),
        (
            json!([{"op": "add", "path": "members", "value": [{"display": "no id"}]}]),
            "invalidValue",
        ),
        (
            json!([{"op": "remove", "path": "members[display eq \"x\"]"}]),
            "invalidPath",
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"x\"].display"}]),
            "invalidPath",
        ),
        (
            json!([{"op": "add", "path": "members[value eq \"x\"]", "value": {"value": "x"}}]),
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": "description", "value": "x"}]),
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "x"}]),
            "invalidPath",
        ),
    ];
    for (operations, keyword) in cases {
        let error = deltas(operations.clone()).unwrap_err();
        assert_eq!(
            error.scim_type().map(|t| t.as_str()),
            Some(keyword),
            "{operations}: {error}"
        );
    }
}

#[test]
fn a_path_naming_the_whole_enterprise_extension_sets_or_removes_it() {
    let ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    for op in ["add", "replace"] {
        let user =
            patched(json!([{"op": op, "path": ext, "value": {"costCenter": "42"}}])).unwrap();
        assert_eq!(user[ext]["costCenter"], "42", "{op}: {user}");
        assert!(
            user.get("urn:ietf:params:scim:schemas:extension:enterprise:2.0")
                .is_none()
        );
    }
    let user = patched(json!([
        {"op": "add", "path": format!("{ext}:department"), "value": "Sales"},
        {"op": "remove", "path": ext}
    ]))
    .unwrap();
    assert!(user.get(ext).is_none(), "{user}");
    assert!(
        patched(json!([{"op": "remove", "path": "urn:ietf:params:scim:schemas:core:2.0:User"}]))
            .is_err()
    );
}

#[test]
fn a_whole_extension_set_to_null_without_a_path_is_the_same_remove_as_with_one() {
    let ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let pathless = normalise_patch(&json!({"Operations": [{"op": "add", "value": {ext: null}}]}));
    let with_path = normalise_patch(&json!({"Operations": [{"op": "remove", "path": ext}]}));
    assert_eq!(pathless, with_path);
    let again = json!({"Operations": pathless.as_ref().unwrap().iter().map(PatchOperation::to_json).collect::<Vec<_>>()});
    assert_eq!(normalise_patch(&again), with_path, "idempotent");
    assert!(normalise_patch(&json!({"Operations": [{"op": "add", "value": {ext: "x"}}]})).is_err());
}
