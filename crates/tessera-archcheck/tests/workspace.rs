//! Runs the dependency rules over this very workspace.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use std::process::Command;

#[test]
fn the_workspace_keeps_the_architecture_rules() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
    let host = String::from_utf8(
        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("-vV")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .lines()
    .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--filter-platform",
            &host,
            "--manifest-path",
            root,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let members = metadata["workspace_members"].as_array().unwrap().len();
    assert!(
        members >= 5,
        "the whole workspace was read ({members} members)"
    );
    let found = tessera_archcheck::violations(&metadata).unwrap();
    assert!(
        found.is_empty(),
        "architecture rules broken:\n{}",
        found.iter().map(|v| format!("  {v}\n")).collect::<String>()
    );
}
