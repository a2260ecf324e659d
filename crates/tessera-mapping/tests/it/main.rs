//! The mapping sheet end to end: export, edit (by us, by hand-made sheets, by openpyxl),
//! import.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

mod abuse;
mod export;
mod hostile;
mod openpyxl;
mod properties;
mod refused;
mod valid;

use rust_xlsxwriter::{DocProperties, Workbook};
use tessera_core::{Email, UserId, WorkspaceName};
use tessera_mapping::{EXPORT_ID_PROPERTY, Snapshot, SnapshotRow};

pub(crate) fn snapshot(emails: &[&str]) -> Snapshot {
    Snapshot {
        export_id: "exp-1".into(),
        workspace: WorkspaceName::parse("acme").unwrap(),
        rows: emails
            .iter()
            .map(|e| SnapshotRow {
                user_id: UserId::random(),
                email: Email::parse(e).unwrap(),
            })
            .collect(),
    }
}

/// A sheet written cell by cell, as another program (or a careless admin) might.
pub(crate) fn sheet(export_id: Option<&str>, rows: &[[&str; 3]]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    if let Some(id) = export_id {
        workbook.set_properties(&DocProperties::new().set_custom_property(EXPORT_ID_PROPERTY, id));
    }
    let ws = workbook.add_worksheet();
    ws.set_name("Users").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                ws.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// The rows of `snapshot` as a sheet would hold them, header first, C = `idp`.
pub(crate) fn rows_of(snapshot: &Snapshot, idp: &[&str]) -> Vec<[String; 3]> {
    let mut rows = vec![[
        "User ID".to_owned(),
        "Current email".to_owned(),
        "IdP email".to_owned(),
    ]];
    for (row, c) in snapshot.rows.iter().zip(idp) {
        rows.push([
            row.user_id.to_string(),
            row.email.to_string(),
            (*c).to_owned(),
        ]);
    }
    rows
}

pub(crate) fn write(export_id: Option<&str>, rows: &[[String; 3]]) -> Vec<u8> {
    let borrowed: Vec<[&str; 3]> = rows
        .iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str()])
        .collect();
    sheet(export_id, &borrowed)
}
