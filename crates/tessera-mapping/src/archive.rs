//! Checking the zip container before calamine opens it: size, number of parts, the
//! inflated size of each part and of all (declared, then counted while inflating) and
//! the number of shared strings, which calamine would otherwise reserve as declared.

use crate::Problem;
use crate::limits::{
    MAX_FILE_BYTES, MAX_INFLATED_BYTES, MAX_PART_BYTES, MAX_PARTS, MAX_SHARED_STRINGS,
};
use quick_xml::events::Event;
use std::io::{self, BufReader, Cursor, Read};
use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;

/// The problem for a file that is not an xlsx at all.
pub(crate) fn unreadable() -> Problem {
    Problem::file(
        "the file is not a readable .xlsx spreadsheet: save it in Excel's .xlsx format and upload it again",
    )
}

/// Reads every part of the archive once, within the limits of [`crate::limits`].
pub(crate) fn check(bytes: &[u8]) -> Result<(), Problem> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Problem::file(format!(
            "the file has {} bytes; a mapping sheet may have at most {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    if archive.len() > MAX_PARTS {
        return Err(Problem::file(format!(
            "the file holds {} parts; a mapping sheet holds at most {MAX_PARTS}: upload the downloaded file",
            archive.len()
        )));
    }
    let mut left = MAX_INFLATED_BYTES;
    for index in 0..archive.len() {
        let part = archive.by_index(index).map_err(|_| unreadable())?;
        let name: String = part
            .name()
            .map_err(|_| unreadable())?
            .chars()
            .take(100)
            .collect();
        let limit = MAX_PART_BYTES.min(left);
        if part.size() > limit {
            return Err(too_big(&name, limit));
        }
        let shared_strings = is_shared_strings(&name);
        let mut bounded = part.take(limit + 1);
        let parsed = if shared_strings {
            count_shared_strings(&mut bounded)
        } else {
            Ok(())
        };
        let drained = io::copy(&mut bounded, &mut io::sink());
        let inflated = limit + 1 - bounded.limit();
        if inflated > limit {
            return Err(too_big(&name, limit));
        }
        drained.map_err(|_| unreadable())?;
        parsed?;
        left -= inflated;
    }
    Ok(())
}

fn too_big(name: &str, limit: u64) -> Problem {
    if limit < MAX_PART_BYTES {
        Problem::file(format!(
            "the file inflates to more than {} MiB; a mapping sheet is far smaller: upload the downloaded file",
            MAX_INFLATED_BYTES / MIB
        ))
    } else {
        Problem::file(format!(
            "the part {name:?} of the file inflates to more than {} MiB; a mapping sheet is far smaller: upload the downloaded file",
            MAX_PART_BYTES / MIB
        ))
    }
}

/// Whether calamine could read the part `name` as the shared strings (it looks the
/// path up ignoring case and slash direction).
fn is_shared_strings(name: &str) -> bool {
    name.rsplit(['/', '\\'])
        .next()
        .is_some_and(|file| file.eq_ignore_ascii_case("sharedStrings.xml"))
}

/// Counts the `si` elements and checks the declared `uniqueCount`, which calamine
/// reserves room for.
fn count_shared_strings(part: impl Read) -> Result<(), Problem> {
    let too_many = || {
        Problem::file(format!(
            "the file holds more than {MAX_SHARED_STRINGS} shared strings; a mapping sheet holds far fewer: upload the downloaded file"
        ))
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut buf = Vec::new();
    let mut count: u64 = 0;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                match element.local_name().as_ref() {
                    "sst" => {
                        let declared = element
                            .try_get_attribute("uniqueCount")
                            .map_err(|_| unreadable())?;
                        if let Some(declared) = declared {
                            let count = declared
                                .value
                                .trim()
                                .parse::<u64>()
                                .map_err(|_| unreadable())?;
                            if count > MAX_SHARED_STRINGS {
                                return Err(too_many());
                            }
                        }
                    }
                    "si" => {
                        count += 1;
                        if count > MAX_SHARED_STRINGS {
                            return Err(too_many());
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Err(_) => return Err(unreadable()),
            Ok(_) => {}
        }
    }
}
