#!/usr/bin/env bash
# The project's test command: everything a change must pass.
# Installs what the tests need on a fresh Debian machine (see scripts/install-test-deps.sh),
# then runs the vendored pagefind's own unit tests (scripts/vendor-pagefind-tests.sh) and the Rust
# test suite, which includes the browser and HTML-validator tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
bash scripts/vendor-pagefind-tests.sh
cargo test --release --all-targets
