//! Item 1: hostile mapping sheets uploaded by org A's admin through the API: the real
//! exported sheet with one extra cell at XFD1048576, and a shared-strings zip bomb.

use super::{Ctx, SESSION_COOKIE, csrf_of};
use crate::tally::Tally;
use crate::watch::memory_kib;
use anyhow::Context;
use reqwest::blocking::{Client, Response};
use reqwest::cookie::Jar;
use std::io::{Cursor, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const SHEET: &str = "xl/worksheets/sheet1.xml";
const SHARED_STRINGS: &str = "xl/sharedStrings.xml";
const FILE_NAME: &str = "user-mapping-attacked.xlsx";

/// Copies the archive `xlsx`, replacing (or adding) `name` with `content`.
fn with_entry(xlsx: &[u8], name: &str, content: &mut dyn Read) -> anyhow::Result<Vec<u8>> {
    let mut archive = ZipArchive::new(Cursor::new(xlsx)).context("read the exported sheet")?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index)?;
        if entry.name()? != name {
            out.raw_copy_file(entry)?;
        }
    }
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    out.start_file(name, options)?;
    std::io::copy(content, &mut out)?;
    Ok(out.finish()?.into_inner())
}

fn entry_text(xlsx: &[u8], name: &str) -> anyhow::Result<String> {
    let mut archive = ZipArchive::new(Cursor::new(xlsx))?;
    let mut text = String::new();
    archive.by_name(name)?.read_to_string(&mut text)?;
    Ok(text)
}

/// The exported sheet claiming the whole grid (A1:XFD1048576) with one cell in its
/// last corner.
pub fn last_cell_sheet(export: &[u8]) -> anyhow::Result<Vec<u8>> {
    let sheet = entry_text(export, SHEET)?;
    let dimension_start = sheet
        .find("<dimension ")
        .context("no <dimension> in sheet1")?;
    let dimension_end = dimension_start
        + sheet[dimension_start..]
            .find("/>")
            .context("unclosed <dimension>")?
        + 2;
    let corner = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;
    let mut hostile = String::with_capacity(sheet.len() + 200);
    hostile.push_str(&sheet[..dimension_start]);
    hostile.push_str(r#"<dimension ref="A1:XFD1048576"/>"#);
    hostile.push_str(&sheet[dimension_end..]);
    let hostile = hostile.replacen("</sheetData>", &format!("{corner}</sheetData>"), 1);
    with_entry(export, SHEET, &mut hostile.as_bytes())
}

/// The exported sheet whose shared strings hold one string of `inflated` bytes; the
/// file itself stays about a thousand times smaller.
pub fn shared_strings_bomb(export: &[u8], inflated: u64) -> anyhow::Result<Vec<u8>> {
    let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
    let tail = "</t></si></sst>";
    let mut content = head
        .as_bytes()
        .chain(std::io::repeat(b'A').take(inflated))
        .chain(tail.as_bytes());
    with_entry(export, SHARED_STRINGS, &mut content)
}

/// Sends one hostile upload and checks it was refused and changed nothing.
fn refused(
    ctx: &Ctx<'_>,
    what: &str,
    send: impl FnOnce() -> reqwest::Result<Response>,
) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    let before = ctx.connection()?;
    if let Some(response) = tally.record(send()) {
        let status = response.status().as_u16();
        tally.check((400..500).contains(&status) && status != 413, || {
            format!("{what}: expected a 4xx refusal (not 413), got {status}")
        });
    }
    if ctx.alive() {
        let after = ctx.connection()?;
        tally.check(before == after, || {
            format!("{what}: the walkthrough changed: {before} → {after}")
        });
    }
    Ok(tally)
}

/// Uploads `xlsx` through the admin API.
fn api_upload(ctx: &Ctx<'_>, what: &str, xlsx: Vec<u8>) -> anyhow::Result<Tally> {
    let client = ctx.client()?;
    refused(ctx, what, || {
        client
            .post(ctx.api(&format!("/mapping-sheet?file_name={FILE_NAME}")))
            .bearer_auth(&ctx.seeded.admin_token)
            .header("Content-Type", "application/octet-stream")
            .body(xlsx)
            .send()
    })
}

/// The exported sheet of org A, as its admin downloads it.
fn export(ctx: &Ctx<'_>) -> anyhow::Result<Vec<u8>> {
    let response = ctx
        .client()?
        .get(ctx.api("/mapping-sheet"))
        .bearer_auth(&ctx.seeded.admin_token)
        .send()?
        .error_for_status()?;
    Ok(response.bytes()?.to_vec())
}

