//! Property tests over the reader with attack-shaped uploads (issue #9, item 1): far
//! cells, odd dimensions and references, random bytes inside a valid zip, truncated
//! and corrupted zips. Every input is answered with links or problems, never a panic,
//! and within a generous wall-clock guard (a guard against unbounded work, not a
//! performance measurement).

use crate::hostile::{USERS_PART, parts, zip_of};
use crate::snapshot;
use proptest::prelude::*;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tessera_mapping::limits::EXTRA_ROWS;
use tessera_mapping::{Link, Rejection, Snapshot, export, export_id_of, import};

const GUARD: Duration = Duration::from_secs(20);

fn base() -> &'static (Snapshot, Vec<u8>) {
    static BASE: OnceLock<(Snapshot, Vec<u8>)> = OnceLock::new();
    BASE.get_or_init(|| {
        let snap = snapshot(&["ada@acme.example", "bob@acme.example", "cy@acme.example"]);
        let bytes = export(&snap).unwrap();
        (snap, bytes)
    })
}

/// Imports `bytes` against the base snapshot, within the guard; also asks for its
/// export id, the other entry point the server calls on an upload.
fn read(bytes: &[u8]) -> Result<Vec<Link>, Rejection> {
    let (snap, _) = base();
    let started = Instant::now();
    let _ = export_id_of(bytes);
    let result = import("user-mapping-acme.xlsx", bytes, snap, &snap.rows);
    assert!(started.elapsed() < GUARD, "took {:?}", started.elapsed());
    if let Err(rejection) = &result {
        assert!(!rejection.problems.is_empty());
        assert!(rejection.problems.len() <= Rejection::MAX_LISTED);
    }
    result
}

/// The base export with its Users sheet's bytes changed by `edit`.
fn with_users_bytes(edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut all = parts(&base().1);
    let sheet = all.iter_mut().find(|(name, _)| name == USERS_PART).unwrap();
    edit(&mut sheet.1);
    zip_of(&all)
}

fn insert_before(xml: &mut Vec<u8>, marker: &[u8], insert: &[u8]) {
    let at = xml.windows(marker.len()).position(|w| w == marker).unwrap();
    xml.splice(at..at, insert.iter().copied());
}

/// A cell reference: mostly inside Excel's grid, sometimes far beyond it.
fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[A-C]", 1u32..10).prop_map(|(c, r)| format!("{c}{r}")),
        ("[A-Z]{1,3}", 1u32..=1_048_576).prop_map(|(c, r)| format!("{c}{r}")),
        ("[A-Z]{1,7}", 0u64..=99_999_999_999).prop_map(|(c, r)| format!("{c}{r}")),
        "[A-Za-z0-9$:]{0,12}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z@.]{0,20}".prop_map(|t| format!(r#" t="inlineStr"><is><t>{t}</t></is></c>"#)),
        any::<i64>().prop_map(|n| format!("><v>{n}</v></c>")),
        any::<u64>().prop_map(|n| format!(r#" t="s"><v>{n}</v></c>"#)),
        Just("/>".to_owned()),
    ]
}

fn hostile_rows() -> impl Strategy<Value = Vec<(u64, String, String)>> {
    prop::collection::vec((0u64..=4_294_967_296, reference(), value()), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    // covers M2
    #[test]
    fn m2_far_cells_and_odd_dimensions_are_answered_with_problems(
        dimension in reference(),
        rows in hostile_rows(),
    ) {
        let bytes = with_users_bytes(|xml| {
            let text = String::from_utf8(std::mem::take(xml)).unwrap();
            let start = text.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
            let end = start + text[start..].find('"').unwrap();
            let cells: String = rows
                .iter()
                .map(|(row, r, v)| format!(r#"<row r="{row}"><c r="{r}"{v}</row>"#))
                .collect();
            *xml = format!("{}{dimension}{}", &text[..start], &text[end..])
                .replace("</sheetData>", &format!("{cells}</sheetData>"))
                .into_bytes();
        });
        let far_value = rows.iter().any(|(_, r, v)| {
            !v.starts_with("/>") && !v.contains("<t></t>") && row_of(r).is_some_and(|n| n > 4 + u64::from(EXTRA_ROWS))
        });
        let result = read(&bytes);
        if far_value {
            prop_assert!(result.is_err(), "a value past the row bound was accepted");
        }
    }

    // covers M2
    #[test]
    fn m2_random_bytes_inside_the_users_sheet_are_answered_with_problems(
        junk in prop::collection::vec(any::<u8>(), 0..64),
        at in 0.0f64..1.0,
    ) {
        let bytes = with_users_bytes(|xml| {
            let offset = (xml.len() as f64 * at) as usize;
            xml.splice(offset..offset, junk.iter().copied());
        });
        let _ = read(&bytes);
    }

    // covers M2
    #[test]
    fn m2_random_markup_before_the_end_of_the_sheet_data_is_answered_with_problems(
        markup in "[<>/=\" a-z0-9:]{0,80}",
    ) {
        let bytes = with_users_bytes(|xml| insert_before(xml, b"</sheetData>", markup.as_bytes()));
        let _ = read(&bytes);
    }

    // covers M2
    #[test]
    fn m2_a_truncated_file_is_refused(keep in 0.0f64..1.0) {
        let bytes = &base().1;
        let cut = &bytes[..(bytes.len() as f64 * keep) as usize];
        prop_assert!(read(cut).is_err());
    }

    // covers M2
    #[test]
    fn m2_a_corrupted_file_is_answered_with_links_or_problems(
        flips in prop::collection::vec((0.0f64..1.0, 1u8..=255), 1..16),
    ) {
        let mut bytes = base().1.clone();
        for (at, mask) in flips {
            let offset = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[offset] ^= mask;
        }
        let _ = read(&bytes);
    }
}

/// The row number of a reference like `XFD1048576`, if it is one.
fn row_of(reference: &str) -> Option<u64> {
    let digits = reference.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let letters = reference.len() - digits.len();
    (letters > 0
        && letters <= 3
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit()))
    .then(|| digits.parse().ok())
    .flatten()
}
