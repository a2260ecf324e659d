//! The steps of Okta's SCIM 2.0 SPEC test (runscope), as listed in the IdP dialect notes.
// covers C3, U2, S2

use crate::scim_support::{ScimServer, user};
use serde_json::Value;
use std::time::{Duration, Instant};
use tessera_store::testing::TestDatabase;

#[test]
fn okta_spec_test_steps() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let created = scim.post("/Users", &user("okta.spec@example.com"));
        assert_eq!(
            created.status, 201,
            "POST echoes the user: {}",
            created.body
        );
        assert_eq!(created.body["userName"], "okta.spec@example.com");
        let id = created.body["id"].as_str().unwrap().to_owned();

        let first = scim.get("/Users?count=1&startIndex=1");
        assert_eq!(first.status, 200);
        let listed = &first.body["Resources"][0];
        for attribute in ["id", "name", "userName", "active", "emails"] {
            assert!(listed.get(attribute).is_some(), "{attribute} in {listed}");
        }
        assert_eq!(first.body["itemsPerPage"], 1);

        let by_id = scim.get(&format!("/Users/{id}"));
        assert_eq!(by_id.status, 200);
        assert_eq!(by_id.body["id"], Value::String(id.clone()));

        let unknown = scim.get("/Users?filter=userName+eq+%22nobody-3f9a%40example.com%22");
        assert_eq!(unknown.status, 200);
        assert_eq!(unknown.body["totalResults"], 0);

        let missing = scim.get("/Users/010101010101010101");
        assert_eq!(missing.status, 404);
        assert!(
            missing.body["detail"]
                .as_str()
                .unwrap()
                .contains("010101010101010101")
        );

        let again = scim.post("/Users", &user("okta.spec@example.com"));
        assert_eq!(again.status, 409);
        assert_eq!(again.body["scimType"], "uniqueness");

        let upper = scim.get("/Users?filter=userName+eq+%22OKTA.SPEC%40EXAMPLE.COM%22");
        assert_eq!(upper.status, 200);
        assert_eq!(upper.body["totalResults"], 1);

        let started = Instant::now();
        let groups = scim.get("/Groups");
        assert_eq!(groups.status, 200);
        assert!(started.elapsed() < Duration::from_secs(5));

        let mut wrong = scim.clone();
        wrong.token = "tsr_scim_not-the-token".into();
        let refused = wrong.get("/Users");
        assert_eq!(refused.status, 401);
        assert_eq!(refused.body["status"], "401");
        assert!(!refused.body["detail"].as_str().unwrap().is_empty());
    }
}
