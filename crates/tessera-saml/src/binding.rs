//! The HTTP-POST and HTTP-Redirect encodings (base64; raw DEFLATE for redirects),
//! with size limits applied before and while decoding.

use crate::error::{Result, SamlError};
use crate::settings::Limits;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use std::io::{Read, Write};

fn base64_decode(value: &str, limit: usize) -> Result<Vec<u8>> {
    // Base64 grows data by 4/3: refuse before decoding anything too big.
    let encoded_limit = limit / 3 * 4 + 4;
    // Most values carry no line breaks: decode them without scanning for whitespace
    // first; anything that does not decode as it stands takes the path below.
    if value.len() <= encoded_limit
        && let Ok(bytes) = STANDARD.decode(value.as_bytes())
        && bytes.len() <= limit
    {
        return Ok(bytes);
    }
    let compact: std::borrow::Cow<'_, str> = if value.bytes().any(|b| b.is_ascii_whitespace()) {
        value
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect::<String>()
            .into()
    } else {
        value.into()
    };
    if compact.len() > encoded_limit {
        return Err(SamlError::TooLarge {
            limit,
            size: compact.len() / 4 * 3,
        });
    }
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| SamlError::InvalidBase64)?;
    if bytes.len() > limit {
        return Err(SamlError::TooLarge {
            limit,
            size: bytes.len(),
        });
    }
    Ok(bytes)
}

/// Decodes an HTTP-POST `SAMLResponse`/`SAMLRequest` form value.
pub fn decode_post(value: &str, limits: &Limits) -> Result<Vec<u8>> {
    base64_decode(value, limits.max_message_bytes)
}

/// Decodes an HTTP-Redirect `SAMLRequest`/`SAMLResponse` query value (already
/// URL-decoded): base64, then raw DEFLATE, stopping at the inflated-size limit.
pub fn decode_redirect(value: &str, limits: &Limits) -> Result<Vec<u8>> {
    let compressed = base64_decode(value, limits.max_message_bytes)?;
    let limit = limits.max_inflated_bytes;
    let mut out = Vec::new();
    DeflateDecoder::new(compressed.as_slice())
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| SamlError::InvalidDeflate)?;
    if out.len() > limit {
        return Err(SamlError::TooLarge {
            limit,
            size: out.len(),
        });
    }
    Ok(out)
}

/// Encodes a message for the HTTP-Redirect binding (raw DEFLATE, then base64; the
/// caller URL-encodes it into the query).
pub fn encode_redirect(xml: &str) -> Result<String> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(xml.as_bytes())
        .and_then(|()| encoder.finish())
        .map(|deflated| STANDARD.encode(deflated))
        .map_err(|e| SamlError::SigningFailed {
            reason: e.to_string(),
        })
}

/// Encodes a message for the HTTP-POST binding (base64).
pub fn encode_post(xml: &str) -> String {
    STANDARD.encode(xml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_round_trip() {
        let limits = Limits::default();
        let xml = "<samlp:AuthnRequest/>";
        let encoded = encode_redirect(xml).unwrap();
        assert_eq!(decode_redirect(&encoded, &limits).unwrap(), xml.as_bytes());
        assert_eq!(
            decode_post(&encode_post(xml), &limits).unwrap(),
            xml.as_bytes()
        );
    }

    #[test]
    fn line_wrapped_posts_decode_like_unwrapped_ones() {
        // Some IdPs wrap the base64 at 64 or 76 columns.
        let limits = Limits::default();
        let xml = "<samlp:Response>".repeat(20);
        let encoded = encode_post(&xml);
        let wrapped: String = encoded
            .as_bytes()
            .chunks(76)
            .map(|line| format!("{}\r\n", String::from_utf8_lossy(line)))
            .collect();
        assert_eq!(decode_post(&wrapped, &limits).unwrap(), xml.as_bytes());
        let tight = Limits {
            max_message_bytes: xml.len() - 1,
            ..Limits::default()
        };
        assert!(matches!(
            decode_post(&encoded, &tight),
            Err(SamlError::TooLarge { .. })
        ));
        assert!(matches!(
            decode_post(&wrapped, &tight),
            Err(SamlError::TooLarge { .. })
        ));
    }

    #[test]
    fn garbage_is_refused() {
        let limits = Limits::default();
        assert!(matches!(
            decode_post("not base64!", &limits),
            Err(SamlError::InvalidBase64)
        ));
        assert!(matches!(
            decode_redirect(&encode_post("not deflate"), &limits),
            Err(SamlError::InvalidDeflate)
        ));
    }
}