/// Uploads the sheet with a cell at XFD1048576 through the admin API.
pub fn last_cell(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    api_upload(ctx, "API upload", last_cell_sheet(&export(ctx)?)?)
}

/// Uploads the shared-strings bomb through the admin API.
pub fn zip_bomb(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let bomb = shared_strings_bomb(&export(ctx)?, ctx.sizes.zip_bomb_bytes)?;
    api_upload(ctx, "zip bomb", bomb)
}

/// Uploads the sheet with a cell at XFD1048576 as org A's admin does on
/// `/admin/connect` (session cookie, CSRF token, multipart form).
pub fn last_cell_page(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let hostile = last_cell_sheet(&export(ctx)?)?;
    let jar = Arc::new(Jar::default());
    jar.add_cookie_str(
        &format!("{SESSION_COOKIE}={}; Path=/", ctx.seeded.admin_session),
        &reqwest::Url::parse(ctx.base_url)?,
    );
    let client = Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(ctx.url("/admin/connect"))
        .send()?
        .error_for_status()?;
    let csrf = csrf_of(&page.text()?)?;
    let boundary = "tessera-abuse-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{FILE_NAME}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&hostile);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    refused(ctx, "page upload", || {
        client
            .post(ctx.url("/admin/connect/upload"))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    })
}

/// Imports the sheet with a cell at XFD1048576 with `tessera-admin mapping import`: it
/// must exit 1 with a message (not die of a signal), under the memory ceiling.
pub fn last_cell_cli(ctx: &Ctx<'_>) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    let dir = tempfile::tempdir()?;
    let file = dir.path().join(FILE_NAME);
    std::fs::write(&file, last_cell_sheet(&export(ctx)?)?)?;
    let before = ctx.connection()?;
    let mut child = Command::new(ctx.admin_binary)
        .arg("--database-url")
        .arg(ctx.database_url)
        .args(["mapping", "import", &ctx.seeded.attacked.name])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("start {}", ctx.admin_binary.display()))?;
    let mut peak_kib = 0;
    while child.try_wait()?.is_none() {
        peak_kib = peak_kib.max(memory_kib(child.id(), "VmRSS").unwrap_or_default());
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output()?;
    tally.sent += 1;
    let message = String::from_utf8_lossy(&output.stderr);
    tally.check(output.status.code() == Some(1), || {
        format!(
            "tessera-admin ended with {} ({})",
            output.status,
            message.trim()
        )
    });
    tally.check(message.contains("error"), || {
        format!("tessera-admin said no error: {:?}", message.trim())
    });
    let ceiling = ctx.limits.rss_ceiling_kib;
    tally.check(peak_kib <= ceiling, || {
        format!(
            "tessera-admin reached {} MiB (ceiling {} MiB)",
            peak_kib / 1024,
            ceiling / 1024
        )
    });
    let after = ctx.connection()?;
    tally.check(before == after, || {
        format!("the walkthrough changed: {before} → {after}")
    });
    Ok(tally)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Write;

    fn sample() -> Vec<u8> {
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        out.start_file(SHEET, SimpleFileOptions::default()).unwrap();
        out.write_all(br#"<worksheet><dimension ref="A1:C3"/><sheetData><row r="1"/></sheetData></worksheet>"#)
            .unwrap();
        out.start_file(SHARED_STRINGS, SimpleFileOptions::default())
            .unwrap();
        out.write_all(b"<sst/>").unwrap();
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn the_hostile_sheet_claims_the_whole_grid_and_keeps_its_rows() {
        let hostile = last_cell_sheet(&sample()).unwrap();
        let sheet = entry_text(&hostile, SHEET).unwrap();
        assert!(sheet.contains(r#"<dimension ref="A1:XFD1048576"/>"#));
        assert!(sheet.contains(r#"<row r="1"/><row r="1048576"><c r="XFD1048576""#));
        assert!(!sheet.contains("A1:C3"));
    }

    #[test]
    fn the_bomb_inflates_a_thousand_fold() {
        let bomb = shared_strings_bomb(&sample(), 8 << 20).unwrap();
        assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
        let strings = entry_text(&bomb, SHARED_STRINGS).unwrap();
        assert!(strings.len() > 8 << 20);
        assert!(strings.ends_with("AAA</t></si></sst>"));
        assert!(entry_text(&bomb, SHEET).unwrap().contains("A1:C3"));
    }
}
