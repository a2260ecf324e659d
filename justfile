# Tessera's recipes. `just` alone lists them.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Build output lives in ./target unless CARGO_TARGET_DIR says otherwise.
export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", justfile_directory() / "target")

# List the recipes
default:
    @just --list

# Install the system packages the build and tests need (only those missing)
setup:
    scripts/setup.sh

# Build and start the server on http://127.0.0.1:8080 with ./data/tessera.db and a demo org
run *FLAGS: setup
    cargo run --package tessera-server -- {{FLAGS}}

# Check formatting and lints, then run every test and doc test, on SQLite and PostgreSQL (starts a local PostgreSQL that is installed but down)
test: setup lint
    #!/usr/bin/env bash
    set -euo pipefail
    if scripts/ensure-postgres.sh; then export TESSERA_TEST_REQUIRE_POSTGRES=1; fi
    if [ -x /usr/bin/chromium ]; then (cd tests/browser && npm ci --no-audit --no-fund --silent); fi  # the pages' Chromium test (tests/it/pages.rs)
    (cd tests/oidc && npm ci --no-audit --no-fund --silent)  # the OpenID providers of the Salesforce login tests (tests/it/salesforce.rs)
    mkdir -p "$CARGO_TARGET_DIR"
    log="$CARGO_TARGET_DIR/test-output.txt"
    cargo test --workspace --all-targets 2>&1 | tee "$log"
    cargo test --workspace --doc 2>&1 | tee -a "$log"  # the crate docs' examples (--all-targets skips them)
    scripts/conformance.sh  # the PyPI SCIM conformance tools (fixtures/scim/README.md)
    cargo build --quiet --package tessera-server --package tessera-admin --package tessera-abuse  # a fresh target dir has no binaries yet
    "$CARGO_TARGET_DIR/debug/tessera-abuse" --quick  # the abuse suite against the debug server (docs/security.md)
    # One closing line for the whole run: the unit, integration and doc tests together.
    awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"

# Check formatting and lints (the first step of `just test`, so of CI)
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Format the code
fmt:
    cargo fmt --all

# Run the benchmarks (results and how to read them: docs/performance.md)
bench: setup
    #!/usr/bin/env bash
    set -euo pipefail
    scripts/ensure-postgres.sh || true
    cargo bench --workspace

# SAML validation beside python3-saml and node-saml on the same responses; writes docs/performance.md (installs the peers under /var/tmp/tessera-bench)
bench-saml *FLAGS: setup
    bench/saml/run {{FLAGS}}

# The SAML ACS under HTTP load (wrk, fresh signed responses) beside the library on the same responses; writes docs/performance.md
bench-acs *FLAGS: setup
    bench/saml/acs {{FLAGS}}

# SCIM beside scim2-server under wrk, and on PostgreSQL with two servers; writes docs/performance.md (installs wrk and the peer)
bench-scim *FLAGS: setup
    bench/scim/run {{FLAGS}}

# Throw issue #9's attacks at a release server, one line per scenario (docs/security.md); e.g. `just abuse --quick`
abuse *FLAGS: setup
    cargo build --release --package tessera-server --package tessera-admin --package tessera-abuse
    "$CARGO_TARGET_DIR/release/tessera-abuse" {{FLAGS}}

# The operator CLI, e.g. `just admin org list`
admin *ARGS:
    cargo run --quiet --package tessera-admin -- {{ARGS}}

# Run the PyPI SCIM conformance tools (scim2-cli, scim-sanity; pinned) against a server on a temporary SQLite database; fails on findings not allowed in fixtures/scim/conformance/allowed.txt
conformance:
    scripts/conformance.sh
