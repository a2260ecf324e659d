//! The crate's one error type and its RFC 7644 §3.12 wire form.

use crate::urn;
use serde::Serialize;
use std::fmt;

/// Result alias for this crate.
pub type Result<T, E = ScimError> = std::result::Result<T, E>;

/// The `scimType` keywords of RFC 7644 §3.12 (Table 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScimType {
    /// The filter syntax is invalid or names an unsupported construct.
    InvalidFilter,
    /// The filter would return more results than the server allows.
    TooMany,
    /// A value collides with one that must be unique.
    Uniqueness,
    /// The change is incompatible with the attribute's mutability.
    Mutability,
    /// The request body is not a valid SCIM message.
    InvalidSyntax,
    /// A PATCH path is invalid or unsupported.
    InvalidPath,
    /// A PATCH path selected nothing to change.
    NoTarget,
    /// A value is missing, of the wrong type, or not acceptable.
    InvalidValue,
    /// The protocol version is not supported.
    InvalidVers,
    /// Sensitive data was put where it must not be (e.g. a URL).
    Sensitive,
}

impl ScimType {
    /// The keyword as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
            Self::Sensitive => "sensitive",
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ScimType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Everything that can go wrong in SCIM processing. Every variant maps to one HTTP
/// status and at most one `scimType`; its `Display` text is safe to send to the client.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScimError {
    /// A filter could not be parsed; `position` is a byte offset into the filter.
    #[error("invalid filter at position {position}: {problem}")]
    InvalidFilter {
        /// Byte offset of the problem in the filter text.
        position: usize,
        /// What is wrong there.
        problem: String,
    },
    /// A filter (or path) exceeds the size or nesting caps.
    #[error("filter is too complex: {problem}")]
    FilterTooComplex {
        /// Which cap was exceeded.
        problem: String,
    },
    /// A query parameter (`startIndex`, `count`, `attributes`...) is malformed.
    #[error("invalid query parameter {name}: {problem}")]
    InvalidParameter {
        /// The parameter name as sent.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The request body is not a SCIM message of the expected shape.
    #[error("invalid request body: {problem}")]
    InvalidSyntax {
        /// What is wrong with it.
        problem: String,
    },
    /// A PATCH path is malformed or names something this server cannot change.
    #[error("invalid path {path:?}: {problem}")]
    InvalidPath {
        /// The path as sent.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A PATCH path matched nothing where something was required.
    #[error("no target for path {path:?}")]
    NoTarget {
        /// The path as sent.
        path: String,
    },
    /// A value has the wrong type or is not acceptable.
    #[error("invalid value for {attribute}: {problem}")]
    InvalidValue {
        /// The attribute (path) concerned.
        attribute: String,
        /// What is wrong with the value.
        problem: String,
    },
    /// An attempt to change a read-only or immutable attribute.
    #[error("attribute {attribute} cannot be modified")]
    Mutability {
        /// The attribute concerned.
        attribute: String,
    },
    /// A value that must be unique is already taken (the server detects this).
    #[error("{attribute} {value:?} is already taken")]
    Uniqueness {
        /// The attribute concerned (`userName`, `displayName`).
        attribute: String,
        /// The colliding value.
        value: String,
    },
    /// The query would return more results than the server is willing to compute.
    #[error("too many results: {problem}")]
    TooMany {
        /// Why the request was refused.
        problem: String,
    },
    /// No resource with this id exists (in this workspace).
    #[error("{resource_type} {id} not found")]
    NotFound {
        /// `User` or `Group`.
        resource_type: String,
        /// The id as requested.
        id: String,
    },
    /// The `If-Match` precondition failed.
    #[error("resource version {current} does not match If-Match {if_match}")]
    PreconditionFailed {
        /// The `If-Match` header as sent.
        if_match: String,
        /// The resource's current ETag.
        current: String,
    },
    /// Missing or wrong bearer token.
    #[error("authentication required: {detail}")]
    Unauthorized {
        /// Public explanation.
        detail: String,
    },
}

impl ScimError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidFilter { .. }
            | Self::FilterTooComplex { .. }
            | Self::InvalidParameter { .. }
            | Self::InvalidSyntax { .. }
            | Self::InvalidPath { .. }
            | Self::NoTarget { .. }
            | Self::InvalidValue { .. }
            | Self::Mutability { .. }
            | Self::TooMany { .. } => 400,
            Self::Unauthorized { .. } => 401,
            Self::NotFound { .. } => 404,
            Self::Uniqueness { .. } => 409,
            Self::PreconditionFailed { .. } => 412,
        }
    }

    /// The RFC 7644 `scimType`, when the status is 400 or 409.
    pub fn scim_type(&self) -> Option<ScimType> {
        match self {
            Self::InvalidFilter { .. } | Self::FilterTooComplex { .. } => {
                Some(ScimType::InvalidFilter)
            }
            Self::InvalidParameter { .. } | Self::InvalidValue { .. } => {
                Some(ScimType::InvalidValue)
            }
            Self::InvalidSyntax { .. } => Some(ScimType::InvalidSyntax),
            Self::InvalidPath { .. } => Some(ScimType::InvalidPath),
            Self::NoTarget { .. } => Some(ScimType::NoTarget),
            Self::Mutability { .. } => Some(ScimType::Mutability),
            Self::Uniqueness { .. } => Some(ScimType::Uniqueness),
            Self::TooMany { .. } => Some(ScimType::TooMany),
            Self::NotFound { .. } | Self::PreconditionFailed { .. } | Self::Unauthorized { .. } => {
                None
            }
        }
    }

    /// The RFC 7644 §3.12 error body for this error.
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody::new(self.status(), self.scim_type(), self.to_string())
    }

    pub(crate) fn invalid_value(attribute: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::InvalidValue {
            attribute: attribute.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn invalid_path(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::InvalidPath {
            path: path.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn syntax(problem: impl Into<String>) -> Self {
        Self::InvalidSyntax {
            problem: problem.into(),
        }
    }
}

/// The RFC 7644 §3.12 error response body (`status` is a string, as the RFC says).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// Always the Error message URN.
    pub schemas: Vec<&'static str>,
    /// The HTTP status as a string, e.g. `"400"`.
    pub status: String,
    /// The SCIM error keyword, when there is one.
    #[serde(rename = "scimType", skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimType>,
    /// Human-readable, public explanation.
    pub detail: String,
}

impl ErrorBody {
    /// Builds a body from a status, an optional `scimType` and a public detail text.
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        Self {
            schemas: vec![urn::ERROR],
            status: status.to_string(),
            scim_type,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_has_string_status_and_scim_type() {
        let error = ScimError::InvalidFilter {
            position: 9,
            problem: "expected an operator".into(),
        };
        let body = serde_json::to_value(error.to_body()).unwrap();
        assert_eq!(
            body,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "400",
                "scimType": "invalidFilter",
                "detail": "invalid filter at position 9: expected an operator"
            })
        );
    }

    #[test]
    fn not_found_has_no_scim_type() {
        let error = ScimError::NotFound {
            resource_type: "User".into(),
            id: "42".into(),
        };
        assert_eq!(error.status(), 404);
        let body = serde_json::to_value(error.to_body()).unwrap();
        assert_eq!(body["status"], "404");
        assert!(body.get("scimType").is_none());
        assert_eq!(body["detail"], "User 42 not found");
    }

    #[test]
    fn each_variant_maps_to_its_status_and_keyword() {
        let cases: Vec<(ScimError, u16, Option<&str>)> = vec![
            (
                ScimError::FilterTooComplex {
                    problem: "deep".into(),
                },
                400,
                Some("invalidFilter"),
            ),
            (
                ScimError::InvalidParameter {
                    name: "count".into(),
                    problem: "x".into(),
                },
                400,
                Some("invalidValue"),
            ),
            (ScimError::syntax("x"), 400, Some("invalidSyntax")),
            (ScimError::invalid_path("p", "x"), 400, Some("invalidPath")),
            (
                ScimError::NoTarget { path: "p".into() },
                400,
                Some("noTarget"),
            ),
            (
                ScimError::invalid_value("a", "x"),
                400,
                Some("invalidValue"),
            ),
            (
                ScimError::Mutability {
                    attribute: "id".into(),
                },
                400,
                Some("mutability"),
            ),
            (
                ScimError::Uniqueness {
                    attribute: "userName".into(),
                    value: "x".into(),
                },
                409,
                Some("uniqueness"),
            ),
            (
                ScimError::TooMany {
                    problem: "x".into(),
                },
                400,
                Some("tooMany"),
            ),
            (
                ScimError::PreconditionFailed {
                    if_match: "a".into(),
                    current: "b".into(),
                },
                412,
                None,
            ),
            (
                ScimError::Unauthorized {
                    detail: "bad token".into(),
                },
                401,
                None,
            ),
        ];
        for (error, status, keyword) in cases {
            assert_eq!(error.status(), status, "{error}");
            assert_eq!(error.scim_type().map(ScimType::as_str), keyword, "{error}");
        }
        for keyword in [ScimType::InvalidVers, ScimType::Sensitive] {
            let body = serde_json::to_value(ErrorBody::new(400, Some(keyword), "x")).unwrap();
            assert_eq!(body["scimType"], keyword.as_str());
        }
    }
}
