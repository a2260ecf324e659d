//! Playwright walks of `tests/browser` in headless Chromium, with their screenshots
//! under `$CARGO_TARGET_DIR/browser-screenshots/NAME`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether Chromium and the walks' npm packages are installed (`just test` installs
/// both); says so on stderr when they are not.
pub(crate) fn available() -> bool {
    let ready = Path::new("/usr/bin/chromium").exists()
        && root()
            .join("tests/browser/node_modules/playwright-core")
            .exists();
    if !ready {
        eprintln!(
            "skipped: needs /usr/bin/chromium and `npm ci` in tests/browser (just setup, just test)"
        );
    }
    ready
}

/// A repository file's path, e.g. a fixture handed to a walk.
pub(crate) fn repo_file(path: &str) -> PathBuf {
    root().join(path)
}

/// Runs `node SCRIPT ARGS… OUT_DIR` in `tests/browser` and fails the test when the
/// walk fails, naming the screenshot directory.
pub(crate) fn walk<I, S>(script: &str, name: &str, args: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = std::env::var("CARGO_TARGET_DIR")
        .map_or_else(|_| root().join("target"), Into::into)
        .join("browser-screenshots")
        .join(name);
    let status = std::process::Command::new("node")
        .current_dir(root().join("tests/browser"))
        .arg(script)
        .args(args)
        .arg(&out)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the browser walk {script} failed; screenshots in {}",
        out.display()
    );
}
