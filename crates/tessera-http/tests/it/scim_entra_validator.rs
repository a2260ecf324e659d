//! The checks of Microsoft's SCIM validator for Entra ID, as listed in the IdP dialect
//! notes: users and groups created, found by filter, patched, disabled, deleted.
// covers U5, T3, T7, S3

use crate::scim_support::{ScimServer, patch_op};
use serde_json::json;
use tessera_store::testing::TestDatabase;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

#[test]
fn entra_validator_user_checks() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": "dale.mohr@romaguera.uk", "externalId": "9950b140",
            "active": true, "displayName": "XKWLCONOGMVT",
            "emails": [{"type": "work", "value": "dale.mohr@prohaska.biz"}],
            "name": {"formatted": "Aric", "familyName": "Nia", "givenName": "Sandy"},
            ENTERPRISE: {"department": "QA", "employeeNumber": "17"}
        });
        let created = scim.post("/Users", &body);
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_str().unwrap().to_owned();
        assert_eq!(scim.post("/Users", &body).status, 409);

        let by_name = scim.get("/Users?filter=userName+eq+\"dale.mohr%40romaguera.uk\"");
        assert_eq!(by_name.body["totalResults"], 1);
        let by_external = scim.get("/Users?filter=externalId+eq+%229950b140%22");
        assert_eq!(by_external.body["Resources"][0]["id"], json!(id));

        let patched = scim.patch(
            &format!("/Users/{id}"),
            &patch_op(json!([
                {"op": "replace", "path": "userName", "value": "dale.renamed@romaguera.uk"},
                {"op": "replace", "path": "displayName", "value": "Dale R"},
                {"op": "replace", "path": "name.familyName", "value": "Mohr"},
                {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "dale@prohaska.biz"},
                {"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "Ops"}
            ])),
        );
        assert_eq!(patched.status, 200, "{}", patched.body);
        assert_eq!(patched.body["userName"], "dale.renamed@romaguera.uk");
        assert_eq!(patched.body["name"]["familyName"], "Mohr");
        assert_eq!(patched.body[ENTERPRISE]["department"], "Ops");

        let disabled = scim.patch(
            &format!("/Users/{id}"),
            &patch_op(json!([{"op": "Replace", "path": "active", "value": "False"}])),
        );
        assert_eq!(disabled.body["active"], false);
        let filtered = scim.get("/Users?filter=userName+eq+%22dale.renamed%40romaguera.uk%22");
        assert_eq!(filtered.body["Resources"][0]["active"], false);

        assert_eq!(scim.delete(&format!("/Users/{id}")).status, 204);
        assert_eq!(scim.get(&format!("/Users/{id}")).status, 404);
        let after = scim.get("/Users?filter=userName+eq+%22dale.renamed%40romaguera.uk%22");
        assert_eq!(after.body["totalResults"], 0);
    }
}

#[test]
fn entra_validator_group_checks() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let member = scim.post("/Users", &crate::scim_support::user("member@contoso.com"));
        let member_id = member.body["id"].as_str().unwrap().to_owned();
        let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                           "displayName": "Validator Group", "externalId": "vg-1"});
        let created = scim.post("/Groups", &group);
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_str().unwrap().to_owned();
        assert_eq!(scim.post("/Groups", &group).status, 409);

        let found = scim
            .get("/Groups?excludedAttributes=members&filter=displayName+eq+%22Validator+Group%22");
        assert_eq!(found.body["totalResults"], 1);
        assert!(found.body["Resources"][0].get("members").is_none());
        let by_external = scim.get("/Groups?filter=externalId+eq+%22vg-1%22");
        assert_eq!(by_external.body["totalResults"], 1);

        let add = patch_op(json!([{"op": "add", "path": "members",
                                    "value": [{"value": member_id}, {"value": "not-yet-pushed"}]}]));
        assert_eq!(scim.patch(&format!("/Groups/{id}"), &add).status, 200);
        let check = format!(
            "/Groups?filter=id+eq+%22{id}%22+and+members[value+eq+%22{member_id}%22]&excludedAttributes=members"
        );
        assert_eq!(scim.get(&check).body["totalResults"], 1);

        let remove = patch_op(
            json!([{"op": "remove", "path": format!("members[value eq \"{member_id}\"]")}]),
        );
        assert_eq!(scim.patch(&format!("/Groups/{id}"), &remove).status, 200);
        assert_eq!(scim.get(&check).body["totalResults"], 0);

        let rename =
            patch_op(json!([{"op": "replace", "path": "displayName", "value": "Renamed Group"}]));
        assert_eq!(scim.patch(&format!("/Groups/{id}"), &rename).status, 200);
        assert_eq!(
            scim.get(&format!("/Groups/{id}")).body["displayName"],
            "Renamed Group"
        );

        assert_eq!(scim.delete(&format!("/Groups/{id}")).status, 204);
        assert_eq!(scim.get(&format!("/Groups/{id}")).status, 404);
        let teams = server.store().teams(server.org_id).unwrap();
        let detached = teams.iter().find(|t| t.name == "Renamed Group").unwrap();
        assert_eq!(serde_json::to_value(detached.kind).unwrap(), "local");
    }
}
