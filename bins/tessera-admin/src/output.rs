//! Printing results as text or JSON.

use serde::Serialize;
use tessera_service::ServiceError;

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

/// A service's failure as the CLI reports it: the message, and for server faults the
/// detail (the operator has no server log to look in).
pub fn failed(error: ServiceError) -> anyhow::Error {
    match &error.log_detail {
        Some(detail) => anyhow::anyhow!("{error}: {detail}"),
        None => error.into(),
    }
}
