#!/usr/bin/env bash
# Profiles one cellbook build with perf and prints where its CPU time goes, by component
# (scripts/bench/profile.py), for BENCHMARKS.md's profile notes.
#
#   bash scripts/bench/profile.sh SITE [--bin PATH] [--freq HZ]
#
# SITE is a site folder (book.toml, content/, ...), e.g. /tmp/cellbook-bench/sites/cellbook-10000
# as scripts/bench.sh leaves it. The build writes into a new folder beside the profile (the
# output folder does not exist, as in the benchmark's clean builds) and prints its own phase
# timings (CELLBOOK_TIMINGS). Needs `perf` (Debian: linux-perf) and permission to record
# (perf_event_paranoid <= 2, or root).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SITE=${1:?usage: profile.sh SITE [--bin PATH] [--freq HZ]}
shift
BIN="$REPO/target/release/cellbook"
FREQ=499
while (($#)); do
  case "$1" in
    --bin) BIN=${2:?--bin needs a path} && shift 2 ;;
    --freq) FREQ=${2:?--freq needs a number} && shift 2 ;;
    *) echo "unknown argument: $1" >&2 && exit 2 ;;
  esac
done
command -v perf >/dev/null || { echo "perf is needed (Debian: apt-get install linux-perf)" >&2; exit 1; }
[[ -x $BIN ]] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellbook-profile.XXXXXX")
echo "profile and output in $WORK (remove it when done)" >&2
CELLBOOK_TIMINGS=1 perf record -q -F "$FREQ" --call-graph dwarf,16384 -o "$WORK/perf.data" \
  "$BIN" build --root "$SITE" --output "$WORK/site" >&2
python3 "$REPO/scripts/bench/profile.py" "$WORK/perf.data" ${DETAIL:+--detail "$DETAIL"}
