#!/usr/bin/env bash
# Runs the vendored pagefind's own unit tests (vendor/pagefind/PATCHES.md): upstream's, and those
# of the patches that change code both of cellbook's paths share, which tests/pagefind_patches.rs
# cannot tell apart.
#
#   bash scripts/vendor-pagefind-tests.sh
#
# The crate is built on its own, with the features cellbook uses (and the tokio features it
# needs but does not enable itself), into target/vendor-pagefind. Its dependencies are held to the
# versions cellbook's Cargo.lock pins: the lock is copied beside vendor/pagefind/Cargo.toml for
# the run (cargo keeps what the crate uses) and removed after, so that vendor/pagefind stays the
# package plus the patches (`scripts/vendor-pagefind.sh --check`).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCK="$REPO/vendor/pagefind/Cargo.lock"
[[ -e $LOCK ]] && { echo "vendor-pagefind-tests.sh: $LOCK exists; remove it first" >&2; exit 2; }
trap 'rm -f "$LOCK"' EXIT
cp "$REPO/Cargo.lock" "$LOCK"
CARGO_TARGET_DIR="$REPO/target/vendor-pagefind" cargo test --manifest-path "$REPO/vendor/pagefind/Cargo.toml" \
  --no-default-features --features extended,tokio/io-util,tokio/fs --lib
