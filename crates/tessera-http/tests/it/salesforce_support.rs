//! The parts of the Salesforce login tests: two real OpenID providers (npm's
//! oidc-provider, `tests/oidc/provider.mjs`) standing in for Salesforce production and
//! sandbox, and a small browser that follows redirects by itself, keeps cookies per
//! origin and, like a real browser on a top-level cross-site navigation, sends a
//! `SameSite=Strict` cookie only to the site that set it when the navigation started
//! there. The two providers and Tessera listen on different ports of 127.0.0.1, which
//! browsers count as one site; this browser counts each origin as its own site, so the
//! redirect back from the provider is cross-site, as it is from Salesforce.

use actix_web::cookie::{Cookie, SameSite};
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const PROVIDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/oidc/provider.mjs");
pub const CLIENT_ID: &str = "tessera-connected-app";
pub const CLIENT_SECRET: &str = "connected-app-secret";

/// A Salesforce-like user: `sub` is the identity URL with the org and user ids.
pub fn account(issuer_host: &str, org: &str, user: &str, email: &str, verified: bool) -> Value {
    json!({
        "sub": format!("https://{issuer_host}/id/{org}/{user}"),
        "email": email,
        "email_verified": verified,
        "given_name": "Ada",
        "family_name": "Lovelace",
    })
}

/// The two issuers, running until dropped.
pub struct Providers {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    pub production: String,
    pub sandbox: String,
}

impl Providers {
    /// Starts both issuers with one account each (`production`, `sandbox`) and an
    /// optional `tamper` mode (see provider.mjs).
    pub fn start(production: Value, sandbox: Value, tamper: Option<&str>) -> Self {
        let config = json!({
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "accounts": { "production": production, "sandbox": sandbox },
            "tamper": tamper,
        });
        let mut child = Command::new("node")
            .arg(PROVIDER)
            .arg(config.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "node runs tests/oidc/provider.mjs (`npm ci` in tests/oidc: just test does it)",
            );
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let line = read_until(&mut stdout, "issuers ");
        let issuers: Value = serde_json::from_str(&line).unwrap();
        Self {
            child,
            stdin,
            stdout,
            production: issuers["production"].as_str().unwrap().to_owned(),
            sandbox: issuers["sandbox"].as_str().unwrap().to_owned(),
        }
    }

    /// Registers the client's redirect URIs and waits until both issuers serve.
    pub fn serve(&mut self, redirect_uris: &[String]) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{}", redirect_uris.join(" ")).unwrap();
        stdin.flush().unwrap();
        read_until(&mut self.stdout, "ready");
    }
}

fn read_until(stdout: &mut BufReader<ChildStdout>, prefix: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let read = stdout.read_line(&mut line).unwrap();
        assert!(read > 0, "provider.mjs ended before printing {prefix:?}");
        if let Some(rest) = line.trim_end().strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
}

impl Drop for Providers {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A cookie as the browser keeps it.
#[derive(Clone, Debug)]
pub struct Kept {
    pub value: String,
    pub same_site: Option<SameSite>,
    pub http_only: bool,
}

/// A browser: per-origin cookie jars, redirects followed one by one.
pub struct Browser {
    http: Client,
    pub jars: HashMap<String, HashMap<String, Kept>>,
    /// Where requests for an origin really go (a load balancer in front of servers).
    pub route: HashMap<String, String>,
}

/// `scheme://host:port` of a URL.
pub fn origin(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    format!("http://{host}")
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: Client::builder().redirect(Policy::none()).build().unwrap(),
            jars: HashMap::new(),
            route: HashMap::new(),
        }
    }

    /// One navigation to `url`, started on a page of `from` (an origin): cookies of
    /// the target's jar go along, but `SameSite=Strict` ones only when `from` is the
    /// target's own origin. Set-Cookie headers are kept.
    pub fn get(&mut self, url: &str, from: Option<&str>) -> Response {
        let target = origin(url);
        let same_site = from.is_none_or(|from| from == target);
        let cookies: Vec<String> = self
            .jars
            .get(&target)
            .into_iter()
            .flatten()
            .filter(|(_, kept)| same_site || kept.same_site != Some(SameSite::Strict))
            .map(|(name, kept)| format!("{name}={}", kept.value))
            .collect();
        let real = match self.route.get(&target) {
            Some(real) => url.replacen(&target, real, 1),
            None => url.to_owned(),
        };
        let mut request = self.http.get(real);
        if !cookies.is_empty() {
            request = request.header("cookie", cookies.join("; "));
        }
        let response = request.send().unwrap();
        let jar = self.jars.entry(target).or_default();
        for header in response.headers().get_all("set-cookie") {
            let cookie = Cookie::parse(header.to_str().unwrap().to_owned()).unwrap();
            let removed =
                cookie.max_age().is_some_and(|age| age.is_zero()) || cookie.value().is_empty();
            if removed {
                jar.remove(cookie.name());
            } else {
                jar.insert(
                    cookie.name().to_owned(),
                    Kept {
                        value: cookie.value().to_owned(),
                        same_site: cookie.same_site(),
                        http_only: cookie.http_only().unwrap_or(false),
                    },
                );
            }
        }
        response
    }

    /// Follows redirects from `url` until one points at `stop` (a URL prefix) and
    /// answers that URL without visiting it.
    pub fn follow_until(&mut self, url: &str, from: Option<&str>, stop: &str) -> String {
        let (mut url, mut from) = (url.to_owned(), from.map(str::to_owned));
        for _ in 0..20 {
            let response = self.get(&url, from.as_deref());
            assert!(
                response.status().is_redirection(),
                "{url} answered {}: {}",
                response.status(),
                response.text().unwrap_or_default()
            );
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            let next = if location.starts_with('/') {
                format!("{}{location}", origin(&url))
            } else {
                location
            };
            from = Some(origin(&url));
            if next.starts_with(stop) {
                return next;
            }
            url = next;
        }
        panic!("no redirect to {stop}");
    }
}
