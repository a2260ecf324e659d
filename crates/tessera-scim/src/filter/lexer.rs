//! Splits filter and path text into tokens, each with its byte offset.

use crate::error::ScimError;

/// Longest filter or path text accepted, in bytes (a 100-id `or` chain fits easily).
pub const MAX_FILTER_LEN: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    /// An attribute path, keyword or literal word (`userName`, `eq`, `and`, `true`).
    Word(String),
    Str(String),
    Number(serde_json::Number),
}

impl Token {
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::LParen => "'('".into(),
            Self::RParen => "')'".into(),
            Self::LBracket => "'['".into(),
            Self::RBracket => "']'".into(),
            Self::Dot => "'.'".into(),
            Self::Word(w) => format!("{w:?}"),
            Self::Str(s) => format!("the string {:?}", s),
            Self::Number(n) => format!("the number {n}"),
        }
    }
}

fn error(position: usize, problem: impl Into<String>) -> ScimError {
    ScimError::InvalidFilter {
        position,
        problem: problem.into(),
    }
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '$'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '$')
}

/// A JSON number literal, with floats rounded correctly (serde_json's default parser
/// may be off by one ulp, which would break printing and re-parsing).
fn number(literal: &str, start: usize) -> Result<serde_json::Number, ScimError> {
    let invalid = || error(start, format!("invalid number {literal:?}"));
    serde_json::from_str::<serde_json::Number>(literal).map_err(|_| invalid())?;
    if let Ok(i) = literal.parse::<i64>() {
        return Ok(i.into());
    }
    if let Ok(u) = literal.parse::<u64>() {
        return Ok(u.into());
    }
    literal
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .ok_or_else(invalid)
}

/// Tokenises `text`. Fails on an unterminated string, a bad number or a stray character.
pub(crate) fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ScimError> {
    if text.len() > MAX_FILTER_LEN {
        return Err(ScimError::FilterTooComplex {
            problem: format!("it is longer than {MAX_FILTER_LEN} bytes"),
        });
    }
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' | '.' => {
                chars.next();
                let token = match c {
                    '(' => Token::LParen,
                    ')' => Token::RParen,
                    '[' => Token::LBracket,
                    ']' => Token::RBracket,
                    _ => Token::Dot,
                };
                tokens.push((start, token));
            }
            '"' => {
                chars.next();
                let mut end = None;
                let mut escaped = false;
                for (i, ch) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if ch == '\\' {
                        escaped = true;
                    } else if ch == '"' {
                        end = Some(i);
                        break;
                    }
                }
                let Some(end) = end else {
                    return Err(error(start, "the string is not terminated"));
                };
                let literal = &text[start..=end];
                let value: String = serde_json::from_str(literal)
                    .map_err(|e| error(start, format!("invalid string literal: {e}")))?;
                tokens.push((start, Token::Str(value)));
            }
            c if c == '-' || c.is_ascii_digit() => {
                let mut end = start;
                while let Some(&(i, ch)) = chars.peek() {
                    if ch.is_ascii_digit() || matches!(ch, '-' | '+' | '.' | 'e' | 'E') {
                        end = i + ch.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let literal = &text[start..end];
                tokens.push((start, Token::Number(number(literal, start)?)));
            }
            c if is_word_start(c) => {
                let mut end = start;
                while let Some(&(i, ch)) = chars.peek() {
                    if is_word_char(ch) {
                        end = i + ch.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push((start, Token::Word(text[start..end].to_owned())));
            }
            other => return Err(error(start, format!("unexpected character {other:?}"))),
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn splits_words_strings_numbers_and_brackets() {
        assert_eq!(
            kinds(r#"emails[type eq "wo\"rk"].value"#),
            vec![
                Token::Word("emails".into()),
                Token::LBracket,
                Token::Word("type".into()),
                Token::Word("eq".into()),
                Token::Str("wo\"rk".into()),
                Token::RBracket,
                Token::Dot,
                Token::Word("value".into()),
            ]
        );
        assert_eq!(
            kinds(
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value gt -1.5e3"
            ),
            vec![
                Token::Word(
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
                        .into()
                ),
                Token::Word("gt".into()),
                Token::Number(serde_json::from_str("-1.5e3").unwrap()),
            ]
        );
    }

    #[test]
    fn reports_positions() {
        assert_eq!(
            tokenize(r#"userName eq "x"#),
            Err(error(12, "the string is not terminated"))
        );
        assert_eq!(
            tokenize("a eq 'x'"),
            Err(error(5, "unexpected character '\\''"))
        );
        assert!(matches!(
            tokenize("a eq 1-2"),
            Err(ScimError::InvalidFilter { position: 5, .. })
        ));
    }

    #[test]
    fn refuses_oversized_input() {
        let long = "a".repeat(MAX_FILTER_LEN + 1);
        assert!(matches!(
            tokenize(&long),
            Err(ScimError::FilterTooComplex { .. })
        ));
    }
}
