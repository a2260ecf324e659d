//! A round trip through a different writer: Python's openpyxl, as an admin's spreadsheet
//! program would save the file (it also removes the sheet protection, as any program can).

use crate::snapshot;
use std::process::Command;
use tessera_mapping::{Column, export, import};

const SCRIPT: &str = r#"
import sys, openpyxl
path, cell, value = sys.argv[1], sys.argv[2], sys.argv[3]
book = openpyxl.load_workbook(path)
sheet = book["Users"]
sheet.protection.sheet = False
sheet[cell] = value if value != "<empty>" else None
book.save(path)
"#;

fn edit_with_openpyxl(bytes: &[u8], cell: &str, value: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user-mapping-acme.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(&path)
        .args([cell, value])
        .output()
        .expect("python3 runs (just setup installs openpyxl)");
    assert!(
        output.status.success(),
        "openpyxl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&path).unwrap()
}

// covers M2, M3
#[test]
fn m3_a_sheet_saved_by_openpyxl_imports() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let edited = edit_with_openpyxl(&export(&snap).unwrap(), "C3", "robert@corp.example");
    let links = import("user-mapping-acme.xlsx", &edited, &snap, &snap.rows).unwrap();
    assert_eq!(
        links[1].idp_email.as_ref().unwrap().as_str(),
        "robert@corp.example"
    );
    assert_eq!(
        links[0].idp_email.as_ref().unwrap().as_str(),
        "ada@acme.example"
    );
}

// covers M2
#[test]
fn m2_removing_the_protection_and_editing_b_is_still_caught() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let edited = edit_with_openpyxl(&export(&snap).unwrap(), "B2", "mallory@acme.example");
    let rejection = import("user-mapping-acme.xlsx", &edited, &snap, &snap.rows).unwrap_err();
    assert_eq!(rejection.problems.len(), 1);
    assert_eq!(
        (rejection.problems[0].row, rejection.problems[0].column),
        (Some(2), Some(Column::B))
    );
}
