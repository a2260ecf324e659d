use crate::snapshot;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use tessera_core::WorkspaceName;
use tessera_mapping::{export, export_id_of, file_name};

// covers M1
#[test]
fn m1_the_download_is_named_after_the_workspace() {
    assert_eq!(
        file_name(&WorkspaceName::parse("acme").unwrap()),
        "user-mapping-acme.xlsx"
    );
}

// covers M1
#[test]
fn m1_one_header_row_then_a_row_per_user_with_c_prefilled_from_b() {
    let snap = snapshot(&["ada@acme.example", "Bob@Acme.Example"]);
    let bytes = export(&snap).unwrap();
    let mut workbook = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), ["Users", "Instructions"]);
    let range = workbook.worksheet_range("Users").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(Data::to_string).collect())
        .collect();
    assert_eq!(rows[0], ["User ID", "Current email", "IdP email"]);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        [
            snap.rows[0].user_id.to_string(),
            "ada@acme.example".into(),
            "ada@acme.example".into()
        ]
    );
    assert_eq!(rows[2][1], "Bob@Acme.Example");
    assert_eq!(rows[2][2], "Bob@Acme.Example");
    assert_eq!(export_id_of(&bytes).as_deref(), Some("exp-1"));
}

// covers M1
#[test]
fn m1_columns_a_and_b_are_locked_and_c_is_editable_under_sheet_protection() {
    let bytes = export(&snapshot(&["ada@acme.example"])).unwrap();
    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<sheetProtection"), "the sheet is protected");
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r#"<protection locked="0"/>"#),
        "column C's format is unlocked"
    );
    assert!(
        xml.contains("<dataValidation"),
        "column C carries the email hint"
    );
    assert!(xml.contains(r#"sqref="C2""#), "{xml}");
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn an_org_without_users_exports_just_the_header() {
    let bytes = export(&snapshot(&[])).unwrap();
    let mut workbook = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.worksheet_range("Users").unwrap().rows().count(), 1);
}
