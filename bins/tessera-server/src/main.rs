//! `tessera-server`: parses the layered config, starts logging and serves.

use clap::Parser;
use serde::Serialize;
use std::path::PathBuf;
use tessera_http::{Config, LogFormat};

/// Tessera's SSO/SCIM server. Settings: defaults → tessera.toml (or --config) →
/// TESSERA_* environment → these flags.
#[derive(Debug, Parser, Serialize)]
#[command(version, about)]
struct Flags {
    /// Read settings from this TOML file instead of ./tessera.toml.
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// sqlite://PATH or postgres://… (TESSERA_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    /// Listen address (TESSERA_BIND), e.g. 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<String>,
    /// External base URL used in SAML and SCIM URLs (TESSERA_PUBLIC_URL).
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    public_url: Option<String>,
    /// Log format: text or json (TESSERA_LOG_FORMAT).
    #[arg(long, value_name = "FORMAT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    log_format: Option<LogFormat>,
}

fn main() -> anyhow::Result<()> {
    let flags = Flags::parse();
    let config = Config::load(flags.config.as_deref(), &flags)?;
    tessera_http::init_tracing(config.log_format);
    tessera_http::run(config)?;
    Ok(())
}
