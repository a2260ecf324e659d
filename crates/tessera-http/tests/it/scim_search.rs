//! `POST /Users/.search` and `/Groups/.search` (RFC 7644 §3.4.3); `POST /.search`
//! across resource types is 501.

use crate::scim_support::{ScimServer, user};
use serde_json::json;
use tessera_store::testing::TestDatabase;

#[test]
fn search_requests_list_like_get_and_project_attributes() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        for name in ["s1@example.com", "s2@example.com"] {
            assert_eq!(scim.post("/Users", &user(name)).status, 201);
        }
        scim.post("/Groups", &json!({"displayName": "Searchers"}));
        let found = scim.post(
            "/Users/.search",
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": "userName eq \"S2@example.com\"", "attributes": ["userName"]}),
        );
        assert_eq!(found.status, 200, "{}", found.body);
        assert_eq!(found.body["totalResults"], 1);
        let listed = &found.body["Resources"][0];
        assert_eq!(listed["userName"], "s2@example.com");
        assert!(listed.get("emails").is_none(), "{listed}");

        let paged = scim.post("/Users/.search", &json!({"startIndex": 2, "count": 1}));
        assert_eq!(paged.body["totalResults"], 2);
        assert_eq!(paged.body["itemsPerPage"], 1);

        let groups = scim.post(
            "/Groups/.search",
            &json!({"filter": "displayName eq \"Searchers\"", "excludedAttributes": "members"}),
        );
        assert_eq!(groups.body["totalResults"], 1, "{}", groups.body);

        let bad = scim.post("/Users/.search", &json!({"filter": "userName zz \"x\""}));
        assert_eq!(bad.status, 400);
        assert_eq!(bad.body["scimType"], "invalidFilter");
        let all = scim.post("/.search", &json!({}));
        assert_eq!(all.status, 501);
        assert_eq!(all.body["status"], "501");
        assert_eq!(scim.get("/Users/.search").status, 405);
    }
}
