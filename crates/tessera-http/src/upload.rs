//! Reading an uploaded file as it streams in, bounded: a `multipart/form-data` body
//! (what a browser form posts), parsed by `actix-multipart` in one pass, or a raw body
//! named by `Content-Disposition` or `?file_name=`. Handlers check the caller before they
//! open the body, so nobody unauthorised makes the server read it.

use crate::ApiError;
use actix_multipart::{Field, Multipart};
use actix_web::error::PayloadError;
use actix_web::{HttpMessage, HttpRequest, mime, web};
use futures_util::StreamExt;

/// Most parts a form may have: the CSRF field and the file, with room to spare.
pub(crate) const MAX_PARTS: usize = 4;
/// Longest text field (a CSRF token is about 50 bytes).
pub(crate) const MAX_FIELD_BYTES: usize = 1024;
/// Longest multipart boundary (RFC 2046 §5.1.1 allows 70 characters).
pub(crate) const MAX_BOUNDARY: usize = 70;
/// How long reading an upload's body may take before it is answered 408.
pub(crate) const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Bytes put after the end of a multipart body. A body cut off inside what looks like a
/// boundary would otherwise leave actix-multipart waiting for bytes that never come;
/// after the closing boundary they are the ignored epilogue.
const END_PADDING: &[u8] =
    b"\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

/// One part of a form: a text field, or a file with the name the browser sent.
#[derive(Debug)]
pub(crate) enum Part {
    /// A text field.
    Text { name: String, value: String },
    /// A file.
    File { file_name: String, bytes: Vec<u8> },
}

/// A `multipart/form-data` body being read, part by part; the whole body is bounded by
/// the body limit, even when it comes without a `Content-Length` (chunked).
pub(crate) struct Form {
    parts: Multipart,
    read: usize,
    limit: usize,
}

/// The request's `multipart/form-data` content type, if that is what it sends.
pub(crate) fn form_data_type(req: &HttpRequest) -> Option<mime::Mime> {
    req.mime_type()
        .ok()
        .flatten()
        .filter(|m| m.type_() == mime::MULTIPART && m.subtype() == mime::FORM_DATA)
}

impl Form {
    /// Starts reading `payload` as `multipart/form-data`, refusing (400) another content
    /// type or a missing or overlong boundary before anything is read.
    pub(crate) fn open(
        req: &HttpRequest,
        payload: web::Payload,
        limit: usize,
    ) -> Result<Self, ApiError> {
        let content_type =
            form_data_type(req).ok_or_else(|| bad("send the form as multipart/form-data"))?;
        match content_type
            .get_param(mime::BOUNDARY)
            .map(|b| b.as_str().len())
        {
            Some(1..=MAX_BOUNDARY) => {}
            Some(0) | None => return Err(bad("the multipart body has no boundary")),
            Some(_) => {
                return Err(bad(&format!(
                    "the multipart boundary is longer than {MAX_BOUNDARY} characters"
                )));
            }
        }
        let padded = bounded(payload, limit).chain(futures_util::stream::once(
            futures_util::future::ready(Ok(web::Bytes::from_static(END_PADDING))),
        ));
        let parts = Multipart::new(req.headers(), padded);
        Ok(Self {
            parts,
            read: 0,
            limit,
        })
    }

    /// The next part, or `None` at the end of the form. More than [`MAX_PARTS`] parts, or
    /// a text field over [`MAX_FIELD_BYTES`], is a 400; the body over the limit a 413.
    pub(crate) async fn next(&mut self) -> Result<Option<Part>, ApiError> {
        let Some(field) = self.parts.next().await else {
            return Ok(None);
        };
        let field = field.map_err(|e| self.refused(e))?;
        self.read += 1;
        if self.read > MAX_PARTS {
            return Err(bad(&format!("the form has more than {MAX_PARTS} parts")));
        }
        let disposition = field.content_disposition();
        let name = disposition.and_then(|d| d.get_name()).map(str::to_owned);
        let file_name = disposition
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let name = name.ok_or_else(|| bad("a form part has no name"))?;
        Ok(Some(match file_name {
            Some(file_name) => Part::File {
                file_name,
                bytes: self.content(field, self.limit).await?,
            },
            None => {
                let bytes = self
                    .content(field, MAX_FIELD_BYTES)
                    .await
                    .map_err(|e| match e {
                        ApiError::PayloadTooLarge { .. } => bad(&format!(
                            "the field {name:?} is over {MAX_FIELD_BYTES} bytes"
                        )),
                        other => other,
                    })?;
                let value = String::from_utf8(bytes)
                    .map_err(|_| bad(&format!("the field {name:?} is not UTF-8")))?;
                Part::Text { name, value }
            }
        }))
    }

    /// The form's one file, reading to the end (text fields are skipped).
    pub(crate) async fn file(mut self) -> Result<(String, Vec<u8>), ApiError> {
        let mut file = None;
        while let Some(part) = self.next().await? {
            match part {
                Part::Text { .. } => {}
                Part::File { file_name, bytes } if file.is_none() => {
                    file = Some((file_name, bytes))
                }
                Part::File { .. } => return Err(bad("upload one file at a time")),
            }
        }
        file.ok_or_else(|| bad("choose the file to upload"))
    }

    /// A part's bytes, at most `most` of them.
    async fn content(&self, mut field: Field, most: usize) -> Result<Vec<u8>, ApiError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| self.refused(e))?;
            if bytes.len() + chunk.len() > most {
                return Err(ApiError::PayloadTooLarge { limit: most });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    fn refused(&self, error: actix_multipart::MultipartError) -> ApiError {
        match error {
            actix_multipart::MultipartError::Payload(PayloadError::Overflow) => {
                ApiError::PayloadTooLarge { limit: self.limit }
            }
            other => bad(&format!("the multipart body is malformed: {other}")),
        }
    }
}

/// Runs `read` (reading an upload's body) for at most [`READ_TIMEOUT`]; 408 beyond.
pub(crate) async fn within_deadline<T>(
    read: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    actix_web::rt::time::timeout(READ_TIMEOUT, read)
        .await
        .unwrap_or(Err(ApiError::RequestTimeout {
            seconds: READ_TIMEOUT.as_secs(),
        }))
}

/// A raw (not multipart) upload body, at most `limit` bytes (413 beyond, chunked or not).
pub(crate) async fn raw(payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes.to_vec()),
        Ok(Err(error)) => Err(bad(&format!("the body could not be read: {error}"))),
        Err(_) => Err(ApiError::PayloadTooLarge { limit }),
    }
}

/// `payload`, failing with `Overflow` once more than `limit` bytes have come.
fn bounded(
    payload: web::Payload,
    limit: usize,
) -> impl futures_util::Stream<Item = Result<web::Bytes, PayloadError>> + 'static {
    let mut seen = 0usize;
    payload.map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            Err(PayloadError::Overflow)
        } else {
            Ok(chunk)
        }
    })
}

fn bad(message: &str) -> ApiError {
    ApiError::BadRequest(message.to_owned())
}

/// The value of `name=` in a header's parameters (quoted or not).
pub(crate) fn parameter(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}
