//! Streaming the Users sheet cell by cell (calamine's `XlsxCellReader`), keeping only
//! columns A to C of the rows a sheet of this snapshot can have: neither the declared
//! dimension nor the cells actually present size an allocation.

use crate::limits::{CELLS_PER_ROW, EXTRA_ROWS, MAX_CELL_CHARS};
use crate::{Column, Problem, USERS_SHEET};
use calamine::{Data, DataRef, Xlsx};
use std::io::{Read, Seek};

/// The text of columns A to C, by spreadsheet row.
pub(crate) struct UsersSheet {
    /// `rows[0]` is spreadsheet row 1; ends at the last row with a value in A to C.
    rows: Vec<[String; 3]>,
}

impl UsersSheet {
    /// Reads the Users sheet of a sheet exported with `exported_rows` user rows. A value
    /// more than [`EXTRA_ROWS`] rows below them, a cell of A to C longer than
    /// [`MAX_CELL_CHARS`], or more than [`CELLS_PER_ROW`] cells per allowed row refuse
    /// the sheet at once.
    pub(crate) fn read<RS: Read + Seek>(
        workbook: &mut Xlsx<RS>,
        exported_rows: usize,
    ) -> Result<Self, Problem> {
        let header_and_users = u32::try_from(exported_rows)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let max_row = header_and_users.saturating_add(EXTRA_ROWS);
        let max_cells = u64::from(max_row) * CELLS_PER_ROW;
        let mut cells = workbook
            .worksheet_cells_reader(USERS_SHEET)
            .map_err(|_| no_users_sheet())?;
        let mut sheet = Self { rows: Vec::new() };
        let mut visited: u64 = 0;
        while let Some(cell) = cells.next_cell().map_err(|_| unreadable_sheet())? {
            visited += 1;
            if visited > max_cells {
                return Err(Problem::file(format!(
                    "the {USERS_SHEET} sheet holds more than {max_cells} cells; for {exported_rows} users it needs about {}: upload the downloaded file",
                    u64::from(header_and_users) * 3
                )));
            }
            let (row_index, col) = cell.get_position();
            let row = row_index.saturating_add(1);
            let value = cell.get_value();
            if let Some(length) = over_long(value) {
                return Err(at(
                    row,
                    col,
                    format!(
                        "the cell holds {length} characters; a mapping sheet cell holds at most {MAX_CELL_CHARS}"
                    ),
                ));
            }
            let Some(text) = text_of(value) else {
                continue;
            };
            if row > max_row {
                return Err(Problem::row(
                    row,
                    format!(
                        "the sheet has a value on row {row}, but at most {max_row} rows are read: the download had {exported_rows} user rows below the header; remove the rows you added"
                    ),
                ));
            }
            if col >= 3 {
                // An admin's notes beside the sheet are not part of it (M2 checks A to C);
                // the cell budget above bounds how many there may be.
                continue;
            }
            let index = row_index as usize;
            if sheet.rows.len() <= index {
                sheet.rows.resize_with(index + 1, Default::default);
            }
            sheet.rows[index][col as usize] = text;
        }
        Ok(sheet)
    }

    /// The trimmed text of `row` (1-based), column `col` (0 for A), empty if none.
    pub(crate) fn text(&self, row: u32, col: usize) -> &str {
        row.checked_sub(1)
            .and_then(|index| self.rows.get(index as usize))
            .and_then(|cells| cells.get(col))
            .map_or("", String::as_str)
    }

    /// The last row holding anything in A to C, 1-based (0 for an empty sheet).
    pub(crate) fn last_row(&self) -> u32 {
        self.rows.len() as u32
    }
}

/// A problem at `row` and column index `col`; columns past C are named in the message.
fn at(row: u32, col: u32, message: impl Into<String>) -> Problem {
    match [Column::A, Column::B, Column::C].get(col as usize) {
        Some(column) => Problem::cell(row, *column, message),
        None => Problem::row(
            row,
            format!("column {}: {}", column_letters(col), message.into()),
        ),
    }
}

/// The length in characters of a text value longer than [`MAX_CELL_CHARS`], looked
/// at before anything copies or scans it whole.
fn over_long(value: &DataRef<'_>) -> Option<usize> {
    let text = match value {
        DataRef::SharedString(s) => *s,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.as_str(),
        _ => return None,
    };
    if text.len() <= MAX_CELL_CHARS {
        return None;
    }
    let length = text.chars().count();
    (length > MAX_CELL_CHARS).then_some(length)
}

/// The cell's text, trimmed, or `None` for an empty (or blank) cell. Whole numbers read as
/// integers (a spreadsheet program may turn an id-like text into a number).
fn text_of(value: &DataRef<'_>) -> Option<String> {
    let text = match value {
        DataRef::Empty => return None,
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => Data::from(other.clone()).to_string().trim().to_owned(),
    };
    (!text.is_empty()).then_some(text)
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`, `16383` → `XFD`.
fn column_letters(col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn no_users_sheet() -> Problem {
    Problem::file(format!(
        "the file has no sheet named {USERS_SHEET:?}: upload the downloaded file, with its sheets as they were"
    ))
}

fn unreadable_sheet() -> Problem {
    Problem::file(format!(
        "the {USERS_SHEET} sheet is not readable: save the file in Excel's .xlsx format and upload it again"
    ))
}

#[cfg(test)]
mod tests {
    use super::column_letters;

    #[test]
    fn column_letters_match_the_spreadsheet_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }
}
