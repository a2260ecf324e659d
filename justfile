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

# Run every test, on SQLite and PostgreSQL (starts a local PostgreSQL that is installed but down)
test: setup
    #!/usr/bin/env bash
    set -euo pipefail
    if scripts/ensure-postgres.sh; then export TESSERA_TEST_REQUIRE_POSTGRES=1; fi
    if [ -x /usr/bin/chromium ]; then (cd tests/browser && npm ci --no-audit --no-fund --silent); fi  # the pages' Chromium test (tests/it/pages.rs)
    cargo test --workspace --all-targets
    cargo test --workspace --doc

# Check formatting and lints, as CI's reviewers do
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

# The operator CLI, e.g. `just admin org list`
admin *ARGS:
    cargo run --quiet --package tessera-admin -- {{ARGS}}

# Run the PyPI SCIM conformance tools (scim2-cli, scim-sanity) against a server on a temporary SQLite database
conformance:
    #!/usr/bin/env bash
    set -euo pipefail
    venv=target/conformance-venv
    if [ ! -x "$venv/bin/scim2" ] || [ ! -x "$venv/bin/scim-sanity" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet scim2-cli scim-sanity
    fi
    cargo build --quiet -p tessera-server -p tessera-scim-bench
    dir=$(mktemp -d)
    url="sqlite://$dir/conformance.db"
    token=$("$CARGO_TARGET_DIR/debug/scim-seed" "$url" conformance)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    TESSERA_DATABASE_URL="$url" TESSERA_BIND="127.0.0.1:$port" TESSERA_PUBLIC_URL="http://127.0.0.1:$port" \
        TESSERA_DEMO_ORG=false RUST_LOG=warn "$CARGO_TARGET_DIR/debug/tessera-server" &
    server=$!
    trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    base="http://127.0.0.1:$port/scim/v2/conformance"
    status=0
    echo "== scim2-cli (scim2-tester)"
    SCIM_CLI_HEADERS="Authorization: Bearer $token" "$venv/bin/scim2" --url "$base" test || status=1
    echo "== scim-sanity probe"
    "$venv/bin/scim-sanity" probe "$base" --token "$token" --i-accept-side-effects || status=1
    exit "$status"
