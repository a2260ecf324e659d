//! Creates an org (unless it exists) and prints a fresh SCIM token for it, for
//! `just conformance` and manual testing: `scim-seed DATABASE_URL WORKSPACE`.

use clap::Parser;

/// Seed an org and print its SCIM token.
#[derive(Parser)]
struct Args {
    /// `sqlite://PATH` or `postgres://…`.
    database_url: String,
    /// The workspace name of the org.
    workspace: String,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "{}",
        tessera_scim_bench::seed_org(&args.database_url, &args.workspace)?
    );
    Ok(())
}
