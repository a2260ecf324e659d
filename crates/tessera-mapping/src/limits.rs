//! How much of an upload the reader will look at (issue #9, item 1).
//!
//! An upload is untrusted: a 1 MiB zip can declare a sheet of 17 billion cells or
//! inflate to gigabytes. Nothing the file declares sizes an allocation; these bounds
//! make reading it cost at most a fixed amount of memory and time, and a file past
//! one is refused with a [`crate::Problem`] that says which. A real export of an org
//! of 100,000 users (the size benchmarked in `docs/performance.md`) uses at most a
//! quarter of each: a 4 MB file, a 16 MB sheet, 10 MB and 200,000 shared strings.

/// The most bytes an uploaded file may have (the server's `body_limit_bytes` is
/// usually lower; this bounds the CLI).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// The most parts (zip entries) a sheet may hold; an export has about a dozen.
pub const MAX_PARTS: usize = 100;
/// The most bytes one part may inflate to, counted while inflating (declared sizes
/// are checked first, but may lie).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// The most bytes all parts together may inflate to.
pub const MAX_INFLATED_BYTES: u64 = 128 * 1024 * 1024;
/// The most shared strings (counted, and as declared by `uniqueCount`).
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// The most characters a cell of columns A to C may hold (an email has at most 254).
pub const MAX_CELL_CHARS: usize = 1024;
/// Rows below the downloaded ones that are still checked and listed as added rows;
/// a value further down refuses the sheet at once.
pub const EXTRA_ROWS: u32 = 1000;
/// Cells (empty ones included) visited per allowed row before the sheet is refused.
pub const CELLS_PER_ROW: u64 = 16;
