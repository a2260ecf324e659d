#!/usr/bin/env bash
# Makes sure the test PostgreSQL answers on 127.0.0.1:5432, starting a local cluster that
# is installed but down. Exits 0 when PostgreSQL is ready, 1 when none is installed.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }

if ! command -v pg_isready >/dev/null 2>&1 || ! [ -d /etc/postgresql ]; then
  if [ -n "${TESSERA_TEST_POSTGRES_URL:-}" ]; then exit 0; fi
  echo "note: PostgreSQL is not installed; the PostgreSQL half of the tests is skipped" >&2
  exit 1
fi
ready && exit 0

echo "starting the local PostgreSQL cluster"
for version in $(ls /etc/postgresql); do
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
done
for _ in $(seq 1 30); do
  ready && exit 0
  sleep 1
done
echo "error: PostgreSQL is installed but did not start" >&2
exit 1
