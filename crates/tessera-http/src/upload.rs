//! Reading an uploaded file: a `multipart/form-data` body (what a browser form posts)
//! or a raw body named by `Content-Disposition` or `?file_name=`.

use crate::ApiError;
use std::collections::HashMap;

/// An uploaded form: its text fields and its one file.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    /// Text fields by name (e.g. the CSRF token).
    pub fields: HashMap<String, String>,
    /// The file's name as the browser sent it, and its bytes.
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads `body` according to its `content_type`; `fallback_name` names a raw body.
pub(crate) fn read(
    content_type: &str,
    body: &[u8],
    fallback_name: Option<&str>,
) -> Result<Upload, ApiError> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        let name = fallback_name.ok_or_else(|| {
            ApiError::BadRequest(
                "name the file: send multipart/form-data, a Content-Disposition header with a filename, or ?file_name=".into(),
            )
        })?;
        return Ok(Upload {
            fields: HashMap::new(),
            file: Some((name.to_owned(), body.to_vec())),
        });
    }
    let boundary = parameter(content_type, "boundary")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::BadRequest("the multipart body has no boundary".into()))?;
    parse_multipart(body, &boundary)
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

fn malformed() -> ApiError {
    ApiError::BadRequest("the multipart body is malformed".into())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Upload, ApiError> {
    let delimiter = format!("--{boundary}");
    let mut rest = body;
    let start = find(rest, delimiter.as_bytes()).ok_or_else(malformed)?;
    rest = &rest[start + delimiter.len()..];
    let next = format!("\r\n--{boundary}");
    let mut upload = Upload::default();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").ok_or_else(malformed)?;
        let header_end = find(rest, b"\r\n\r\n").ok_or_else(malformed)?;
        let headers = std::str::from_utf8(&rest[..header_end]).map_err(|_| malformed())?;
        rest = &rest[header_end + 4..];
        let content_end = find(rest, next.as_bytes()).ok_or_else(malformed)?;
        let content = &rest[..content_end];
        rest = &rest[content_end + next.len()..];
        let disposition = headers
            .split("\r\n")
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then_some(value)
            })
            .ok_or_else(malformed)?;
        let name = parameter(disposition, "name").ok_or_else(malformed)?;
        match parameter(disposition, "filename") {
            Some(file_name) if upload.file.is_none() => {
                upload.file = Some((file_name, content.to_vec()));
            }
            Some(_) => {
                return Err(ApiError::BadRequest("upload one file at a time".into()));
            }
            None => {
                let text = String::from_utf8(content.to_vec()).map_err(|_| malformed())?;
                upload.fields.insert(name, text);
            }
        }
    }
    Ok(upload)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_a_browser_form_with_a_file_and_a_field() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"user-mapping-acme.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\x03\x04\r\n--bytes\r\n--XyZ--\r\n";
        let upload = read("multipart/form-data; boundary=XyZ", body, None).unwrap();
        assert_eq!(upload.fields["csrf"], "abc");
        let (name, bytes) = upload.file.unwrap();
        assert_eq!(name, "user-mapping-acme.xlsx");
        assert_eq!(bytes, b"PK\x03\x04\r\n--bytes");
    }

    #[test]
    fn a_raw_body_needs_a_name_and_broken_multipart_is_a_400() {
        assert!(read("application/octet-stream", b"x", None).is_err());
        let upload = read("application/octet-stream", b"x", Some("a.xlsx")).unwrap();
        assert_eq!(upload.file.unwrap().0, "a.xlsx");
        for body in [
            &b"garbage"[..],
            b"--XyZ\r\nno headers end",
            b"--XyZ\r\n\r\n\r\n--XyZ--",
        ] {
            assert!(read("multipart/form-data; boundary=XyZ", body, None).is_err());
        }
        assert!(read("multipart/form-data", b"", None).is_err());
    }
}
