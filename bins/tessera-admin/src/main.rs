//! `tessera-admin`: the operator's CLI over Tessera's crates.
//!
//! Every command validates its arguments before touching the database, exits non-zero
//! with a one-line `error: …` on failure, and prints JSON with `--json`.

mod audit;
mod cli;
mod connect;
mod events;
mod mapping;
mod ops;
mod org;
mod output;
mod teams;
mod tokens;
mod users;
mod webhooks;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A refused value (a bad workspace name, role, email) gets its one-line reason,
        // without clap's usage hint; other clap output (help, usage) is printed as is.
        Err(error) if error.kind() == clap::error::ErrorKind::ValueValidation => {
            let rendered = error.render().to_string();
            eprintln!(
                "{}",
                rendered.lines().next().unwrap_or("error: invalid argument")
            );
            return ExitCode::from(2);
        }
        Err(error) => error.exit(),
    };
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
