//! A server with one org and its SCIM token, and a small SCIM client for the tests.

use crate::support::{TestServer, t0};
use reqwest::Method;
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use tessera_core::{OrgId, OrgKind, WorkspaceName};
use tessera_store::testing::TestDatabase;
use tessera_store::{Actor, Store};

pub const WS: &str = "acme";

/// A running server, an org `acme` and a SCIM client holding its token.
pub struct ScimServer {
    pub server: TestServer,
    pub org_id: OrgId,
    pub token: String,
}

impl ScimServer {
    pub fn start(db: &TestDatabase) -> Self {
        Self::start_with(db, |_| {})
    }

    /// [`ScimServer::start`] with some settings changed.
    pub fn start_with(db: &TestDatabase, adjust: impl FnOnce(&mut tessera_http::Config)) -> Self {
        let server = TestServer::start_with(db, adjust);
        let (org_id, token) = make_org(&server.store, WS);
        Self {
            server,
            org_id,
            token,
        }
    }

    pub fn store(&self) -> &Store {
        &self.server.store
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(&format!("/scim/v2/{WS}{path}"))
    }

    pub fn client(&self) -> Scim {
        Scim {
            http: Client::new(),
            base: self.url(""),
            token: self.token.clone(),
        }
    }
}

/// Creates a production org with SSO/SCIM enabled (W3) and issues its SCIM token.
pub fn make_org(store: &Store, name: &str) -> (OrgId, String) {
    let ws = WorkspaceName::parse(name).unwrap();
    let org = store
        .create_org(&ws, OrgKind::Production, &Actor::operator(), t0())
        .unwrap();
    store
        .set_sso_enabled(&ws, true, &Actor::operator(), t0())
        .unwrap();
    let token = store
        .issue_scim_token(org.id, &Actor::operator(), t0())
        .unwrap();
    (org.id, token)
}

/// A SCIM client for one org.
#[derive(Clone)]
pub struct Scim {
    pub http: Client,
    pub base: String,
    pub token: String,
}

/// A response: status, JSON body (`Null` when empty), and the response itself's headers.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

impl Scim {
    pub fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/scim+json")
                .body(body.to_string());
        }
        answer(request.send().unwrap())
    }

    pub fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, Some(body))
    }

    pub fn patch(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::PATCH, path, Some(body))
    }

    pub fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None)
    }
}

pub fn answer(response: Response) -> Answer {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer {
        status,
        body,
        content_type,
    }
}

/// A minimal user.
pub fn user(user_name: &str) -> Value {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "name": {"givenName": "Given", "familyName": "Family"},
        "emails": [{"value": user_name, "type": "work", "primary": true}],
        "active": true
    })
}

/// A PatchOp body with these operations.
pub fn patch_op(operations: Value) -> Value {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations
    })
}
