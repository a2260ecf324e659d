//! Scanning a part's XML (with calamine's own parser, quick-xml, configured as
//! calamine configures it) for what calamine would trust: the shared-string count it
//! reserves room for, and cell references it turns into numbers without checking for
//! overflow.

use crate::Problem;
use crate::archive::unreadable;
use crate::limits::MAX_SHARED_STRINGS;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Read};

/// Columns and rows of a worksheet (XFD, 1048576).
const MAX_COLUMN: u32 = 16_384;
const MAX_ROW: u32 = 1_048_576;

/// Scans the part `name`: shared strings are counted, and every cell, row and
/// dimension reference must lie inside A1:XFD1048576. A part that is not XML is left
/// to calamine, except the shared strings, which calamine reads on opening the file.
pub(crate) fn scan(name: &str, part: impl Read) -> Result<(), Problem> {
    let shared_strings = is_shared_strings(name);
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut buf = Vec::new();
    let mut strings: u64 = 0;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                match element.local_name().as_ref() {
                    "sst" if shared_strings => check_declared_count(&element)?,
                    "si" if shared_strings => {
                        strings += 1;
                        if strings > MAX_SHARED_STRINGS {
                            return Err(too_many_strings());
                        }
                    }
                    "c" => check_reference(&element, "r", cell)?,
                    "row" => check_reference(&element, "r", |r| row(r).is_some())?,
                    "dimension" => check_reference(&element, "ref", dimension)?,
                    _ => {}
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Err(_) if shared_strings => return Err(unreadable()),
            Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// Whether calamine could read the part `name` as the shared strings (it looks the
/// path up ignoring case and slash direction).
fn is_shared_strings(name: &str) -> bool {
    name.rsplit(['/', '\\'])
        .next()
        .is_some_and(|file| file.eq_ignore_ascii_case("sharedStrings.xml"))
}

fn too_many_strings() -> Problem {
    Problem::file(format!(
        "the file holds more than {MAX_SHARED_STRINGS} shared strings; a mapping sheet holds far fewer: upload the downloaded file"
    ))
}

/// The `uniqueCount` calamine reserves room for, as declared.
fn check_declared_count(element: &BytesStart<'_>) -> Result<(), Problem> {
    let Some(declared) = element
        .try_get_attribute("uniqueCount")
        .map_err(|_| unreadable())?
    else {
        return Ok(());
    };
    let count = declared
        .value
        .trim()
        .parse::<u64>()
        .map_err(|_| unreadable())?;
    if count > MAX_SHARED_STRINGS {
        return Err(too_many_strings());
    }
    Ok(())
}

fn check_reference(
    element: &BytesStart<'_>,
    attribute: &str,
    valid: impl Fn(&str) -> bool,
) -> Result<(), Problem> {
    let Ok(Some(reference)) = element.try_get_attribute(attribute) else {
        return Ok(());
    };
    if valid(&reference.value) {
        return Ok(());
    }
    let shown: String = reference.value.chars().take(24).collect();
    Err(Problem::file(format!(
        "the file refers to cell {shown:?}, outside a spreadsheet's A1:XFD1048576: upload the downloaded file"
    )))
}

/// `A1`…`XFD1048576` (letters in either case, as calamine reads them).
fn cell(reference: &str) -> bool {
    let digits_at = reference
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(reference.len());
    let (letters, digits) = reference.split_at(digits_at);
    column(letters).is_some() && row(digits).is_some()
}

/// `A1` or `A1:B2`.
fn dimension(reference: &str) -> bool {
    match reference.split_once(':') {
        Some((first, last)) => cell(first) && cell(last),
        None => cell(reference),
    }
}

fn column(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut number: u32 = 0;
    for letter in letters.bytes() {
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        number = number * 26 + u32::from(letter.to_ascii_uppercase() - b'A') + 1;
    }
    (number <= MAX_COLUMN).then_some(number)
}

fn row(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    (1..=MAX_ROW).contains(&number).then_some(number)
}

#[cfg(test)]
mod tests {
    use super::{cell, dimension};

    #[test]
    fn references_inside_the_grid_pass_and_others_do_not() {
        for good in ["A1", "c3", "XFD1048576", "AB12"] {
            assert!(cell(good), "{good}");
        }
        for bad in [
            "",
            "A",
            "1",
            "A0",
            "XFE1",
            "A1048577",
            "AAAA1",
            "A99999999999",
            "A1B",
            "$A$1",
        ] {
            assert!(!cell(bad), "{bad}");
        }
        assert!(dimension("A1:XFD1048576"));
        assert!(!dimension("A1:XFD99999999999"));
    }
}
