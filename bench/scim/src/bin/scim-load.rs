//! Load harness for the SCIM server (not a timed test): starts `tessera-server` on
//! loopback, provisions users, groups and memberships through HTTP, and measures
//! requests/s and p50/p99 per scenario against `/healthz` measured in the same run.
//!
//! `cargo build --release -p tessera-server -p tessera-scim-bench &&
//!  target/release/scim-load [--database-url URL]` (results: docs/performance.md).

use anyhow::{Context, bail};
use clap::Parser;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use std::time::Instant;
use tessera_scim_bench::{Measurement, ServerProcess, run_parallel, seed_org};

/// Bounds of one run.
#[derive(Parser)]
struct Args {
    /// Database to run on; a fresh SQLite file in a temporary directory by default.
    #[arg(long)]
    database_url: Option<String>,
    /// Users to provision.
    #[arg(long, default_value_t = 100_000)]
    users: usize,
    /// Groups to provision; members are spread evenly over them.
    #[arg(long, default_value_t = 1_000)]
    groups: usize,
    /// Members of the big group for the PATCH scenario.
    #[arg(long, default_value_t = 50_000)]
    big_group: usize,
    /// Requests per measured scenario (filter, PATCH, peer).
    #[arg(long, default_value_t = 4_000)]
    samples: usize,
    /// Client threads.
    #[arg(long, default_value_t = 8)]
    threads: usize,
}

struct Scim {
    http: Client,
    base: String,
    token: String,
}

impl Scim {
    fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, String)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/scim+json")
                .body(body.to_string());
        }
        let response = request.send()?;
        let status = response.status().as_u16();
        Ok((status, response.text()?))
    }

    fn expect(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        status: u16,
    ) -> anyhow::Result<String> {
        let (got, text) = self.send(method, path, body)?;
        if got != status {
            bail!("{path}: expected {status}, got {got}: {text}");
        }
        Ok(text)
    }

    /// A PATCH of a group: `200` with the group, or `204` once the group has more
    /// members than a PATCH answer carries.
    fn patch_group(&self, path: &str, body: &Value) -> anyhow::Result<()> {
        let (got, text) = self.send(reqwest::Method::PATCH, path, Some(body))?;
        if got != 200 && got != 204 {
            bail!("{path}: expected 200 or 204, got {got}: {text}");
        }
        Ok(())
    }
}

fn user_name(i: usize) -> String {
    format!("user{i}@bench.example")
}

fn user(i: usize) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name(i), "externalId": format!("ext-{i}"),
        "name": {"givenName": "Bench", "familyName": format!("User {i}")},
        "emails": [{"value": user_name(i), "type": "work", "primary": true}],
        "active": true
    })
}

fn add_members(ids: &[String]) -> Value {
    let members: Vec<Value> = ids.iter().map(|id| json!({"value": id})).collect();
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
           "Operations": [{"op": "add", "path": "members", "value": members}]})
}

fn remove_member(id: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
           "Operations": [{"op": "remove", "path": format!("members[value eq \"{id}\"]")}]})
}

fn id_of(text: &str) -> anyhow::Result<String> {
    let value: Value = serde_json::from_str(text)?;
    value["id"]
        .as_str()
        .map(str::to_owned)
        .context("no id in the response")
}

fn row(name: &str, m: &Measurement, peer: &Measurement) {
    println!(
        "| {name} | {} | {:.0} | {:.2} | {:.2} | {:.3} |",
        m.requests,
        m.per_second(),
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3,
        m.per_second() / peer.per_second(),
    );
}

