//! Hostile sheets (issue #9, item 1): each is refused with an M2-style problem, without
//! the declared or actual size of anything in the file sizing an allocation.

use crate::hostile::{STRINGS_PART, parts, rewrite, with_users_rows, zip_of};
use crate::snapshot;
use tessera_mapping::limits::{MAX_PART_BYTES, MAX_PARTS, MAX_SHARED_STRINGS};
use tessera_mapping::{Rejection, Snapshot, export, export_id_of, import};

const NAME: &str = "user-mapping-acme.xlsx";

fn two_users() -> Snapshot {
    snapshot(&["ada@acme.example", "bob@acme.example"])
}

fn rejection(snap: &Snapshot, bytes: &[u8]) -> Rejection {
    import(NAME, bytes, snap, &snap.rows).unwrap_err()
}

fn problems(snap: &Snapshot, bytes: &[u8]) -> Vec<String> {
    rejection(snap, bytes)
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The problems with an export of two users whose Users sheet declares `dimension`
/// and ends with the raw `rows`.
fn problems_with_rows(dimension: &str, rows: &str) -> Vec<String> {
    let snap = two_users();
    problems(
        &snap,
        &with_users_rows(&export(&snap).unwrap(), dimension, rows),
    )
}

/// A deflated part of `size` zero bytes: a few KiB that inflate to `size`.
fn zeros(name: &str, size: u64) -> (String, Vec<u8>) {
    (name.to_owned(), vec![0; size as usize])
}

// covers M2
#[test]
fn m2_one_far_cell_with_a_whole_sheet_dimension_is_refused_without_allocating_the_range() {
    assert_eq!(
        problems_with_rows(
            "A1:XFD1048576",
            r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#
        ),
        [
            "row 1048576: the sheet has a value on row 1048576, but at most 1003 rows are read: the download had 2 user rows below the header; remove the rows you added"
        ]
    );
}

// covers M2
#[test]
fn m2_a_whole_sheet_dimension_alone_does_not_refuse_a_valid_sheet() {
    let snap = two_users();
    let bytes = with_users_rows(&export(&snap).unwrap(), "A1:XFD1048576", "");
    let links = import(NAME, &bytes, &snap, &snap.rows).unwrap();
    assert_eq!(links.len(), 2);
}

// covers M2
#[test]
fn m2_notes_beside_column_c_are_ignored_even_far_right() {
    let snap = two_users();
    let notes = r#"<row r="3"><c r="D3" t="inlineStr"><is><t>left in May</t></is></c><c r="XFD3" t="inlineStr"><is><t>note</t></is></c></row>"#;
    let bytes = with_users_rows(&export(&snap).unwrap(), "A1:XFD3", notes);
    let links = import(NAME, &bytes, &snap, &snap.rows).unwrap();
    assert_eq!(links.len(), 2);
}

// covers M2
#[test]
fn m2_many_rows_below_the_download_are_refused_at_the_first_row_past_the_bound() {
    let snap = two_users();
    let rows: String = (4..=5000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
        .collect();
    let rejection = rejection(
        &snap,
        &with_users_rows(&export(&snap).unwrap(), "A1:A5000", &rows),
    );
    let last = rejection.problems.last().unwrap().to_string();
    assert!(
        last.starts_with(
            "row 1004: the sheet has a value on row 1004, but at most 1003 rows are read"
        ),
        "{last}"
    );
}

// covers M2
#[test]
fn m2_many_note_cells_pass_within_the_cell_budget_and_are_refused_past_it() {
    let snap = two_users();
    // `rows` rows of notes from row 2, each with `columns` cells right of C.
    let with_notes = |rows: u32, columns: u32| {
        let xml: String = (2..2 + rows)
            .map(|r| {
                let cells: String = (4..4 + columns)
                    .map(|c| {
                        format!(
                            r#"<c r="{}{r}" t="inlineStr"><is><t>x</t></is></c>"#,
                            letters(c)
                        )
                    })
                    .collect();
                format!(r#"<row r="{r}">{cells}</row>"#)
            })
            .collect();
        with_users_rows(&export(&snap).unwrap(), "A1:ALN21", &xml)
    };
    assert_eq!(
        import(NAME, &with_notes(2, 600), &snap, &snap.rows)
            .unwrap()
            .len(),
        2
    );
    let refused = problems(&snap, &with_notes(20, 1000));
    assert!(refused[0].contains("sheet holds more than"), "{refused:?}");
}

// covers M2
#[test]
fn m2_a_sheet_of_many_empty_cells_is_refused_once_the_cell_budget_is_spent() {
    let snap = two_users();
    let cells = "<c/>".repeat(20_000);
    let problems = problems(
        &snap,
        &with_users_rows(
            &export(&snap).unwrap(),
            "A1:A3",
            &format!(r#"<row r="3">{cells}</row>"#),
        ),
    );
    assert_eq!(
        problems,
        [
            "the Users sheet holds more than 16048 cells; for 2 users it needs about 9: upload the downloaded file"
        ]
    );
}

// covers M2
#[test]
fn m2_a_huge_shared_string_is_refused_at_its_first_cell() {
    let snap = two_users();
    let huge = "a".repeat(5_000_000);
    let bytes = rewrite(&export(&snap).unwrap(), STRINGS_PART, |xml| {
        xml.replace(">ada@acme.example<", &format!(">{huge}<"))
    });
    assert_eq!(
        problems(&snap, &bytes),
        [
            "row 2, column B: the cell holds 5000000 characters; a mapping sheet cell holds at most 1024"
        ]
    );
}

// covers M2
#[test]
fn m2_a_declared_shared_string_count_beyond_the_bound_is_refused_before_calamine_reserves_it() {
    let snap = two_users();
    let bytes = rewrite(&export(&snap).unwrap(), STRINGS_PART, |xml| {
        let start = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = start + xml[start..].find('"').unwrap();
        format!("{}4000000000000{}", &xml[..start], &xml[end..])
    });
    let expected = format!(
        "the file holds more than {MAX_SHARED_STRINGS} shared strings; a mapping sheet holds far fewer: upload the downloaded file"
    );
    assert_eq!(problems(&snap, &bytes), [expected]);
    assert_eq!(export_id_of(&bytes), None);
}

// covers M2
#[test]
fn m2_more_shared_strings_than_the_bound_are_refused() {
    let snap = two_users();
    let bytes = rewrite(&export(&snap).unwrap(), STRINGS_PART, |xml| {
        let extra = "<si/>".repeat(MAX_SHARED_STRINGS as usize);
        xml.replace("</sst>", &format!("{extra}</sst>"))
    });
    let problems = problems(&snap, &bytes);
    assert!(problems[0].contains("shared strings"), "{problems:?}");
}

// covers M2
#[test]
fn m2_a_zip_bomb_part_is_refused_by_its_declared_size() {
    let snap = two_users();
    let mut all = parts(&export(&snap).unwrap());
    all.push(zeros("xl/media/bomb.bin", MAX_PART_BYTES + 1));
    let bytes = zip_of(&all);
    assert!(
        bytes.len() < 1024 * 1024,
        "the bomb is small: {}",
        bytes.len()
    );
    assert_eq!(
        problems(&snap, &bytes),
        [
            "the part \"xl/media/bomb.bin\" of the file inflates to more than 64 MiB; a mapping sheet is far smaller: upload the downloaded file"
        ]
    );
    assert_eq!(export_id_of(&bytes), None);
}

// covers M2
#[test]
fn m2_a_zip_bomb_whose_declared_size_lies_is_refused_while_inflating() {
    let snap = two_users();
    let mut all = parts(&export(&snap).unwrap());
    let lie = 1000u32;
    all.push(zeros(LIAR_PART, MAX_PART_BYTES + 1));
    let bytes = declare_size(zip_of(&all), LIAR_PART, lie);
    let problems = problems(&snap, &bytes);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("the file is not a readable .xlsx spreadsheet"),
        "{problems:?}"
    );
}

// covers M2
#[test]
fn m2_parts_that_inflate_beyond_the_total_bound_are_refused() {
    let snap = two_users();
    let mut all = parts(&export(&snap).unwrap());
    for n in 0..3 {
        all.push(zeros(&format!("xl/media/{n}.bin"), MAX_PART_BYTES - 1));
    }
    assert_eq!(
        problems(&snap, &zip_of(&all)),
        [
            "the file inflates to more than 128 MiB; a mapping sheet is far smaller: upload the downloaded file"
        ]
    );
}

// covers M2
#[test]
fn m2_a_file_of_many_parts_is_refused() {
    let snap = two_users();
    let mut all = parts(&export(&snap).unwrap());
    for n in all.len()..=MAX_PARTS {
        all.push((format!("xl/media/{n}.bin"), vec![1]));
    }
    assert_eq!(
        problems(&snap, &zip_of(&all)),
        [format!(
            "the file holds {} parts; a mapping sheet holds at most {MAX_PARTS}: upload the downloaded file",
            MAX_PARTS + 1
        )]
    );
}

// covers M2
#[test]
fn m2_a_file_larger_than_the_bound_is_refused_before_it_is_opened() {
    let snap = two_users();
    let bytes = vec![b'x'; 33 * 1024 * 1024];
    let problems = problems(&snap, &bytes);
    assert!(
        problems[0].starts_with("the file has more than 32 MiB; a mapping sheet is far smaller"),
        "{problems:?}"
    );
}

const LIAR_PART: &str = "xl/media/liar.bin";

/// `bytes` with the uncompressed size of the part `name` rewritten to `size` in both
/// its local header and its central directory entry.
fn declare_size(mut bytes: Vec<u8>, name: &str, size: u32) -> Vec<u8> {
    let headers = [
        (b"PK\x03\x04", 22usize, 30usize, 26usize),
        (b"PK\x01\x02", 24, 46, 28),
    ];
    for (signature, size_at, name_at, name_len_at) in headers {
        let mut at = 0;
        while let Some(found) = find(&bytes[at..], signature) {
            let start = at + found;
            let name_len =
                u16::from_le_bytes([bytes[start + name_len_at], bytes[start + name_len_at + 1]]);
            let stored = &bytes[start + name_at..start + name_at + usize::from(name_len)];
            if stored == name.as_bytes() {
                bytes[start + size_at..start + size_at + 4].copy_from_slice(&size.to_le_bytes());
            }
            at = start + 4;
        }
    }
    bytes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn letters(col: u32) -> String {
    let mut n = col;
    let mut out = Vec::new();
    while n > 0 {
        out.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

// covers M2
#[test]
fn m2_a_cell_reference_past_the_grid_is_refused_before_calamine_computes_it() {
    assert_eq!(
        problems_with_rows(
            "A1:C3",
            r#"<row r="3"><c r="A99999999999" t="inlineStr"><is><t>x</t></is></c></row>"#
        ),
        [
            "the file refers to cell \"A99999999999\", outside a spreadsheet's A1:XFD1048576: upload the downloaded file"
        ]
    );
}
