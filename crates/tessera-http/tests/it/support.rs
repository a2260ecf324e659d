//! Boots a real server on a background actix system and stops it on drop.

use chrono::{DateTime, TimeZone, Utc};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tessera_core::FixedClock;
use tessera_http::Config;
use tessera_store::Store;
use tessera_store::testing::TestDatabase;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap()
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Store,
    /// The server's clock, which the test may move.
    pub clock: Arc<FixedClock>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A server on `db` with the test defaults (demo org on, small body limit).
    pub fn start(db: &TestDatabase) -> Self {
        Self::start_with(db, |_| {})
    }

    pub fn start_with(db: &TestDatabase, adjust: impl FnOnce(&mut Config)) -> Self {
        let clock = Arc::new(FixedClock::new(t0()));
        Self::boot(db, clock.clone(), clock, adjust)
    }

    /// A server reading the time from `clock` (e.g. the system's, where a real peer
    /// stamps tokens with the real time); its `clock` field then moves nothing.
    pub fn start_with_clock(
        db: &TestDatabase,
        clock: Arc<dyn tessera_core::Clock>,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        Self::boot(db, clock, Arc::new(FixedClock::new(t0())), adjust)
    }

    fn boot(
        db: &TestDatabase,
        server_clock: Arc<dyn tessera_core::Clock>,
        clock: Arc<FixedClock>,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config {
            database_url: tessera_core::Secret::new(db.url.clone()),
            bind: "127.0.0.1:0".into(),
            body_limit_bytes: 64 * 1024,
            workers: Some(1),
            shutdown_timeout_secs: 1,
            ..Config::default()
        };
        adjust(&mut config);
        let store = db.open();
        let server_store = store.clone();
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let running = tessera_http::build(config, server_store, server_clock).unwrap();
                sender.send((running.addr, running.handle())).unwrap();
                running.server.await.unwrap();
            });
        });
        let (addr, handle) = receiver.recv().expect("server started");
        Self {
            addr,
            store,
            clock,
            handle,
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // Stopping needs a runtime of its own; the server's lives on its thread.
        let _ = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
        })
        .join();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An active password user of `role`, made by the CLI.
pub fn new_user(email: &str, role: tessera_core::Role) -> tessera_store::NewUser {
    tessera_store::NewUser {
        email: tessera_core::Email::parse(email).unwrap(),
        given_name: None,
        family_name: None,
        status: tessera_core::UserStatus::Active,
        role,
        login_method: tessera_core::LoginMethod::Password,
        created_by: tessera_core::Source::Cli,
    }
}

/// A production org `name` with SSO enabled by the operator (W3).
pub fn enabled_org(store: &Store, name: &str) -> tessera_store::Org {
    let ws = tessera_core::WorkspaceName::parse(name).unwrap();
    let operator = tessera_store::Actor::operator();
    let org = store
        .create_org(&ws, tessera_core::OrgKind::Production, &operator, t0())
        .unwrap();
    store.set_sso_enabled(&ws, true, &operator, t0()).unwrap();
    org
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}
