//! The Connect walkthrough and the mapping sheet through the admin API, on SQLite and
//! PostgreSQL: each step's refusal (changing nothing) and resume, W2/W3, C3 rotation,
//! C4 and C5.

use crate::support::{TestServer, client, new_user, t0};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::{Value, json};
use tessera_core::{Email, OrgId, OrgKind, Role, WorkspaceName};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, Store};

const OKTA: &str = include_str!("../../../../fixtures/saml/idp-metadata/okta.xml");
const ENTRA: &str = include_str!("../../../../fixtures/saml/idp-metadata/entra.xml");
const IDP_CERT: &str = include_str!("../../../../fixtures/saml/keys/idp.crt");

struct Org {
    id: OrgId,
    token: String,
    name: String,
}

struct Connect {
    server: TestServer,
    http: Client,
}

impl Connect {
    fn start(db: &TestDatabase) -> Self {
        Self {
            server: TestServer::start_with(db, |c| {
                c.demo_org = false;
                c.public_url = "https://tessera.example".into();
            }),
            http: client(),
        }
    }

    fn store(&self) -> &Store {
        &self.server.store
    }

    /// An org with an account admin and two more users; `enabled` switches W3 on.
    fn org(&self, name: &str, kind: OrgKind, enabled: bool) -> Org {
        let ws = WorkspaceName::parse(name).unwrap();
        let store = self.store();
        let org = store
            .create_org(&ws, kind, &Actor::operator(), t0())
            .unwrap();
        let admin = format!("admin@{name}.example");
        store
            .create_user(
                org.id,
                &new_user(&admin, Role::AccountAdmin),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        for other in ["jane", "joe"] {
            let email = format!("{other}@{name}.example");
            store
                .create_user(
                    org.id,
                    &new_user(&email, Role::Viewer),
                    &Actor::operator(),
                    t0(),
                )
                .unwrap();
        }
        if enabled {
            store
                .set_sso_enabled(&ws, true, &Actor::operator(), t0())
                .unwrap();
        }
        let token = store
            .issue_admin_token(
                org.id,
                &Email::parse(&admin).unwrap(),
                &Actor::operator(),
                t0(),
            )
            .unwrap();
        Org {
            id: org.id,
            token,
            name: name.into(),
        }
    }

    fn req(&self, org: &Org, method: reqwest::Method, path: &str) -> RequestBuilder {
        let url = self.server.url(&format!("/api/v1/orgs/{}{path}", org.name));
        self.http.request(method, url).bearer_auth(&org.token)
    }

    fn get(&self, org: &Org, path: &str) -> Response {
        self.req(org, reqwest::Method::GET, path).send().unwrap()
    }

    fn post(&self, org: &Org, path: &str) -> Response {
        self.req(org, reqwest::Method::POST, path).send().unwrap()
    }

    fn put(&self, org: &Org, path: &str, body: Value) -> Response {
        self.req(org, reqwest::Method::PUT, path)
            .json(&body)
            .send()
            .unwrap()
    }

    fn upload(&self, org: &Org, name: &str, bytes: Vec<u8>, query: &str) -> Response {
        let (content_type, body) = multipart(name, &bytes);
        self.req(
            org,
            reqwest::Method::POST,
            &format!("/mapping-sheet{query}"),
        )
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .unwrap()
    }

    fn step(&self, org: &Org) -> Value {
        let shown: Value = self.get(org, "/connection").json().unwrap();
        shown["step"].clone()
    }

    fn download(&self, org: &Org) -> Vec<u8> {
        let response = self.get(org, "/mapping-sheet");
        assert_eq!(response.status(), 200);
        response.bytes().unwrap().to_vec()
    }
}

/// A browser-style multipart/form-data body with one file field.
pub fn multipart(file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----tessera-test-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Asserts a refusal: status, rule, and a message mentioning `says`.
fn refused(response: Response, status: u16, rule: &str, says: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().unwrap();
    assert_eq!(body["error"]["rule"], rule, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
    body
}

/// The downloaded sheet with column C replaced, written by another xlsx writer.
fn with_column_c(downloaded: &[u8], rows: &[(String, String)], c: &[&str]) -> Vec<u8> {
    let export_id = tessera_mapping::export_id_of(downloaded).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_custom_property(tessera_mapping::EXPORT_ID_PROPERTY, export_id.as_str()),
    );
    let sheet = book.add_worksheet();
    sheet.set_name(tessera_mapping::USERS_SHEET).unwrap();
    for (col, title) in tessera_mapping::HEADERS.iter().enumerate() {
        sheet.write_string(0, col as u16, *title).unwrap();
    }
    for (i, ((id, email), idp)) in rows.iter().zip(c).enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, id).unwrap();
        sheet.write_string(r, 1, email).unwrap();
        sheet.write_string(r, 2, *idp).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// The org's users in sheet order (by email): (id, email).
fn sheet_rows(store: &Store, org: OrgId) -> Vec<(String, String)> {
    let mut users = store.users(org, &Default::default()).unwrap();
    users.sort_by(|a, b| a.email.normalized().cmp(b.email.normalized()));
    users
        .into_iter()
        .map(|u| (u.id.to_string(), u.email.to_string()))
        .collect()
}

// covers W2, W3
#[test]
fn w2_w3_sandbox_and_disabled_orgs_cannot_start_and_nothing_changes() {
    for db in TestDatabase::all() {
        let c = Connect::start(&db);
        let off = c.org("off", OrgKind::Production, false);
        let sandbox = c.org("sandbox", OrgKind::Sandbox, true);
        refused(
            c.put(&off, "/connection/mode", json!({"mode": "scim"})),
            403,
            "W3",
            "operator",
        );
        refused(c.get(&off, "/mapping-sheet"), 403, "W3", "operator");
        refused(
            c.put(&sandbox, "/connection/mode", json!({"mode": "jit"})),
            409,
            "W2",
            "production",
        );
        for org in [&off, &sandbox] {
            let shown: Value = c.get(org, "/connection").json().unwrap();
            assert_eq!(shown["step"], "not_started");
            assert_eq!(shown["next"], Value::Null);
            assert_eq!(shown["mode"], Value::Null);
        }
    }
}

// covers C2
#[test]
fn c2_steps_out_of_order_are_refused_and_change_nothing() {
    for db in TestDatabase::all() {
        let c = Connect::start(&db);
        let org = c.org("acme", OrgKind::Production, true);
        refused(c.get(&org, "/mapping-sheet"), 409, "C2", "start");
        let shown: Value = c
            .put(&org, "/connection/mode", json!({"mode": "scim"}))
            .json()
            .unwrap();
        assert_eq!(shown["step"], "enabled");
        assert_eq!(shown["next"], "download_mapping");
        assert_eq!(
            shown["sp"]["acs_url"],
            "https://tessera.example/saml/acme/acs"
        );
        assert_eq!(
            shown["sp"]["entity_id"],
            "https://tessera.example/saml/acme/metadata"
        );
        assert_eq!(
            shown["sp"]["scim_tenant_url"],
            "https://tessera.example/scim/v2/acme"
        );
        refused(
            c.upload(&org, "user-mapping-acme.xlsx", b"x".to_vec(), ""),
            409,
            "C2",
            "download",
        );
        refused(
            c.put(&org, "/connection/idp", json!({"metadata_xml": OKTA})),
            409,
            "C2",
            "mapping sheet",
        );
        refused(
            c.post(&org, "/connection/scim-token"),
            409,
            "C2",
            "IdP details",
        );
        refused(
            c.post(&org, "/connection/complete"),
            409,
            "C2",
            "IdP details",
        );
        assert_eq!(c.step(&org), "enabled");
        let audit = c.store().audit(org.id, &Default::default()).unwrap();
        assert!(
            !audit
                .iter()
                .any(|e| e.action.starts_with("mapping.") || e.action == "connection.idp_set")
        );
    }
}

// covers M1, M2, M3, C2, C3, C4, C5, U8
#[test]
fn the_whole_scim_walkthrough_resumes_refuses_bad_sheets_and_goes_live() {
    for db in TestDatabase::all() {
        let c = Connect::start(&db);
        let org = c.org("acme", OrgKind::Production, true);
        c.put(&org, "/connection/mode", json!({"mode": "scim"}));

        // M1: the download, named for the org.
        let response = c.get(&org, "/mapping-sheet");
        assert_eq!(
            response.headers()[CONTENT_DISPOSITION],
            "attachment; filename=\"user-mapping-acme.xlsx\""
        );
        assert!(
            response.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let sheet = response.bytes().unwrap().to_vec();
        // C2: coming back later resumes at the upload.
        assert_eq!(c.step(&org), "mapping_downloaded");

        // M2: a renamed file and a broken sheet are refused with every problem.
        let body = refused(
            c.upload(&org, "mapping.xlsx", sheet.clone(), ""),
            422,
            "M2",
            "nothing was applied",
        );
        assert!(
            body["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("renaming")
        );
        let rows = sheet_rows(c.store(), org.id);
        let broken = with_column_c(
            &sheet,
            &rows,
            &["admin@corp.example", "not an email", "ADMIN@corp.example"],
        );
        let body = refused(
            c.upload(&org, "user-mapping-acme.xlsx", broken, ""),
            422,
            "M2",
            "problem",
        );
        let problems = body["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            (problems[0]["row"].as_u64(), problems[0]["column"].as_str()),
            (Some(3), Some("C"))
        );
        assert_eq!(
            (problems[1]["row"].as_u64(), problems[1]["column"].as_str()),
            (Some(4), Some("C"))
        );
        assert!(problems[1]["message"].as_str().unwrap().contains("row 2"));
        refused(
            c.upload(&org, "user-mapping-acme.xlsx", b"a,b,c\n".to_vec(), ""),
            422,
            "M2",
            "problem",
        );
        assert_eq!(c.step(&org), "mapping_downloaded");
        assert!(
            c.store()
                .users(org.id, &Default::default())
                .unwrap()
                .iter()
                .all(|u| !u.idp_connected)
        );

        // M3: a dry run shows the links; the real upload applies them.
        let good = with_column_c(
            &sheet,
            &rows,
            &["boss@corp.example", "jane@corp.example", ""],
        );
        let dry: Value = c
            .upload(
                &org,
                "user-mapping-acme.xlsx",
                good.clone(),
                "?dry_run=true",
            )
            .json()
            .unwrap();
        assert_eq!(dry["applied"], false);
        assert_eq!(dry["rows"][1]["idp_email"], "jane@corp.example");
        assert_eq!(c.step(&org), "mapping_downloaded");
        let applied: Value = c
            .upload(&org, "user-mapping-acme.xlsx", good, "")
            .json()
            .unwrap();
        assert_eq!(applied["applied"], true);
        assert_eq!(c.step(&org), "mapping_uploaded");
        let users = c.store().users(org.id, &Default::default()).unwrap();
        assert_eq!(
            users.iter().filter(|u| u.idp_connected).count(),
            2,
            "U8: marked"
        );
        assert_eq!(c.store().latest_mapping_links(org.id).unwrap().len(), 3);

        // IdP details: validated; a bad certificate or URL changes nothing.
        let bad_url = json!({"entity_id": "urn:x", "sso_url": "http://idp.example/sso", "certificate": IDP_CERT});
        let response = c.put(&org, "/connection/idp", bad_url);
        assert_eq!(response.status(), 400);
        assert!(
            response
                .text()
                .unwrap()
                .contains("must start with https://")
        );
        let bad_cert = json!({"entity_id": "urn:x", "sso_url": "https://idp.example/sso", "certificate": "MIIB"});
        assert_eq!(c.put(&org, "/connection/idp", bad_cert).status(), 400);
        assert_eq!(c.step(&org), "mapping_uploaded");
        let shown: Value = c
            .put(&org, "/connection/idp", json!({"metadata_xml": OKTA}))
            .json()
            .unwrap();
        assert_eq!(shown["step"], "idp_details");
        assert_eq!(shown["next"], "scim_credentials");
        assert_eq!(
            shown["idp"]["entity_id"],
            "http://www.okta.com/exk1fcia6d6EMsf331d8"
        );
        assert!(
            shown["idp"]["certificates"][0]["subject"]
                .as_str()
                .unwrap()
                .contains("idp.example.org")
        );

        // C3: the token is shown once and rotation stops the old one.
        refused(
            c.post(&org, "/connection/complete"),
            409,
            "C2",
            "SCIM credentials",
        );
        let first: Value = c.post(&org, "/connection/scim-token").json().unwrap();
        assert_eq!(first["tenant_url"], "https://tessera.example/scim/v2/acme");
        let scim = |token: &Value| {
            c.http
                .get(c.server.url("/scim/v2/acme/Users"))
                .bearer_auth(token.as_str().unwrap())
                .send()
                .unwrap()
                .status()
        };
        assert_eq!(scim(&first["token"]), 200);
        let second: Value = c.post(&org, "/connection/scim-token").json().unwrap();
        assert_eq!(scim(&first["token"]), 401);
        assert_eq!(scim(&second["token"]), 200);
        let shown: Value = c.get(&org, "/connection").json().unwrap();
        assert_eq!(shown["step"], "scim_credentials");
        assert_eq!(shown["scim_token_active"], true);
        assert!(
            !shown
                .to_string()
                .contains(second["token"].as_str().unwrap()),
            "C3: shown once"
        );

        // Going live: C4 nobody is logged out (the admin's credential still works),
        // C5 Salesforce import and invitations stop.
        let shown: Value = c.post(&org, "/connection/complete").json().unwrap();
        assert_eq!(shown["step"], "connected");
        assert_eq!(shown["next"], Value::Null);
        let live = c
            .store()
            .org(&WorkspaceName::parse("acme").unwrap())
            .unwrap();
        assert!(!live.salesforce_profile_import && !live.salesforce_invitations);
        assert_eq!(c.get(&org, "").status(), 200);
        let audit = c.store().audit(org.id, &Default::default()).unwrap();
        let connected = audit.iter().find(|e| e.action == "org.connected").unwrap();
        assert_eq!(connected.details["sessions_revoked"], 0);
        assert_eq!(
            scim(&second["token"]),
            200,
            "C3: rotation still works once live"
        );

        // W2: one connection per org.
        refused(
            c.post(&org, "/connection/complete"),
            409,
            "W2",
            "already connected",
        );
        refused(
            c.put(&org, "/connection/mode", json!({"mode": "jit"})),
            409,
            "W2",
            "already connected",
        );
    }
}

// covers W2, C1
#[test]
fn an_idp_entity_id_shared_by_two_orgs_blocks_neither_and_is_flagged_and_jit_has_no_scim_token() {
    for db in TestDatabase::all() {
        let c = Connect::start(&db);
        let mut orgs = Vec::new();
        for name in ["first", "second"] {
            let org = c.org(name, OrgKind::Production, true);
            c.put(&org, "/connection/mode", json!({"mode": "jit"}));
            let sheet = c.download(&org);
            let name = format!("user-mapping-{}.xlsx", org.name);
            assert_eq!(c.upload(&org, &name, sheet, "").status(), 200);
            orgs.push(org);
        }
        c.put(&orgs[0], "/connection/idp", json!({"metadata_xml": OKTA}));
        // The first org to claim an entity id cannot lock another out of it (the ACS
        // URL names the org); the clash is flagged for the operator.
        let shown: Value = c
            .put(&orgs[1], "/connection/idp", json!({"metadata_xml": OKTA}))
            .json()
            .unwrap();
        assert_eq!(shown["next"], "connect", "{shown}");
        let audit = c.store().audit(orgs[1].id, &Default::default()).unwrap();
        let set = audit
            .iter()
            .find(|e| e.action == "connection.idp_set")
            .unwrap();
        assert_eq!(
            set.details["shared_with"],
            json!([orgs[0].name.to_string()])
        );
        let clashes = c.store().idp_entity_id_clashes().unwrap();
        assert_eq!(clashes.len(), 1, "{clashes:?}");
        assert_eq!(clashes[0].1, vec!["first".to_owned(), "second".to_owned()]);
        let shown: Value = c
            .put(&orgs[1], "/connection/idp", json!({"metadata_xml": ENTRA}))
            .json()
            .unwrap();
        assert_eq!(shown["next"], "connect");
        assert!(c.store().idp_entity_id_clashes().unwrap().is_empty());
        refused(c.post(&orgs[1], "/connection/scim-token"), 409, "C1", "jit");
        let shown: Value = c.post(&orgs[1], "/connection/complete").json().unwrap();
        assert_eq!(shown["step"], "connected", "{shown}");
        assert_eq!(shown["mode"], "jit");
    }
}
