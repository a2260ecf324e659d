//! Checking the zip container before calamine opens it: size, number of parts, and
//! the inflated size of each part and of all (declared, then counted while inflating);
//! each part's markup is scanned on the way ([`markup::scan`]).

use crate::Problem;
use crate::limits::{MAX_FILE_BYTES, MAX_INFLATED_BYTES, MAX_PART_BYTES, MAX_PARTS};
use crate::markup;
use std::io::{self, Cursor, Read};
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
            "the file has more than {} MiB; a mapping sheet is far smaller: upload the downloaded file",
            MAX_FILE_BYTES / MIB as usize
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
        let mut bounded = part.take(limit + 1);
        let parsed = markup::scan(&name, &mut bounded);
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
