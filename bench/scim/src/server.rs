//! `tessera-server` as a child process on a free loopback port.

use anyhow::{Context, bail};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running `tessera-server`; killed on drop.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

/// The `tessera-server` binary built next to this one (same target directory).
fn server_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let dir = me.parent().context("binary directory")?;
    let candidate = dir.join("tessera-server");
    if candidate.exists() {
        return Ok(candidate);
    }
    bail!(
        "{} not found: build it first (cargo build --release -p tessera-server)",
        candidate.display()
    )
}

impl ServerProcess {
    /// Starts the server built next to this binary on `database_url`, with no per-org
    /// SCIM rate limit (the load harness measures the server, not the limit), and waits
    /// until `/healthz` answers.
    pub fn start(database_url: &str) -> anyhow::Result<Self> {
        let no_rate_limit = [("TESSERA_SCIM_RATE_LIMIT_PER_SECOND", "0")];
        Self::start_binary(
            &server_binary()?,
            database_url,
            Stdio::inherit(),
            &no_rate_limit,
        )
    }

    /// Starts `binary` on `database_url` with the extra `env` settings, its log (stderr)
    /// going to `log`, and waits until `/healthz` answers.
    pub fn start_binary(
        binary: &Path,
        database_url: &str,
        log: Stdio,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let base_url = format!("http://127.0.0.1:{port}");
        let child = Command::new(binary)
            .env("TESSERA_DATABASE_URL", database_url)
            .env("TESSERA_BIND", format!("127.0.0.1:{port}"))
            .env("TESSERA_PUBLIC_URL", &base_url)
            .env("TESSERA_DEMO_ORG", "false")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("start {}", binary.display()))?;
        let server = Self { child, base_url };
        let http = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if http
                .get(format!("{}/healthz", server.base_url))
                .send()
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("tessera-server did not answer /healthz within 30 s")
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How the server ended, or `None` while it still runs.
    pub fn exit_status(&mut self) -> anyhow::Result<Option<ExitStatus>> {
        Ok(self.child.try_wait()?)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
