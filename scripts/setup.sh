#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Tessera's build and tests need, only those missing.
set -euo pipefail

packages=(
  pkg-config      # finds the C libraries below
  libclang-dev    # bindgen, for the xmlsec bindings
  libxml2-dev     # libxml2, under xmlsec
  libxmlsec1-dev  # XML signatures and encryption (SAML)
  libssl-dev      # xmlsec's OpenSSL backend
  libpq-dev       # the PostgreSQL client library diesel links
)

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is missing; install Rust with rustup (https://rustup.rs) and retry" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing packages ${missing[*]}, and this is not a Debian/Ubuntu system; install their equivalents" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
