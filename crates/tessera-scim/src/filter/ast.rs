//! The filter and PATCH-path syntax tree, and its canonical text form.
//!
//! `Display` writes a filter that parses back to the same tree: `and`/`or` chains are
//! n-ary and flattened by the parser, so only an `or` inside an `and` needs parentheses.

use crate::urn;
use std::fmt;

/// An attribute path: `[URN ":"] name ["." subAttr]` (RFC 7644 §3.4.2.2). Names keep the
/// spelling that was sent; compare them with [`AttrPath::is`] (case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// Schema URN prefix, normalised to the standard spelling when it is a known one.
    pub urn: Option<String>,
    /// Attribute name.
    pub name: String,
    /// Sub-attribute name.
    pub sub_attr: Option<String>,
}

impl AttrPath {
    /// A path without URN or sub-attribute.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            urn: None,
            name: name.into(),
            sub_attr: None,
        }
    }

    /// A path `name.sub`.
    pub fn with_sub(name: impl Into<String>, sub: impl Into<String>) -> Self {
        Self {
            urn: None,
            name: name.into(),
            sub_attr: Some(sub.into()),
        }
    }

    /// True when the URN (if any) is the core schema of `core_urn` or absent: the path
    /// then names a core attribute.
    pub fn is_core(&self, core_urn: &str) -> bool {
        self.urn
            .as_deref()
            .is_none_or(|u| u.eq_ignore_ascii_case(core_urn))
    }

    /// True when this path is `name` (or `name.sub` when `sub` is given), compared
    /// case-insensitively, with no URN or the core User/Group URN.
    pub fn is(&self, name: &str, sub: Option<&str>) -> bool {
        (self.is_core(urn::USER) || self.is_core(urn::GROUP))
            && self.name.eq_ignore_ascii_case(name)
            && match (&self.sub_attr, sub) {
                (None, None) => true,
                (Some(have), Some(want)) => have.eq_ignore_ascii_case(want),
                _ => false,
            }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// A comparison operator (RFC 7644 Table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// equal
    Eq,
    /// not equal
    Ne,
    /// contains
    Co,
    /// starts with
    Sw,
    /// ends with
    Ew,
    /// greater than
    Gt,
    /// greater than or equal
    Ge,
    /// less than
    Lt,
    /// less than or equal
    Le,
}

impl CompareOp {
    /// Parses an operator keyword, case-insensitively (`Eq`, `EQ`, `eq`).
    pub fn from_keyword(word: &str) -> Option<Self> {
        const OPS: [(&str, CompareOp); 9] = [
            ("eq", CompareOp::Eq),
            ("ne", CompareOp::Ne),
            ("co", CompareOp::Co),
            ("sw", CompareOp::Sw),
            ("ew", CompareOp::Ew),
            ("gt", CompareOp::Gt),
            ("ge", CompareOp::Ge),
            ("lt", CompareOp::Lt),
            ("le", CompareOp::Le),
        ];
        OPS.iter()
            .find(|(keyword, _)| keyword.eq_ignore_ascii_case(word))
            .map(|(_, op)| *op)
    }

    /// The lower-case keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }
}

/// A comparison value (`compValue` in RFC 7644).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    /// `true` / `false`
    Bool(bool),
    /// `null`
    Null,
    /// A JSON number.
    Number(serde_json::Number),
    /// A JSON string (unescaped).
    Str(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
            Self::Number(n) => write!(f, "{n}"),
            Self::Str(s) => write!(f, "{}", serde_json::Value::String(s.clone())),
        }
    }
}

/// A filter expression. `And`/`Or` hold two or more operands, never an operand of the
/// same kind (the parser flattens chains).
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attrPath op value`
    Compare(AttrPath, CompareOp, CompValue),
    /// `attrPath pr`
    Present(AttrPath),
    /// `attrPath[valFilter]`: some element of a multi-valued (or the one complex)
    /// attribute matches the inner filter, whose paths are relative to the element.
    ValuePath(AttrPath, Box<Filter>),
    /// `not (filter)`
    Not(Box<Filter>),
    /// `a and b [and c ...]`
    And(Vec<Filter>),
    /// `a or b [or c ...]`
    Or(Vec<Filter>),
}

impl Filter {
    /// Whether any attribute path of the filter names the attribute `name` (any case).
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            Self::Compare(path, ..) | Self::Present(path) => path.name.eq_ignore_ascii_case(name),
            Self::ValuePath(path, _) => path.name.eq_ignore_ascii_case(name),
            Self::Not(inner) => inner.mentions(name),
            Self::And(items) | Self::Or(items) => items.iter().any(|f| f.mentions(name)),
        }
    }

    /// Combines two filters with `and`, flattening nested `and`s.
    pub fn and(self, other: Filter) -> Filter {
        let mut items = match self {
            Filter::And(items) => items,
            one => vec![one],
        };
        match other {
            Filter::And(more) => items.extend(more),
            one => items.push(one),
        }
        Filter::And(items)
    }

    /// Combines two filters with `or`, flattening nested `or`s.
    pub fn or(self, other: Filter) -> Filter {
        let mut items = match self {
            Filter::Or(items) => items,
            one => vec![one],
        };
        match other {
            Filter::Or(more) => items.extend(more),
            one => items.push(one),
        }
        Filter::Or(items)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Compare(path, op, value) => write!(f, "{path} {} {value}", op.keyword()),
            Self::Present(path) => write!(f, "{path} pr"),
            Self::ValuePath(path, inner) => write!(f, "{path}[{inner}]"),
            Self::Not(inner) => write!(f, "not ({inner})"),
            Self::And(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    if matches!(item, Self::Or(_)) {
                        write!(f, "({item})")?;
                    } else {
                        write!(f, "{item}")?;
                    }
                }
                Ok(())
            }
            Self::Or(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
        }
    }
}

/// A PATCH `path` (RFC 7644 §3.5.2): `attrPath`, or `attrPath[valFilter][.subAttr]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its sub-attribute when no filter is given).
    pub attr: AttrPath,
    /// The element filter of a value path.
    pub filter: Option<Filter>,
    /// The sub-attribute after a value path's `]`.
    pub filter_sub_attr: Option<String>,
}

impl PatchPath {
    /// A plain attribute path.
    pub fn attr(attr: AttrPath) -> Self {
        Self {
            attr,
            filter: None,
            filter_sub_attr: None,
        }
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.filter_sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}
