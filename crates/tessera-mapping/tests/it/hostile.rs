//! Building hostile uploads: a real export with one part rewritten, or a zip made by hand.

use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The part of an export holding the Users sheet.
pub(crate) const USERS_PART: &str = "xl/worksheets/sheet1.xml";
/// The part holding the shared strings.
pub(crate) const STRINGS_PART: &str = "xl/sharedStrings.xml";

/// Every part of the xlsx `bytes`, in archive order.
pub(crate) fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// A deflated zip of `parts`.
pub(crate) fn zip_of(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    for (name, data) in parts {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The xlsx `bytes` with the part `name` replaced by what `edit` makes of its text.
pub(crate) fn rewrite(bytes: &[u8], name: &str, edit: impl FnOnce(String) -> String) -> Vec<u8> {
    let mut all = parts(bytes);
    let part = all.iter_mut().find(|(n, _)| n == name).unwrap();
    part.1 = edit(String::from_utf8(std::mem::take(&mut part.1)).unwrap()).into_bytes();
    zip_of(&all)
}

/// The Users sheet of `bytes` with its dimension set to `dimension` and `cells`
/// (raw `<row>` elements) appended to its data.
pub(crate) fn with_users_rows(bytes: &[u8], dimension: &str, rows: &str) -> Vec<u8> {
    rewrite(bytes, USERS_PART, |xml| {
        let start = xml.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
        let end = start + xml[start..].find('"').unwrap();
        let xml = format!("{}{dimension}{}", &xml[..start], &xml[end..]);
        xml.replace("</sheetData>", &format!("{rows}</sheetData>"))
    })
}
