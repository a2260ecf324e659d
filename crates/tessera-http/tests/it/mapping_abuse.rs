//! `POST /api/v1/orgs/{ws}/mapping-sheet` with a hostile sheet (issue #9, item 1): one
//! cell at XFD1048576 used to make the reader allocate the whole sheet and abort the
//! server. Now it answers 422 with the problem by row, the server stays up, and
//! nothing is applied. On SQLite and PostgreSQL.

use crate::api::org_with_admin;
use crate::connect::multipart;
use crate::support::{TestServer, client, t0};
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use tessera_core::WorkspaceName;
use tessera_store::Actor;
use tessera_store::testing::TestDatabase;

/// A Users sheet with its header and one value in the last cell of the grid.
fn far_cell_sheet() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(tessera_mapping::USERS_SHEET).unwrap();
    for (col, title) in tessera_mapping::HEADERS.iter().enumerate() {
        sheet.write_string(0, col as u16, *title).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    workbook.save_to_buffer().unwrap()
}

// covers M2
#[test]
fn m2_a_far_cell_sheet_is_refused_with_its_row_the_server_stays_up_and_nothing_is_applied() {
    for db in TestDatabase::all() {
        let server = TestServer::start_with(&db, |c| c.demo_org = false);
        let store = &server.store;
        let (org, token) = org_with_admin(store, "acme");
        store
            .set_sso_enabled(
                &WorkspaceName::parse("acme").unwrap(),
                true,
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        let http = client();
        let api = |path: &str| server.url(&format!("/api/v1/orgs/acme{path}"));
        let moved = http
            .put(api("/connection/mode"))
            .bearer_auth(&token)
            .json(&json!({"mode": "jit"}))
            .send()
            .unwrap();
        assert_eq!(moved.status(), 200);
        let downloaded = http
            .get(api("/mapping-sheet"))
            .bearer_auth(&token)
            .send()
            .unwrap();
        assert_eq!(downloaded.status(), 200);

        let (content_type, body) = multipart("user-mapping-acme.xlsx", &far_cell_sheet());
        let response = http
            .post(api("/mapping-sheet"))
            .bearer_auth(&token)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .unwrap();
        assert_eq!(response.status(), 422);
        let body: Value = response.json().unwrap();
        assert_eq!(body["error"]["rule"], "M2", "{body}");
        let problem = &body["problems"][0];
        assert_eq!(problem["row"], 1_048_576, "{body}");
        assert!(
            problem["message"]
                .as_str()
                .unwrap()
                .contains("at most 1002 rows are read"),
            "{body}"
        );

        let health = http.get(server.url("/healthz")).send().unwrap();
        assert_eq!(health.status(), 200);
        let shown: Value = http
            .get(api("/connection"))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(shown["step"], "mapping_downloaded");
        let audit = store.audit(org, &Default::default()).unwrap();
        assert!(!audit.iter().any(|e| e.action == "mapping.uploaded"));
    }
}