/// Creates `count` groups and returns their ids.
fn create_groups(
    args: &Args,
    scim: &(dyn Fn() -> Scim + Sync),
    names: &[String],
) -> anyhow::Result<Vec<String>> {
    let ids = std::sync::Mutex::new(vec![String::new(); names.len()]);
    run_parallel(names.len(), args.threads, scim, |s, i| {
        let text = s.expect(
            reqwest::Method::POST,
            "/Groups",
            Some(&json!({"displayName": names[i]})),
            201,
        )?;
        let mut ids = ids.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        ids[i] = id_of(&text)?;
        Ok(())
    })?;
    ids.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.path().display()));
    let token = seed_org(&url, "bench")?;
    let server = ServerProcess::start(&url)?;
    let base = format!("{}/scim/v2/bench", server.base_url);
    let scim = || Scim {
        http: Client::new(),
        base: base.clone(),
        token: token.clone(),
    };
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;

    let health = format!("{}/healthz", server.base_url);
    let peer = run_parallel(args.samples, args.threads, Client::new, |http, _| {
        http.get(&health).send()?.error_for_status()?;
        Ok(())
    })?;

    // Provisioning: users, groups, memberships, all through HTTP.
    let started = Instant::now();
    let user_ids = std::sync::Mutex::new(vec![String::new(); args.users]);
    let creates = run_parallel(args.users, args.threads, scim, |s, i| {
        let text = s.expect(post.clone(), "/Users", Some(&user(i)), 201)?;
        let mut ids = user_ids.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        ids[i] = id_of(&text)?;
        Ok(())
    })?;
    let user_ids = user_ids
        .into_inner()
        .map_err(|_| anyhow::anyhow!("poisoned"))?;
    let names: Vec<String> = (0..args.groups).map(|g| format!("Group {g}")).collect();
    let group_ids = create_groups(&args, &scim, &names)?;
    let per_group = args.users / args.groups.max(1);
    run_parallel(args.groups, args.threads, scim, |s, g| {
        let members = &user_ids[g * per_group..(g + 1) * per_group];
        s.patch_group(&format!("/Groups/{}", group_ids[g]), &add_members(members))
    })?;
    let provisioning = started.elapsed();

    let filters = run_parallel(args.samples, args.threads, scim, |s, i| {
        let k = (i * 7919) % args.users;
        let path = format!(
            "/Users?filter=userName+eq+%22{}%22",
            user_name(k).replace('@', "%40")
        );
        let text = s.expect(get.clone(), &path, None, 200)?;
        if !text.contains("\"totalResults\":1") {
            bail!("{path}: {text}");
        }
        Ok(())
    })?;

    // PATCH one member in and out of a 10-member and a big group.
    let special = create_groups(&args, &scim, &["Small".to_owned(), "Big".to_owned()])?;
    let (small, big) = (&special[0], &special[1]);
    let (scim_one, big_members) = (scim(), args.big_group.min(args.users / 2));
    scim_one.patch_group(&format!("/Groups/{small}"), &add_members(&user_ids[..10]))?;
    for chunk in user_ids[..big_members].chunks(1_000) {
        scim_one.patch_group(&format!("/Groups/{big}"), &add_members(chunk))?;
    }
    let pool = &user_ids[args.users / 2..];
    let patch_one = |group: &str| {
        run_parallel(args.samples, args.threads, scim, |s, i| {
            let member = &pool[(i / 2) % pool.len()];
            let body = if i % 2 == 0 {
                add_members(std::slice::from_ref(member))
            } else {
                remove_member(member)
            };
            s.patch_group(&format!("/Groups/{group}"), &body)
        })
    };
    let patch_small = patch_one(small)?;
    let patch_big = patch_one(big)?;

    println!(
        "backend: {}",
        if url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    );
    println!("| scenario | requests | req/s | p50 ms | p99 ms | ratio to /healthz |");
    println!("|---|---|---|---|---|---|");
    row("peer: GET /healthz", &peer, &peer);
    row("POST /Users (create)", &creates, &peer);
    row("GET /Users?filter=userName eq", &filters, &peer);
    row("PATCH 1 member, 10-member group", &patch_small, &peer);
    row(
        &format!("PATCH 1 member, {big_members}-member group"),
        &patch_big,
        &peer,
    );
    println!(
        "provisioning {} users, {} groups, {} memberships through HTTP: {:.1} s",
        args.users,
        args.groups,
        per_group * args.groups,
        provisioning.as_secs_f64()
    );
    Ok(())
}
