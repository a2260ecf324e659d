//! Printing results as text or JSON.

use serde::Serialize;

/// Prints `value` as pretty JSON with `--json`, else the text `describe` returns.
pub fn print<T: Serialize>(
    json: bool,
    value: &T,
    describe: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        println!("{}", describe());
    }
    Ok(())
}
