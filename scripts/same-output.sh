#!/usr/bin/env bash
# Shows that a change to the code leaves the built site byte for byte as it was: builds the real
# site and a 1,000-page benchmark corpus with the binary of BASE (a git ref, default HEAD) and with
# the working tree's, then compares the two output folders file by file.
#
#   bash scripts/same-output.sh [BASE] [--base-bin PATH] [--pages N] [--decompressed]
#
# --base-bin skips building BASE (any cellbook binary built from it). --decompressed compares the
# search index's gzipped files by what they decompress to (for a change of compression, such as
# pagefind patch 17's level), every other file byte for byte. Scratch lives in
# /tmp/cellbook-same (SAME_WORK to change it). Exit 0 when every file is the same, 1 when any
# differs (the differing paths are listed), 2 on a failed build.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${SAME_WORK:-/tmp/cellbook-same}
BASE=HEAD
BASE_BIN=""
PAGES=1000
DECOMPRESSED=0
while (($#)); do
  case $1 in
  --base-bin) BASE_BIN=$(realpath "$2"); shift 2 ;;
  --pages) PAGES=$2; shift 2 ;;
  --decompressed) DECOMPRESSED=1; shift ;;
  -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) BASE=$1; shift ;;
  esac
done
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
mkdir -p "$WORK"
# Dates that depend on "now" (overdue trials, feeds) come from this, so both builds agree.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1764979200}

if [[ -z $BASE_BIN ]]; then
  log "building $BASE ($(git -C "$REPO" rev-parse --short "$BASE"))"
  rm -rf "$WORK/base-src"
  mkdir -p "$WORK/base-src"
  git -C "$REPO" archive "$BASE" | tar -x -C "$WORK/base-src"
  CARGO_TARGET_DIR="$WORK/base-target" cargo build --release --quiet --manifest-path "$WORK/base-src/Cargo.toml"
  BASE_BIN="$WORK/base-target/release/cellbook"
fi
log "building the working tree"
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml"
HEAD_BIN="$REPO/target/release/cellbook"

CORPUS="$WORK/corpus-$PAGES"
kept_hash=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("source_hash", ""))' \
  "$CORPUS/.bench-manifest.json" 2>/dev/null || true)
# Made again when the generator (or bench/hugo/) changed since.
if [[ ! -f $CORPUS/book.toml || $kept_hash != "$(python3 "$REPO/scripts/bench/corpus.py" --source-hash)" ]]; then
  log "writing a $PAGES-page corpus"
  rm -rf "$CORPUS"
  python3 "$REPO/scripts/bench/corpus.py" --pages "$PAGES" --seed 1 --flavor yaml \
    --vocab "$REPO/bench/book.toml" --out "$CORPUS"
  cp "$REPO/bench/book.toml" "$CORPUS/book.toml"
fi

# With --decompressed, drops from a `diff -rq` listing the search files that decompress to the
# same bytes; prints what is left.
still_different() {
  local line a b
  while IFS= read -r line; do
    if ((DECOMPRESSED)) && [[ $line =~ ^Files\ (.*/pagefind/[^ ]*)\ and\ (.*)\ differ$ ]]; then
      a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]}
      if cmp -s <(gzip -dc "$a" 2>/dev/null) <(gzip -dc "$b" 2>/dev/null) && gzip -t "$a" 2>/dev/null; then
        continue
      fi
    fi
    printf '%s\n' "$line"
  done
}

status=0
compare() { # name, site root
  local name=$1 root=$2
  for side in base head; do
    local bin=$BASE_BIN
    [[ $side == head ]] && bin=$HEAD_BIN
    rm -rf "$WORK/out-$name-$side"
    if ! "$bin" build --root "$root" --output "$WORK/out-$name-$side" >"$WORK/log-$name-$side" 2>&1; then
      cat "$WORK/log-$name-$side" >&2
      exit 2
    fi
  done
  local files
  files=$(find "$WORK/out-$name-head" -type f | wc -l)
  diff -rq "$WORK/out-$name-base" "$WORK/out-$name-head" | still_different >"$WORK/diff-$name" || true
  if [[ ! -s $WORK/diff-$name ]]; then
    if ((DECOMPRESSED)); then
      log "$name: the same ($files files; the search index's compared decompressed)"
    else
      log "$name: the same ($files files)"
    fi
  else
    log "$name: DIFFERENT ($(wc -l <"$WORK/diff-$name") of $files files)"
    head -20 "$WORK/diff-$name" >&2
    status=1
  fi
}
compare site "$REPO"
compare corpus "$CORPUS"
exit $status
