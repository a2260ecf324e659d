//! Reading an uploaded sheet with calamine and checking it against its export (M2).
//! The file is untrusted: [`crate::limits`] bounds what reading it may cost.

use crate::sheet::UsersSheet;
use crate::{
    Column, EXPORT_ID_PROPERTY, HEADERS, Problem, Rejection, Snapshot, SnapshotRow, archive,
    file_name,
};
use calamine::{Reader, Xlsx};
use std::collections::HashMap;
use std::io::Cursor;
use tessera_core::{Email, UserId};

/// What a valid upload links (M3): a user and the email it has in the IdP, or `None`
/// when the user is not in the IdP (column C left empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The account.
    pub user_id: UserId,
    /// Its IdP email.
    pub idp_email: Option<Email>,
}

/// The export id a sheet carries, if it is a readable xlsx written by [`crate::export`].
/// The server uses it to find the snapshot to check the upload against.
pub fn export_id_of(bytes: &[u8]) -> Option<String> {
    archive::check(bytes).ok()?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).ok()?;
    workbook
        .workbook_properties()
        .ok()?
        .custom_properties
        .get(EXPORT_ID_PROPERTY)
        .cloned()
}

/// Checks an upload named `uploaded_name` against the `snapshot` it should come from and
/// the org's `current` users, and returns the links to apply, or every problem found
/// (by row and column) when anything is wrong: nothing may be applied then (M2). A
/// file past one of the [`crate::limits`] is refused before it is read further.
pub fn import(
    uploaded_name: &str,
    bytes: &[u8],
    snapshot: &Snapshot,
    current: &[SnapshotRow],
) -> Result<Vec<Link>, Rejection> {
    let mut problems = Vec::new();
    let expected_name = file_name(&snapshot.workspace);
    if uploaded_name != expected_name {
        problems.push(Problem::file(format!(
            "the file is named {uploaded_name:?}, but the download was {expected_name:?}: upload the downloaded file without renaming it"
        )));
    }
    if !snapshot.matches_users(current) {
        problems.push(Problem::file(
            "users were added, removed or changed in the app since this sheet was downloaded: download a new sheet and fill it in again",
        ));
    }
    let sheet = match read_users_sheet(bytes, snapshot) {
        Ok(sheet) => sheet,
        Err(problem) => {
            problems.push(problem);
            return Err(Rejection::from_problems(problems));
        }
    };
    check_header(&sheet, &mut problems);
    let links = check_rows(&sheet, snapshot, &mut problems);
    if problems.is_empty() {
        Ok(links)
    } else {
        Err(Rejection::from_problems(problems))
    }
}

fn read_users_sheet(bytes: &[u8], snapshot: &Snapshot) -> Result<UsersSheet, Problem> {
    archive::check(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|_| archive::unreadable())?;
    if let Ok(properties) = workbook.workbook_properties()
        && let Some(id) = properties.custom_properties.get(EXPORT_ID_PROPERTY)
        && id != &snapshot.export_id
    {
        return Err(Problem::file(
            "this file comes from a different download than the latest one: upload the sheet you downloaded last, or download a new one",
        ));
    }
    UsersSheet::read(&mut workbook, snapshot.rows.len())
}

fn check_header(table: &UsersSheet, problems: &mut Vec<Problem>) {
    for (col, (expected, column)) in HEADERS
        .iter()
        .zip([Column::A, Column::B, Column::C])
        .enumerate()
    {
        let found = table.text(1, col);
        if found != *expected {
            problems.push(Problem::cell(
                1,
                column,
                format!("the header should read {expected:?}, found {found:?}"),
            ));
        }
    }
}

fn check_rows(table: &UsersSheet, snapshot: &Snapshot, problems: &mut Vec<Problem>) -> Vec<Link> {
    let exported_row: HashMap<String, u32> = snapshot
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.user_id.to_string(), i as u32 + 2))
        .collect();
    let last = table.last_row().max(1);
    let mut links = Vec::with_capacity(snapshot.rows.len());
    let mut seen_c: HashMap<String, u32> = HashMap::new();
    for row in 2..=last {
        let Some(expected) = snapshot.rows.get(row as usize - 2) else {
            problems.push(Problem::row(
                row,
                format!(
                    "a row was added; the sheet must keep exactly the {} downloaded user rows",
                    snapshot.rows.len()
                ),
            ));
            continue;
        };
        let id = table.text(row, 0);
        let email = table.text(row, 1);
        let expected_id = expected.user_id.to_string();
        if id != expected_id {
            let message = match exported_row.get(id) {
                Some(original) => format!(
                    "rows were inserted, removed or reordered: this user was on row {original} in the download, expected {expected_id} here"
                ),
                None if id.is_empty() => {
                    format!("the user id was removed; the download had {expected_id}")
                }
                None => format!(
                    "{id:?} is not the downloaded user id {expected_id}; column A must not be edited"
                ),
            };
            problems.push(Problem::cell(row, Column::A, message));
        } else if email != expected.email.as_str() {
            problems.push(Problem::cell(
                row,
                Column::B,
                format!(
                    "the current email was changed from {:?} to {email:?}; column B must not be edited (put the IdP email in column C)",
                    expected.email.as_str()
                ),
            ));
        }
        let idp = table.text(row, 2);
        let idp_email = if idp.is_empty() {
            None
        } else {
            match Email::parse(idp) {
                Ok(parsed) => {
                    match seen_c.get(parsed.normalized()) {
                        Some(first) => problems.push(Problem::cell(
                            row,
                            Column::C,
                            format!(
                                "{idp:?} is also on row {first}; each IdP email may be used once"
                            ),
                        )),
                        None => {
                            seen_c.insert(parsed.normalized().to_owned(), row);
                        }
                    }
                    Some(parsed)
                }
                Err(error) => {
                    problems.push(Problem::cell(row, Column::C, error.to_string()));
                    None
                }
            }
        };
        links.push(Link {
            user_id: expected.user_id,
            idp_email,
        });
    }
    let found_rows = last.saturating_sub(1) as usize;
    if found_rows < snapshot.rows.len() {
        let missing = &snapshot.rows[found_rows];
        problems.push(Problem::file(format!(
            "the download had {} user rows, this file has {found_rows}: rows were removed (the first missing one is {} on row {})",
            snapshot.rows.len(),
            missing.email.as_str(),
            found_rows + 2
        )));
    }
    links
}
