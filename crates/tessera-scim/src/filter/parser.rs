//! Recursive-descent parser for RFC 7644 filters (§3.4.2.2) and PATCH paths (§3.5.2).
//!
//! Precedence: `not` binds tightest, then `and`, then `or`; parentheses group.
//! Operators, `and`/`or`/`not` and `true`/`false`/`null` are case-insensitive.
//! Nesting and size are capped so hostile input cannot exhaust the stack or memory.

use super::ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath};
use super::lexer::{Token, tokenize};
use crate::error::ScimError;
use crate::urn;

/// Deepest nesting of `(`, `not (` and `[` accepted.
pub const MAX_FILTER_DEPTH: usize = 32;
/// Most attribute expressions (comparisons and `pr`) accepted in one filter.
pub const MAX_FILTER_TERMS: usize = 512;

/// Parses a filter expression, e.g. `userName Eq "bjensen" and not (emails pr)`.
pub fn parse_filter(text: &str) -> Result<Filter, ScimError> {
    let mut parser = Parser::new(text)?;
    let filter = parser.or_expr(false)?;
    parser.expect_end()?;
    Ok(filter)
}

/// Parses a PATCH path: `name.givenName`, `emails[type eq "work"].value`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
/// Errors are reported as `invalidPath`.
pub fn parse_path(text: &str) -> Result<PatchPath, ScimError> {
    let to_path_error = |e: ScimError| ScimError::invalid_path(text, e.to_string());
    let mut parser = Parser::new(text).map_err(to_path_error)?;
    let path = parser.patch_path().map_err(to_path_error)?;
    parser.expect_end().map_err(to_path_error)?;
    Ok(path)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
    depth: usize,
    terms: usize,
}

fn error(position: usize, problem: impl Into<String>) -> ScimError {
    ScimError::InvalidFilter {
        position,
        problem: problem.into(),
    }
}

fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    name == "$ref"
        || (chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
}

/// Turns a word into an attribute path, normalising known schema URNs.
pub(crate) fn attr_path_from_word(word: &str, position: usize) -> Result<AttrPath, ScimError> {
    let (urn, rest) = match urn::split_known_urn(word) {
        Some((standard, rest)) if !rest.is_empty() => (Some(standard.to_owned()), rest),
        _ => match word.rsplit_once(':') {
            Some((prefix, rest))
                if prefix
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("urn:")) =>
            {
                (Some(prefix.to_owned()), rest)
            }
            Some(_) => {
                return Err(error(
                    position,
                    format!("{word:?} is not an attribute path"),
                ));
            }
            None => (None, word),
        },
    };
    let mut parts = rest.split('.');
    let name = parts.next().unwrap_or_default();
    let sub_attr = parts.next();
    if parts.next().is_some() {
        return Err(error(
            position,
            format!("{word:?} has more than one sub-attribute"),
        ));
    }
    if !is_attr_name(name) || sub_attr.is_some_and(|s| !is_attr_name(s)) {
        return Err(error(
            position,
            format!("{word:?} is not a valid attribute name"),
        ));
    }
    Ok(AttrPath {
        urn,
        name: name.to_owned(),
        sub_attr: sub_attr.map(str::to_owned),
    })
}

