#!/usr/bin/env bash
# Installs what Tessera's build and tests need and the machine lacks: Debian/Ubuntu
# packages (C libraries for the build) and Python modules (real peers the tests drive).
set -euo pipefail

packages=(
  pkg-config      # finds the C libraries below
  libclang-dev    # bindgen, for the xmlsec bindings
  libxml2-dev     # libxml2, under xmlsec
  libxmlsec1-dev  # XML signatures and encryption (SAML)
  libssl-dev      # xmlsec's OpenSSL backend
  libpq-dev       # the PostgreSQL client library diesel links
  chromium        # the browser the admin pages' end-to-end test drives
  xmlsec1         # signs responses for pysaml2, the IdP in the SAML end-to-end tests
  nodejs          # runs oidc-provider, the OpenID providers of the Salesforce login tests
)

# module:package pairs
python_modules=(
  openpyxl:openpyxl  # edits mapping sheets as an admin's spreadsheet program would
  saml2:pysaml2      # the real IdP that signs SAML responses in the end-to-end tests
  standardwebhooks:standardwebhooks  # verifies webhook signatures as a receiver would (not our code)
)

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is missing; install Rust with rustup (https://rustup.rs) and retry" >&2
  exit 1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing packages $*, and this is not a Debian/Ubuntu system; install their equivalents" >&2
    exit 1
  fi
  echo "installing $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
# Debian packages npm apart from nodejs (NodeSource's nodejs includes it).
command -v npm >/dev/null 2>&1 || apt_install npm

missing=()
for pair in "${python_modules[@]}"; do
  python3 -c "import ${pair%%:*}" 2>/dev/null || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  echo "installing Python modules ${missing[*]}"
  # Debian's own python3 refuses user installs (PEP 668) unless told otherwise.
  python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${missing[@]}"
fi
