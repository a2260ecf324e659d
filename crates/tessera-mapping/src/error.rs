//! The one error type of this crate.

/// Why a sheet could not be written.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// rust_xlsxwriter refused the workbook.
    #[error("cannot write the mapping sheet: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    /// The snapshot has more rows than a worksheet holds.
    #[error("{rows} users do not fit in one worksheet (at most {max})")]
    TooManyRows {
        /// Rows asked for.
        rows: usize,
        /// Rows a worksheet holds, below the header.
        max: usize,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, MappingError>;
