//! What is wrong with an upload, by row and column.

use std::fmt;

/// A column of the users sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// User id.
    A,
    /// Current email.
    B,
    /// IdP email.
    C,
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Column::A => "A",
            Column::B => "B",
            Column::C => "C",
        })
    }
}

/// One problem with an upload. `row` is the spreadsheet's own row number (the header
/// is row 1); both are `None` for problems with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row, as the spreadsheet program numbers it.
    pub row: Option<u32>,
    /// The column.
    pub column: Option<Column>,
    /// A sentence an admin understands.
    pub message: String,
}

impl Problem {
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self {
            row: None,
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn row(row: u32, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn cell(row: u32, column: Column, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: Some(column),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.column) {
            (Some(row), Some(column)) => write!(f, "row {row}, column {column}: {}", self.message),
            (Some(row), None) => write!(f, "row {row}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// An upload that was refused: nothing from it may be applied (M2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the mapping sheet was refused: {} problem(s), first: {}", .problems.len() + .omitted, .problems.first().map(ToString::to_string).unwrap_or_default())]
pub struct Rejection {
    /// The problems, in sheet order (at most [`Rejection::MAX_LISTED`]).
    pub problems: Vec<Problem>,
    /// How many further problems were found but not listed.
    pub omitted: usize,
}

impl Rejection {
    /// The most problems listed one by one; a sheet edited beyond that is summarised.
    pub const MAX_LISTED: usize = 500;

    pub(crate) fn from_problems(mut problems: Vec<Problem>) -> Self {
        let omitted = problems.len().saturating_sub(Self::MAX_LISTED);
        problems.truncate(Self::MAX_LISTED);
        Self { problems, omitted }
    }
}
