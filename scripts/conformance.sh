#!/usr/bin/env bash
# Runs the PyPI SCIM conformance tools (scim2-cli's scim2-tester, scim-sanity), pinned in
# fixtures/scim/conformance/requirements.txt, against a server on a temporary SQLite
# database. Fails on any scim2-tester ERROR not matched by a line of
# fixtures/scim/conformance/allowed.txt (each justified in fixtures/scim/README.md; the
# full report is left in target/conformance-scim2.txt) and
# on any scim-sanity failure. Skips, saying so, only when no Python venv can be made.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
pins=fixtures/scim/conformance/requirements.txt
allowed=fixtures/scim/conformance/allowed.txt
venv=target/conformance-venv
if ! cmp -s "$pins" "$venv/requirements.txt"; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        echo "conformance: SKIPPED, python3 cannot create a venv (install python3-venv)" >&2
        exit 0
    fi
    timeout 300 "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$pins"
    cp "$pins" "$venv/requirements.txt"
fi
cargo build --quiet -p tessera-server -p tessera-scim-bench
dir=$(mktemp -d)
url="sqlite://$dir/conformance.db"
token=$("$target/debug/scim-seed" "$url" conformance)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# scim2-tester sends as fast as it can and does not back off on 429 as IdPs do: the
# per-org rate limit is tested on its own (tests/it/scim_limits.rs), so it is off here.
TESSERA_DATABASE_URL="$url" TESSERA_BIND="127.0.0.1:$port" TESSERA_PUBLIC_URL="http://127.0.0.1:$port" \
    TESSERA_SCIM_RATE_LIMIT_PER_SECOND=0 TESSERA_DEMO_ORG=false RUST_LOG=error,tracing_actix_web=off "$target/debug/tessera-server" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port/scim/v2/conformance"
status=0

echo "== scim2-cli (scim2-tester)"
report=target/conformance-scim2.txt  # the full report, kept for reading
SCIM_CLI_HEADERS="Authorization: Bearer $token" NO_COLOR=1 \
    timeout 300 "$venv/bin/scim2" --url "$base" test >"$report" 2>&1 || true
# One line per finding: "ERROR <check>: <message>".
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$report" | awk '/^ERROR /{check=$2; getline; sub(/^ +/, ""); print "ERROR " check ": " $0}')
passed=$(grep -c '^SUCCESS' "$report" || true)
unexpected=$(grep -v -x -F -f <(grep -v '^#' "$allowed" | grep .) <<<"$findings" | grep . || true)
echo "$passed checks passed, $(grep -c . <<<"$findings" || true) errors, of which allowed (fixtures/scim/README.md):"
grep -x -F -f <(grep -v '^#' "$allowed" | grep .) <<<"$findings" | sed 's/^/  /' || true
if [ -n "$unexpected" ]; then
    echo "UNEXPECTED scim2-tester errors:"
    echo "$unexpected" | sed 's/^/  /'
    status=1
fi
if ! grep -q '^SUCCESS' "$report"; then
    echo "scim2-tester ran no check:"; cat "$report"; status=1
fi

echo "== scim-sanity probe"
sanity=target/conformance-scim-sanity.txt
if timeout 300 "$venv/bin/scim-sanity" probe "$base" --token "$token" --i-accept-side-effects >"$sanity" 2>&1; then
    tail -3 "$sanity"
else
    cat "$sanity"; status=1
fi
exit "$status"