impl Parser {
    fn new(text: &str) -> Result<Self, ScimError> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Err(error(0, "it is empty"));
        }
        Ok(Self {
            tokens,
            next: 0,
            end: text.len(),
            depth: 0,
            terms: 0,
        })
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.next + offset).map(|(_, t)| t)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(p, _)| *p)
    }

    fn advance(&mut self) -> Option<(usize, Token)> {
        let token = self.tokens.get(self.next).cloned();
        if token.is_some() {
            self.next += 1;
        }
        token
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn expect(&mut self, wanted: &Token, what: &str) -> Result<(), ScimError> {
        let position = self.position();
        match self.advance() {
            Some((_, token)) if &token == wanted => Ok(()),
            Some((_, token)) => Err(error(
                position,
                format!("expected {what}, found {}", token.describe()),
            )),
            None => Err(error(position, format!("expected {what}, found the end"))),
        }
    }

    fn expect_end(&self) -> Result<(), ScimError> {
        match self.peek() {
            None => Ok(()),
            Some(token) => Err(error(
                self.position(),
                format!(
                    "expected 'and', 'or' or the end, found {}",
                    token.describe()
                ),
            )),
        }
    }

    fn enter(&mut self) -> Result<(), ScimError> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(ScimError::FilterTooComplex {
                problem: format!("it nests deeper than {MAX_FILTER_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn or_expr(&mut self, in_value_path: bool) -> Result<Filter, ScimError> {
        let mut filter = self.and_expr(in_value_path)?;
        while self.peek_keyword("or") {
            self.advance();
            let rhs = self.and_expr(in_value_path)?;
            filter = filter.or(rhs);
        }
        Ok(filter)
    }

    fn and_expr(&mut self, in_value_path: bool) -> Result<Filter, ScimError> {
        let mut filter = self.atom(in_value_path)?;
        while self.peek_keyword("and") {
            self.advance();
            let rhs = self.atom(in_value_path)?;
            filter = filter.and(rhs);
        }
        Ok(filter)
    }

    fn atom(&mut self, in_value_path: bool) -> Result<Filter, ScimError> {
        if self.peek_keyword("not") && self.peek_at(1) == Some(&Token::LParen) {
            self.advance();
            self.advance();
            self.enter()?;
            let inner = self.or_expr(in_value_path)?;
            self.expect(&Token::RParen, "')'")?;
            self.leave();
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Token::LParen) {
            self.advance();
            self.enter()?;
            let inner = self.or_expr(in_value_path)?;
            self.expect(&Token::RParen, "')'")?;
            self.leave();
            return Ok(inner);
        }
        let path = self.attr_path()?;
        if self.peek() == Some(&Token::LBracket) {
            let position = self.position();
            if in_value_path {
                return Err(error(position, "value paths cannot be nested"));
            }
            if path.sub_attr.is_some() {
                return Err(error(
                    position,
                    "a value path's attribute cannot have a sub-attribute",
                ));
            }
            self.advance();
            self.enter()?;
            let mut inner = self.or_expr(true)?;
            self.expect(&Token::RBracket, "']'")?;
            self.leave();
            if self.peek() == Some(&Token::Dot) {
                // Lenient form `emails[type eq "work"].value eq "x"`: the same as
                // `emails[type eq "work" and value eq "x"]`.
                self.advance();
                let position = self.position();
                let sub = match self.advance() {
                    Some((_, Token::Word(word))) if is_attr_name(&word) => word,
                    _ => return Err(error(position, "expected a sub-attribute name after '].'")),
                };
                inner = inner.and(self.comparison(AttrPath::new(sub))?);
            }
            return Ok(Filter::ValuePath(path, Box::new(inner)));
        }
        self.comparison(path)
    }

    /// The operator and value after an attribute path.
    fn comparison(&mut self, path: AttrPath) -> Result<Filter, ScimError> {
        self.count_term()?;
        let position = self.position();
        let Some((_, Token::Word(word))) = self.advance() else {
            return Err(error(
                position,
                format!("expected an operator after {path}"),
            ));
        };
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::from_keyword(&word) else {
            return Err(error(position, format!("unknown operator {word:?}")));
        };
        let value = self.comp_value()?;
        Ok(Filter::Compare(path, op, value))
    }

    fn count_term(&mut self) -> Result<(), ScimError> {
        self.terms += 1;
        if self.terms > MAX_FILTER_TERMS {
            return Err(ScimError::FilterTooComplex {
                problem: format!("it has more than {MAX_FILTER_TERMS} terms"),
            });
        }
        Ok(())
    }

    fn attr_path(&mut self) -> Result<AttrPath, ScimError> {
        let position = self.position();
        match self.advance() {
            Some((_, Token::Word(word))) => attr_path_from_word(&word, position),
            Some((_, token)) => Err(error(
                position,
                format!("expected an attribute name, found {}", token.describe()),
            )),
            None => Err(error(position, "expected an attribute name, found the end")),
        }
    }

    fn comp_value(&mut self) -> Result<CompValue, ScimError> {
        let position = self.position();
        match self.advance() {
            Some((_, Token::Str(s))) => Ok(CompValue::Str(s)),
            Some((_, Token::Number(n))) => Ok(CompValue::Number(n)),
            Some((_, Token::Word(w))) if w.eq_ignore_ascii_case("true") => {
                Ok(CompValue::Bool(true))
            }
            Some((_, Token::Word(w))) if w.eq_ignore_ascii_case("false") => {
                Ok(CompValue::Bool(false))
            }
            Some((_, Token::Word(w))) if w.eq_ignore_ascii_case("null") => Ok(CompValue::Null),
            Some((_, token)) => Err(error(
                position,
                format!(
                    "expected a value (string, number, true, false, null), found {}",
                    token.describe()
                ),
            )),
            None => Err(error(position, "expected a value, found the end")),
        }
    }

    fn patch_path(&mut self) -> Result<PatchPath, ScimError> {
        let attr = self.attr_path()?;
        if self.peek() != Some(&Token::LBracket) {
            return Ok(PatchPath::attr(attr));
        }
        let position = self.position();
        if attr.sub_attr.is_some() {
            return Err(error(
                position,
                "a value path's attribute cannot have a sub-attribute",
            ));
        }
        self.advance();
        self.enter()?;
        let filter = self.or_expr(true)?;
        self.expect(&Token::RBracket, "']'")?;
        self.leave();
        let mut filter_sub_attr = None;
        if self.peek() == Some(&Token::Dot) {
            self.advance();
            let position = self.position();
            match self.advance() {
                Some((_, Token::Word(word))) if is_attr_name(&word) => filter_sub_attr = Some(word),
                _ => return Err(error(position, "expected a sub-attribute name after '].'")),
            }
        }
        Ok(PatchPath {
            attr,
            filter: Some(filter),
            filter_sub_attr,
        })
    }
}
