//! SCIM filters (RFC 7644 §3.4.2.2): parse, print, evaluate, and recognise the
//! lookups an index can answer.

mod ast;
mod eval;
mod indexed;
mod lexer;
mod parser;

pub use ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath};
pub use eval::matches;
pub use indexed::{IndexedAttribute, IndexedLookup, indexed_lookup};
pub use lexer::MAX_FILTER_LEN;
pub use parser::{MAX_FILTER_DEPTH, MAX_FILTER_TERMS, parse_filter, parse_path};

#[cfg(test)]
mod tests;
