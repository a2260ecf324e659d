//! What reaches the log (issue #9 items 8 and 11): no invitation token (request paths
//! are logged as route patterns; the demo admin's link goes to the console), and no
//! ERROR for an anonymous visitor sent to the sign-in page.

use crate::login::browser;
use crate::support::{TestServer, t0};
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use tessera_store::testing::TestDatabase;

/// Every log line of this test binary (all tests share the global subscriber).
fn captured() -> String {
    static LINES: OnceLock<&'static Mutex<Vec<u8>>> = OnceLock::new();
    let lines = LINES.get_or_init(|| {
        let lines: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_ansi(false)
            .with_writer(move || Sink(lines))
            .init();
        lines
    });
    String::from_utf8_lossy(&lines.lock().unwrap()).into_owned()
}

struct Sink(&'static Mutex<Vec<u8>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn invitation_tokens_never_reach_the_log() {
    captured();
    let db = TestDatabase::sqlite().unwrap();
    let store = db.open();
    let clock = tessera_core::FixedClock::new(t0());
    let (_, link) = tessera_http::ensure_demo_org(&store, &clock, "http://127.0.0.1:8080")
        .unwrap()
        .unwrap();
    let token = link.rsplit('/').next().unwrap().to_owned();
    let server = TestServer::start(&db);
    let client = browser();
    let forged = "tsr_inv_forgedsecret";
    let page = client
        .get(server.url(&format!("/invite/{forged}?secret=querysecret")))
        .send()
        .unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(
        client
            .get(server.url(&format!("/invite/{token}")))
            .send()
            .unwrap()
            .status(),
        200
    );
    let log = captured();
    assert!(
        log.lines()
            .any(|l| l.contains("/invite/{token}") && l.contains("status=404")),
        "the refusal is logged by route: {log}"
    );
    for secret in [token.as_str(), forged, "querysecret"] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
}

#[test]
fn an_anonymous_visit_to_app_is_no_error() {
    captured();
    let db = TestDatabase::sqlite().unwrap();
    let server = TestServer::start_with(&db, |c| c.demo_org = false);
    let response = browser().get(server.url("/app")).send().unwrap();
    assert_eq!(response.status(), 303);
    let refused = browser().get(server.url("/invite/nope")).send().unwrap();
    assert_eq!(refused.status(), 404);
    let log = captured();
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert!(
        errors
            .iter()
            .all(|l| !l.contains("/app") && !l.contains("NotSignedIn")),
        "{errors:?}"
    );
    assert!(
        errors.iter().all(|l| !l.contains("status=404")),
        "4xx are not errors: {errors:?}"
    );
}
