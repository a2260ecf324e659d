//! The Connect verbs of `tessera-admin`: `connection set-mode`, `mapping export/import`
//! (also of a hostile sheet, issue #9) and `idp set`, on SQLite and (when reachable)
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use serde_json::Value;
use std::process::{Command, Output};
use tessera_store::testing::TestDatabase;

const OKTA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/saml/idp-metadata/okta.xml"
);
const IDP_CERT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/saml/keys/idp.crt"
);

fn admin(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera-admin"))
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("TESSERA_DATABASE_URL")
        .output()
        .unwrap()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn fails(output: Output) -> String {
    assert!(!output.status.success());
    String::from_utf8(output.stderr).unwrap()
}

// covers W3, C1, C2, M1, M2, M3, W2
#[test]
fn the_operator_walks_the_connection_from_the_command_line() {
    for db in TestDatabase::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        ok(admin(url, &["org", "create", "acme"]));
        ok(admin(
            url,
            &["users", "invite", "acme", "jane@acme.example"],
        ));
        let refused = fails(admin(url, &["connection", "set-mode", "acme", "scim"]));
        assert!(refused.starts_with("error: W3:"), "{refused}");
        ok(admin(url, &["org", "enable-sso", "acme"]));
        let started = ok(admin(
            url,
            &["connection", "set-mode", "acme", "jit", "--json"],
        ));
        assert_eq!(
            serde_json::from_str::<Value>(&started).unwrap()["step"],
            "enabled"
        );

        let sheet = dir.path().join("user-mapping-acme.xlsx");
        let sheet_arg = sheet.to_str().unwrap();
        let written = ok(admin(url, &["mapping", "export", "acme", "-o", sheet_arg]));
        assert!(written.contains("1 users"), "{written}");
        let renamed = dir.path().join("mapping.xlsx");
        std::fs::copy(&sheet, &renamed).unwrap();
        let problems = fails(admin(
            url,
            &["mapping", "import", "acme", renamed.to_str().unwrap()],
        ));
        assert!(
            problems.contains("renaming it") && problems.contains("error: M2:"),
            "{problems}"
        );
        let dry = ok(admin(
            url,
            &["mapping", "import", "acme", sheet_arg, "--dry-run"],
        ));
        assert!(
            dry.contains("would link jane@acme.example -> jane@acme.example"),
            "{dry}"
        );
        assert!(dry.contains("dry run: nothing was changed"));
        let linked = ok(admin(url, &["mapping", "import", "acme", sheet_arg]));
        assert!(linked.contains("linked jane@acme.example"), "{linked}");

        let bad = fails(admin(
            url,
            &[
                "idp",
                "set",
                "acme",
                "--entity-id",
                "urn:idp",
                "--sso-url",
                "http://idp.example/sso",
                "--cert",
                IDP_CERT,
            ],
        ));
        assert!(bad.contains("must start with https://"), "{bad}");
        let set = ok(admin(
            url,
            &[
                "idp",
                "set",
                "acme",
                "--entity-id",
                "urn:idp",
                "--sso-url",
                "https://idp.example/sso",
                "--cert",
                IDP_CERT,
            ],
        ));
        assert!(set.contains("urn:idp"), "{set}");
        ok(admin(url, &["org", "create", "other"]));
        ok(admin(url, &["org", "enable-sso", "other"]));
        ok(admin(url, &["connection", "set-mode", "other", "jit"]));
        let other_sheet = dir.path().join("user-mapping-other.xlsx");
        ok(admin(
            url,
            &[
                "mapping",
                "export",
                "other",
                "-o",
                other_sheet.to_str().unwrap(),
            ],
        ));
        ok(admin(
            url,
            &["mapping", "import", "other", other_sheet.to_str().unwrap()],
        ));
        // Another org may use the same entity id; the operator sees the clash.
        ok(admin(
            url,
            &[
                "idp",
                "set",
                "other",
                "--entity-id",
                "urn:idp",
                "--sso-url",
                "https://idp.example/sso",
                "--cert",
                IDP_CERT,
            ],
        ));
        let clashes = ok(admin(url, &["idp", "clashes"]));
        assert!(clashes.contains("urn:idp: acme, other"), "{clashes}");
        ok(admin(url, &["idp", "set", "other", "--metadata", OKTA]));
        let clashes = ok(admin(url, &["idp", "clashes", "--json"]));
        assert_eq!(clashes.trim(), "[]");
    }
}

/// Copies the sheet at `from` to `to` with one value added in the last cell of the
/// grid, saved by openpyxl as a spreadsheet program would.
fn add_far_cell(from: &std::path::Path, to: &std::path::Path) {
    let script = "import sys, openpyxl\nbook = openpyxl.load_workbook(sys.argv[1])\nbook['Users']['XFD1048576'] = 'x'\nbook.save(sys.argv[2])\n";
    let status = Command::new("python3")
        .args(["-c", script])
        .args([from, to])
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "openpyxl failed (just setup installs it)"
    );
}

// covers M2
#[test]
fn m2_a_far_cell_sheet_is_refused_by_the_cli_with_its_row_and_nothing_is_applied() {
    for db in TestDatabase::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        let downloaded = dir.path().join("download.xlsx");
        for step in [
            &["org", "create", "acme"][..],
            &["users", "invite", "acme", "jane@acme.example"],
            &["org", "enable-sso", "acme"],
            &["connection", "set-mode", "acme", "jit"],
            &[
                "mapping",
                "export",
                "acme",
                "-o",
                downloaded.to_str().unwrap(),
            ],
        ] {
            ok(admin(url, step));
        }

        let sheet = dir.path().join("user-mapping-acme.xlsx");
        add_far_cell(&downloaded, &sheet);
        let refused = admin(url, &["mapping", "import", "acme", sheet.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(1), "exits 1, not by a signal");
        let stderr = String::from_utf8(refused.stderr).unwrap();
        assert!(
            stderr.contains("row 1048576: the sheet has a value on row 1048576"),
            "{stderr}"
        );
        assert!(stderr.contains("error: M2:"), "{stderr}");
        let audit = ok(admin(url, &["audit", "acme", "--json"]));
        assert!(!audit.contains("mapping.uploaded"), "{audit}");

        std::fs::copy(&downloaded, &sheet).unwrap();
        let linked = ok(admin(
            url,
            &["mapping", "import", "acme", sheet.to_str().unwrap()],
        ));
        assert!(linked.contains("linked jane@acme.example"), "{linked}");
    }
}
