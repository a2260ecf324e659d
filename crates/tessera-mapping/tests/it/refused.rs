//! Every M2 refusal, each reported by row and column, nothing applied.

use crate::{rows_of, snapshot, write};
use tessera_core::{Email, UserId};
use tessera_mapping::{Column, Rejection, SnapshotRow, export, import};

const NAME: &str = "user-mapping-acme.xlsx";

fn refused(result: Result<Vec<tessera_mapping::Link>, Rejection>) -> Vec<String> {
    result
        .unwrap_err()
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

// covers M2
#[test]
fn m2_a_renamed_file_is_refused() {
    let snap = snapshot(&["ada@acme.example"]);
    let bytes = export(&snap).unwrap();
    let problems = refused(import(
        "user-mapping-acme (1).xlsx",
        &bytes,
        &snap,
        &snap.rows,
    ));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("without renaming it"), "{problems:?}");
}

// covers M2
#[test]
fn m2_an_edited_b_cell_is_refused_with_its_row_and_column() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let mut rows = rows_of(&snap, &["ada@acme.example", "bob@acme.example"]);
    rows[2][1] = "robert@acme.example".into();
    let rejection = import(NAME, &write(Some("exp-1"), &rows), &snap, &snap.rows).unwrap_err();
    assert_eq!(rejection.problems.len(), 1);
    let problem = &rejection.problems[0];
    assert_eq!((problem.row, problem.column), (Some(3), Some(Column::B)));
    assert!(problem.message.contains("column B must not be edited"));
}

// covers M2
#[test]
fn m2_an_edited_a_cell_is_refused() {
    let snap = snapshot(&["ada@acme.example"]);
    let mut rows = rows_of(&snap, &["ada@acme.example"]);
    rows[1][0] = UserId::random().to_string();
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert!(problems[0].starts_with("row 2, column A: "), "{problems:?}");
    assert!(problems[0].contains("column A must not be edited"));
}

// covers M2
#[test]
fn m2_an_inserted_row_is_refused() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let mut rows = rows_of(&snap, &["ada@acme.example", "bob@acme.example"]);
    rows.insert(
        2,
        [
            UserId::random().to_string(),
            "eve@acme.example".into(),
            "eve@acme.example".into(),
        ],
    );
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert!(
        problems.iter().any(|p| p.starts_with("row 3, column A: ")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("row 4: a row was added")),
        "{problems:?}"
    );
}

// covers M2
#[test]
fn m2_an_appended_row_is_refused() {
    let snap = snapshot(&["ada@acme.example"]);
    let mut rows = rows_of(&snap, &["ada@acme.example"]);
    rows.push(["".into(), "".into(), "new@acme.example".into()]);
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert_eq!(
        problems,
        ["row 3: a row was added; the sheet must keep exactly the 1 downloaded user rows"]
    );
}

// covers M2
#[test]
fn m2_a_removed_row_is_refused() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example", "cy@acme.example"]);
    let mut rows = rows_of(
        &snap,
        &["ada@acme.example", "bob@acme.example", "cy@acme.example"],
    );
    rows.pop();
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("the download had 3 user rows, this file has 2"),
        "{problems:?}"
    );
}

// covers M2
#[test]
fn m2_reordered_rows_are_refused() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let mut rows = rows_of(&snap, &["ada@acme.example", "bob@acme.example"]);
    rows.swap(1, 2);
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert!(
        problems[0].starts_with(
            "row 2, column A: rows were inserted, removed or reordered: this user was on row 3"
        ),
        "{problems:?}"
    );
    assert!(problems[1].starts_with("row 3, column A: "), "{problems:?}");
}

// covers M2
#[test]
fn m2_a_c_value_that_is_not_an_email_is_refused() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let rows = rows_of(&snap, &["ada at acme", "bob@acme.example"]);
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("row 2, column C: \"ada at acme\" is not an email address"),
        "{problems:?}"
    );
}

// covers M2
#[test]
fn m2_duplicate_c_values_are_refused_case_insensitively() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example", "cy@acme.example"]);
    let rows = rows_of(
        &snap,
        &["same@corp.example", "bob@acme.example", "SAME@corp.example"],
    );
    let problems = refused(import(
        NAME,
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert_eq!(
        problems,
        [
            "row 4, column C: \"SAME@corp.example\" is also on row 2; each IdP email may be used once"
        ]
    );
}

// covers M2
#[test]
fn m2_a_csv_renamed_to_xlsx_is_refused() {
    let snap = snapshot(&["ada@acme.example"]);
    let csv = format!(
        "User ID,Current email,IdP email\n{},ada@acme.example,ada@acme.example\n",
        snap.rows[0].user_id
    );
    let problems = refused(import(NAME, csv.as_bytes(), &snap, &snap.rows));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("the file is not a readable .xlsx spreadsheet"),
        "{problems:?}"
    );
}

// covers M2
#[test]
fn m2_users_that_changed_since_the_download_ask_for_a_new_download() {
    let snap = snapshot(&["ada@acme.example"]);
    let bytes = export(&snap).unwrap();
    let mut current = snap.rows.clone();
    current.push(SnapshotRow {
        user_id: UserId::random(),
        email: Email::parse("new@acme.example").unwrap(),
    });
    let problems = refused(import(NAME, &bytes, &snap, &current));
    assert!(problems[0].contains("download a new sheet"), "{problems:?}");
}

// covers M2
#[test]
fn m2_a_file_from_another_download_is_refused() {
    let snap = snapshot(&["ada@acme.example"]);
    let rows = rows_of(&snap, &["ada@acme.example"]);
    let problems = refused(import(
        NAME,
        &write(Some("exp-0"), &rows),
        &snap,
        &snap.rows,
    ));
    assert!(
        problems[0].contains("comes from a different download"),
        "{problems:?}"
    );
}

// covers M2
#[test]
fn m2_every_problem_is_listed_not_just_the_first() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example", "cy@acme.example"]);
    let mut rows = rows_of(&snap, &["x", "bob@acme.example", "bob@acme.example"]);
    rows[2][1] = "changed@acme.example".into();
    let problems = refused(import(
        "renamed.xlsx",
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    ));
    assert_eq!(problems.len(), 4, "{problems:?}");
}
