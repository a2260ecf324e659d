#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly
//! `tessera-admin events` as an operator runs it, on SQLite and (when reachable)
//! PostgreSQL: one line per event, the API's JSON with `--json`, and clear refusals.

use serde_json::Value;
use std::process::{Command, Output};
use tessera_store::testing::TestDatabase;

fn admin(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera-admin"))
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("TESSERA_DATABASE_URL")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn events_prints_the_stream_after_a_cursor() {
    for db in TestDatabase::all() {
        stdout(&admin(&db.url, &["org", "create", "acme"]));
        stdout(&admin(
            &db.url,
            &["users", "invite", "acme", "ada@acme.example"],
        ));
        stdout(&admin(
            &db.url,
            &["users", "deactivate", "acme", "ada@acme.example"],
        ));

        let text = stdout(&admin(
            &db.url,
            &["events", "acme", "--types", "user.created,user.deactivated"],
        ));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].contains("user.created") && lines[0].contains("operator"),
            "{text}"
        );
        assert!(lines[0].contains("ada@acme.example"), "{text}");
        assert!(lines[1].contains("user.deactivated"), "{text}");

        let all: Value =
            serde_json::from_str(&stdout(&admin(&db.url, &["events", "acme", "--json"]))).unwrap();
        let events = all["events"].as_array().unwrap();
        let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(
            seqs,
            (1..=events.len() as i64).collect::<Vec<_>>(),
            "{:?}",
            db.backend
        );
        let last = seqs.last().unwrap().to_string();
        let after: Value = serde_json::from_str(&stdout(&admin(
            &db.url,
            &["events", "acme", "--after", "1", "--limit", "1", "--json"],
        )))
        .unwrap();
        assert_eq!(after["events"][0]["seq"], 2);
        let none = admin(&db.url, &["events", "acme", "--after", &last]);
        assert_eq!(stdout(&none), "");
        assert!(
            String::from_utf8_lossy(&none.stderr).contains(&format!("no events after seq {last}"))
        );
    }
}

#[test]
fn bad_arguments_fail_with_one_clear_line() {
    let db = TestDatabase::sqlite().unwrap();
    stdout(&admin(&db.url, &["org", "create", "acme"]));
    for (args, expected) in [
        (
            vec!["events", "acme", "--types", "user.created,user.exploded"],
            "unknown event type user.exploded",
        ),
        (vec!["events", "acme", "--limit", "0"], "--limit"),
        (vec!["events", "acme", "--after=-3"], "--after"),
        (vec!["events", "nosuch"], "nosuch"),
    ] {
        let output = admin(&db.url, &args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
