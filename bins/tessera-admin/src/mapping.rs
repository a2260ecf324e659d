//! `tessera-admin mapping export` and `mapping import`: the user-mapping sheet
//! (M1–M3) from the command line.

use crate::cli::parse_workspace;
use crate::output::{failed, print};
use anyhow::Context;
use clap::Subcommand;
use std::io::Read;
use std::path::{Path, PathBuf};
use tessera_core::{Clock, WorkspaceName};
use tessera_policy::Actor;
use tessera_service::ErrorDetails;
use tessera_service::connect::{ConnectService, MappingUpload};
use tessera_store::Store;

/// `mapping …` verbs.
#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Write the org's user-mapping sheet (M1); the upload is checked against it.
    Export {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// Where to write it (default: user-mapping-{ws}.xlsx in this directory).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check a filled-in sheet (M2) and link the accounts (M3).
    Import {
        /// Workspace name.
        #[arg(value_parser = parse_workspace)]
        ws: WorkspaceName,
        /// The sheet, with the downloaded file name.
        file: PathBuf,
        /// Only show what would be linked.
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(
    store: &Store,
    clock: &dyn Clock,
    command: MappingCommand,
    json: bool,
) -> anyhow::Result<()> {
    match command {
        MappingCommand::Export { ws, output } => {
            let org = store.org(&ws)?;
            let sheet = ConnectService::new(store)
                .export_mapping(org.id, Actor::Operator, clock.now())
                .map_err(failed)?;
            let path = output.unwrap_or_else(|| PathBuf::from(&sheet.file_name));
            std::fs::write(&path, &sheet.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let path = path.display().to_string();
            print(
                json,
                &serde_json::json!({ "file": path, "rows": sheet.rows }),
                || format!("wrote {path} ({} users)", sheet.rows),
            )
        }
        MappingCommand::Import { ws, file, dry_run } => {
            let org = store.org(&ws)?;
            let bytes = read_bounded(&file)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let by = Actor::Operator;
            let upload = ConnectService::new(store)
                .import_mapping(org.id, &name, &bytes, dry_run, by, clock.now())
                .map_err(|error| {
                    if let Some(ErrorDetails::MappingRejected(rejection)) = &error.details {
                        for problem in &rejection.problems {
                            eprintln!("{problem}");
                        }
                        if rejection.omitted > 0 {
                            eprintln!("… and {} more problem(s)", rejection.omitted);
                        }
                    }
                    failed(error)
                })?;
            print(json, &upload, || describe(&upload))
        }
    }
}

fn describe(upload: &MappingUpload) -> String {
    let verb = if upload.applied {
        "linked"
    } else {
        "would link"
    };
    let mut lines: Vec<String> = upload
        .rows
        .iter()
        .map(|row| match &row.idp_email {
            Some(idp) => format!("{verb} {} -> {idp}", row.email),
            None => format!("{} is not in the IdP", row.email),
        })
        .collect();
    if !upload.applied {
        lines.push("dry run: nothing was changed".into());
    }
    lines.join("\n")
}

/// The file's bytes, at most one past the sheet's size limit: a larger file is refused
/// by the import (as over the limit) without being read whole.
fn read_bounded(path: &Path) -> anyhow::Result<Vec<u8>> {
    let cannot = || format!("cannot read {}", path.display());
    let file = std::fs::File::open(path).with_context(cannot)?;
    let mut bytes = Vec::new();
    file.take(tessera_mapping::limits::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(cannot)?;
    Ok(bytes)
}
