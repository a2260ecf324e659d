//! PATCH (RFC 7644 §3.5.2): one normalised operation model for every IdP dialect,
//! applied to users in full and turned into small member deltas for groups.

mod apply_user;
mod group_delta;
mod normalise;

pub use apply_user::apply_user_patch;
pub use group_delta::{GroupDelta, group_deltas};
pub(crate) use normalise::coerce_booleans;
pub use normalise::{MAX_PATCH_OPERATIONS, normalise_patch};

use crate::filter::PatchPath;
use serde_json::Value;
use std::fmt;

/// The three PATCH operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOpKind {
    /// `add`
    Add,
    /// `remove`
    Remove,
    /// `replace`
    Replace,
}

impl fmt::Display for PatchOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Replace => "replace",
        })
    }
}

/// One normalised operation: always with a path (pathless values are expanded per key),
/// booleans coerced, URNs standard, attribute names canonical.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchOperation {
    /// What to do.
    pub op: PatchOpKind,
    /// Where.
    pub path: PatchPath,
    /// The value (`None` only for `remove`).
    pub value: Option<Value>,
}

impl PatchOperation {
    /// The operation as RFC 7644 JSON (`{"op", "path", "value"}`).
    pub fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert("op".into(), Value::String(self.op.to_string()));
        object.insert("path".into(), Value::String(self.path.to_string()));
        if let Some(value) = &self.value {
            object.insert("value".into(), value.clone());
        }
        Value::Object(object)
    }
}

#[cfg(test)]
mod tests;
