#!/usr/bin/env bash
# Builds one fuzz target as a libFuzzer binary with the stable toolchain and runs it (FUZZING.md).
#
#   bash fuzz/run.sh <front_matter|markdown|html|urls|trial_record> [seconds=600] [more libFuzzer options]
#
# The coverage instrumentation is the one cargo-fuzz adds; AddressSanitizer is left out (it needs
# a nightly compiler, and the library has no `unsafe` code of its own). The corpus folder is made
# when missing, so this works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: bash fuzz/run.sh <front_matter|markdown|html|urls|trial_record> [seconds] [libFuzzer options]}
seconds=${2:-600}
shift $(($# < 2 ? $# : 2))
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# With an explicit --target, as cargo-fuzz does, the flags skip build scripts and proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
CARGO_TARGET_DIR=target/stable cargo build --release --target "$host" --bin "$target"
mkdir -p "corpus/$target" "artifacts/$target"
exec "target/stable/$host/release/$target" "corpus/$target" "seeds/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@"
