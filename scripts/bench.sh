#!/usr/bin/env bash
# Benchmarks cellbook against Hugo and mdBook on a synthetic corpus (scripts/bench/corpus.py); writes
# BENCHMARKS.md.
#
#   bash scripts/bench.sh [--sizes "1000 10000"] [--runs N] [--tools "cellbook hugo mdbook"]
#                         [--edits N] [--no-edit] [--cellbook-bin PATH] [--build-limit SECS]
#
# Per size: clean builds timed with hyperfine in alternating rounds (one run of each tool per round,
# into an output folder that does not exist: the previous one is moved aside, and removed after
# the size's builds), builds over the previous output after a one-page edit and second builds with
# nothing changed (cellbook and Hugo, alternating), peak memory with /usr/bin/time -v (one build
# per tool), cellbook's search share (its summary line, and a build with `[search] enabled =
# false`), and the one-page edit latency of `cellbook serve` and `hugo server`. Missing tools are
# installed (hyperfine and Hugo with apt-get, mdBook with cargo). Corpora and scratch live in /tmp/cellbook-bench
# (BENCH_WORK to change it; never inside the repository) and are reused between runs. Results go
# to bench/results/size-N.json; BENCHMARKS.md and bench/scaling.svg are rendered from all of them,
# keeping BENCHMARKS.md's "Profile notes" section as it is (BENCH_RESULTS, BENCH_MD, BENCH_SVG
# put them elsewhere, e.g. for a trial run).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_WORK:-/tmp/cellbook-bench}
HELPERS="$REPO/scripts/bench"
GEN="$HELPERS/corpus.py"
PLANNED="1000 10000 50000" # the sizes BENCHMARKS.md reports (others are shown as pending)
RESULTS=${BENCH_RESULTS:-$REPO/bench/results}
REPORT_MD=${BENCH_MD:-$REPO/BENCHMARKS.md}
REPORT_SVG=${BENCH_SVG:-$REPO/bench/scaling.svg}

SIZES="1000"
RUNS=5
TOOLS="cellbook hugo mdbook"
EDITS=5
DO_EDIT=1
CELLBOOK_BIN=""
BUILD_LIMIT="" # seconds for one clean build; default max(300, 0.1 s per page)

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

while (($#)); do
  case "$1" in
    --sizes) SIZES=${2:?--sizes needs a value} && shift 2 ;;
    --runs) RUNS=${2:?--runs needs a value} && shift 2 ;;
    --tools) TOOLS=${2:?--tools needs a value} && shift 2 ;;
    --edits) EDITS=${2:?--edits needs a value} && shift 2 ;;
    --no-edit) DO_EDIT=0 && shift ;;
    --cellbook-bin) CELLBOOK_BIN=${2:?--cellbook-bin needs a path} && shift 2 ;;
    --build-limit) BUILD_LIMIT=${2:?--build-limit needs seconds} && shift 2 ;;
    -h | --help) usage && exit 0 ;;
    *) usage >&2 && die "unknown argument: $1" ;;
  esac
done

isnum() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
for s in $SIZES; do isnum "$s" || die "--sizes: '$s' is not a positive whole number"; done
[[ -n ${SIZES// /} ]] || die "--sizes is empty"
isnum "$RUNS" || die "--runs: '$RUNS' is not a positive whole number"
isnum "$EDITS" || die "--edits: '$EDITS' is not a positive whole number"
[[ -z $BUILD_LIMIT ]] || isnum "$BUILD_LIMIT" || die "--build-limit: '$BUILD_LIMIT' is not a number of seconds"
for t in $TOOLS; do
  case "$t" in cellbook | hugo | mdbook) ;; *) die "--tools: unknown tool '$t' (cellbook, hugo, mdbook)" ;; esac
done
has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }
drop_tool() { TOOLS=$(printf '%s\n' $TOOLS | { grep -vx "$1" || true; } | tr '\n' ' '); }

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd -P)
case "$WORK/" in "$(cd "$REPO" && pwd -P)/"*) die "BENCH_WORK ($WORK) is inside the repository; use a folder outside it" ;; esac
for c in python3 curl timeout git /usr/bin/time; do command -v "$c" >/dev/null || die "'$c' is needed"; done
export PATH="$HOME/.cargo/bin:$PATH"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_DIR="$WORK/runs/$STAMP"
mkdir -p "$RUN_DIR" "$WORK/corpus" "$WORK/sites" "$WORK/bin"
log "scratch folder: $RUN_DIR"

# Servers started by this script, stopped on exit by their process id.
SERVER_PIDS=()
stop_server() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do stop_server "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo -n"
apt_install() { # package
  local logf="$RUN_DIR/apt-$1.log"
  if [[ -n $SUDO ]] && ! sudo -n true 2>/dev/null; then
    warn "'$1' is missing and this script is not running as root (nor has sudo without a password):"
    warn "install it with: sudo apt-get install -y $1 (Debian/Ubuntu), or rerun as root"
    return 1
  fi
  log "installing $1 with apt-get (log: $logf)"
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q "$1" >"$logf" 2>&1; then
    $SUDO timeout 600 apt-get update -q >>"$logf" 2>&1 || true
    $SUDO env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q "$1" >>"$logf" 2>&1 || return 1
  fi
}

# ------------------------------------------------------------------------------------- tools
if ! command -v hyperfine >/dev/null; then
  apt_install hyperfine || die "cannot install hyperfine (see $RUN_DIR/apt-hyperfine.log)"
fi
if has_tool hugo && ! command -v hugo >/dev/null; then
  apt_install hugo || { warn "cannot install Hugo (see $RUN_DIR/apt-hugo.log); skipping it" && drop_tool hugo; }
fi
if has_tool mdbook && ! command -v mdbook >/dev/null; then
  log "installing mdBook with cargo install --locked (several minutes; log: $RUN_DIR/cargo-install-mdbook.log)"
  timeout 2400 cargo install mdbook --locked >"$RUN_DIR/cargo-install-mdbook.log" 2>&1 ||
    { warn "cannot install mdBook (see $RUN_DIR/cargo-install-mdbook.log); skipping it" && drop_tool mdbook; }
fi

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock 2>/dev/null | wc -l)
((DIRTY == 0)) || COMMIT="$COMMIT + uncommitted changes in $DIRTY files of src/ and Cargo.*"
BIN=""
SERVE_OK=0
if has_tool cellbook; then
  if [[ -n $CELLBOOK_BIN ]]; then
    [[ -x $CELLBOOK_BIN ]] || die "--cellbook-bin: $CELLBOOK_BIN is not an executable"
    COMMIT="given binary $CELLBOOK_BIN (tree at $COMMIT)"
    src=$CELLBOOK_BIN
  else
    log "building cellbook (cargo build --release; log: $RUN_DIR/cargo-build.log)"
    (cd "$REPO" && timeout 3600 cargo build --release) >"$RUN_DIR/cargo-build.log" 2>&1 ||
      die "cargo build --release failed; others may be mid-edit: see $RUN_DIR/cargo-build.log, retry, or pass --cellbook-bin"
    src="$REPO/target/release/cellbook"
  fi
  # A private copy: a concurrent `cargo build` must not swap the binary during the benchmark.
  rm -f "$WORK"/bin/cellbook-*
  BIN="$WORK/bin/cellbook-$STAMP"
  cp "$src" "$BIN"
  if timeout 20 "$BIN" serve --help >/dev/null 2>&1; then SERVE_OK=1; fi
fi
[[ -n ${TOOLS// /} ]] || die "no tool left to benchmark"
log "tools: $TOOLS; sizes: $SIZES; runs: $RUNS"

version_of() {
  case "$1" in
    cellbook) [[ -n $BIN ]] && echo "$("$BIN" --version 2>/dev/null | head -1) ($COMMIT)" ;;
    hugo) command -v hugo >/dev/null && hugo version 2>/dev/null | head -1 ;;
    mdbook) command -v mdbook >/dev/null && mdbook --version 2>/dev/null | head -1 ;;
    hyperfine) hyperfine --version | head -1 ;;
    rustc) rustc --version 2>/dev/null | head -1 ;;
  esac
  return 0
}

# ------------------------------------------------------------------------------------- corpora
flavor_of() { case "$1" in cellbook) echo yaml ;; hugo) echo hugo ;; mdbook) echo mdbook ;; esac; }
manifest_get() { # dir key
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1] + "/.bench-manifest.json"))[sys.argv[2]])' "$1" "$2"
}
corpus() { # size flavor -> prints the corpus folder, generating it once
  local size=$1 flavor=$2 dir="$WORK/corpus/$2-$1"
  # A corpus of another generator, or of another version of this one (its manifest's
  # `source_hash`: of corpus.py and bench/hugo/), is made anew.
  if [[ -f $dir/.bench-manifest.json ]] && [[ $(manifest_get "$dir" pages) == "$size" ]] &&
    [[ $(manifest_get "$dir" flavor) == "$flavor" ]] &&
    [[ $(manifest_get "$dir" source_hash 2>/dev/null) == "$(python3 "$GEN" --source-hash)" ]]; then
    echo "$dir" && return 0
  fi
  local need_kb=$((size * 20 + 10240)) free_kb
  free_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
  ((free_kb > need_kb)) || die "not enough disk space in $WORK for the $flavor corpus of $size pages (~$((need_kb / 1024)) MiB)"
  log "generating the $flavor corpus of $size pages in $dir"
  rm -rf "$dir" "$dir.tmp"
  timeout $((size / 20 + 300)) python3 "$GEN" --pages "$size" --out "$dir.tmp" --flavor "$flavor" --vocab "$REPO/bench/book.toml" >&2 ||
    die "corpus generation failed ($flavor, $size pages)"
  mv "$dir.tmp" "$dir"
  echo "$dir"
}

# A site to build: a hard-linked copy of a corpus (cheap, even at 50k pages), so that the probe
# page can be edited and the build's side files (Hugo's resources/, locks) stay out of the corpus.
site_from() { # corpus-dir site-dir [content-only]
  local from=$1 to=$2
  if [[ -e $to ]]; then rm -rf "$to" && LAST_REMOVAL=$SECONDS; fi
  if [[ ${3:-} == content-only ]]; then
    mkdir -p "$to" && cp -al "$from/content" "$to/content"
  else
    cp -al "$from" "$to"
  fi
}
unlink_copy() { # file: replace a hard link by a private copy, so edits do not reach the corpus
  cp "$1" "$1.bench-tmp" && mv -f "$1.bench-tmp" "$1"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds pid [status]: waits until the URL answers (and, for status, a good build)
  local url=$1 limit=$2 pid=$3 end=$((SECONDS + $2)) body
  while ((SECONDS < end)); do
    kill -0 "$pid" 2>/dev/null || return 2
    # The status lists every file of the first build: pass it on stdin, not as an argument.
    if body=$(curl -fsS -m 5 "$url" 2>/dev/null); then
      if [[ ${4:-} != status ]]; then return 0; fi
      if printf '%s' "$body" | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s.get("generation",0)>=1 and s.get("ok") else 1)' 2>/dev/null; then
        return 0
      fi
    fi
    sleep 0.5
  done
  return 1
}

q() { printf '%q' "$1"; }

# When this script last removed a large folder (a site copy, the outputs set aside). See
# `prepare` in bench_size for why no timed build may start within a minute of that.
LAST_REMOVAL=-1000
settle_after_removal() {
  local since=$((SECONDS - LAST_REMOVAL))
  ((since < 65)) || return 0
  note "waiting $((65 - since)) s: a large folder was removed $since s ago"
  sync
  sleep $((65 - since))
}

# ------------------------------------------------------------------------------------- one size
bench_size() {
  local size=$1 raw="$RUN_DIR/size-$size" out="$WORK/out/size-$size"
  local limit=${BUILD_LIMIT:-$((size / 10 > 300 ? size / 10 : 300))}
  mkdir -p "$raw"
  log "size $size: ${limit}s limit per build"
  # cellbook's output is ~85 KB a page with its search index, ~80 KB without, Hugo's about as
  # much: every timed build's output is kept until the size's builds end (see `prepare`), so
  # keep 250 KB a page a round free, plus 5 GB for the others.
  local free_kb need_kb=$((size * 250 * (RUNS + 1) + 5 * 1024 * 1024))
  free_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
  if ((free_kb < need_kb)); then
    warn "size $size: $((free_kb / 1048576)) GB free in $WORK, $((need_kb / 1048576)) GB wanted; skipping this size"
    return 0
  fi
  # The previous size's builds (or the corpus generation) leave the load average high for a
  # minute: give it up to two minutes to settle, so that the "busy" flag means other work.
  local waited=0
  while ((waited < 120)) && awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; do
    ((waited == 0)) && note "waiting for the load average to settle ($(cut -d' ' -f1 /proc/loadavg))"
    sleep 5
    waited=$((waited + 5))
  done
  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
    warn "load average is $load_before on $(nproc) cores: others are using the machine, numbers will be noisy"
  fi
  {
    echo "size=$size"
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit=$COMMIT"
    echo "runs=$RUNS"
    echo "load_before=$load_before"
    echo "machine_nproc=$(nproc)"
    echo "machine_mem=$(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available (free -g)"}')"
    echo "machine_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "machine_kernel=$(uname -srm)"
    local t
    for t in cellbook hugo mdbook hyperfine rustc; do
      if [[ $t == cellbook || $t == hugo || $t == mdbook ]] && ! has_tool "$t"; then continue; fi
      echo "version_$t=$(version_of "$t")"
    done
  } >"$raw/meta.txt"

  # Sites and commands. names[i] is the hyperfine name, cmds[i] the shell command.
  local names=() cmds=() probe_out="" probe_src="" cb_site="" hugo_site="" tool dir site
  for tool in $TOOLS; do
    dir=$(corpus "$size" "$(flavor_of "$tool")")
    site="$WORK/sites/$tool-$size"
    case "$tool" in
      cellbook)
        probe_out=$(manifest_get "$dir" probe_output)
        probe_src=$(manifest_get "$dir" probe_source)
        local variant
        for variant in cellbook cellbook-nosearch; do
          site="$WORK/sites/$variant-$size"
          site_from "$dir" "$site" content-only
          cp "$REPO/bench/book.toml" "$site/book.toml"
          cp -r "$REPO/templates" "$site/templates"
          [[ ! -d $REPO/static ]] || cp -r "$REPO/static" "$site/static"
          if [[ $variant == cellbook-nosearch ]]; then
            sed -i 's/^enabled = true$/enabled = false/' "$site/book.toml"
            grep -qx 'enabled = false' "$site/book.toml" || die "bench/book.toml: no 'enabled = true' line under [search] to turn off"
          fi
          names+=("$variant")
          cmds+=("$(q "$BIN") build --root $(q "$site") --output $(q "$out/$variant") >>$(q "$raw/summary-$variant.log") 2>>$(q "$raw/stderr-$variant.log")")
        done
        cb_site="$WORK/sites/cellbook-$size"
        unlink_copy "$cb_site/$probe_src"
        ;;
      hugo)
        site_from "$dir" "$site"
        hugo_site=$site
        unlink_copy "$site/$(manifest_get "$dir" probe_source)"
        names+=(hugo)
        cmds+=("hugo --source $(q "$site") --destination $(q "$out/hugo") --quiet >>$(q "$raw/stdout-hugo.log") 2>>$(q "$raw/stderr-hugo.log")")
        ;;
      mdbook)
        site_from "$dir" "$site"
        names+=(mdbook)
        cmds+=("mdbook build $(q "$site") --dest-dir $(q "$out/mdbook") >>$(q "$raw/stdout-mdbook.log") 2>>$(q "$raw/stderr-mdbook.log")")
        ;;
    esac
  done
  # A clean build is one into an output folder that does not exist, as in CI or a fresh clone.
  # The folder is moved aside before each build, not removed: this disk's ext4 has no journal,
  # and without one ext4 will not reuse an inode freed in the last minute, so every file a build
  # creates would first scan past each file of the output removed just before it, in the same
  # block group. That costs a build time in proportion to both folders' file counts (about 4 s
  # of a 10,000-page cellbook build), a cost no fresh checkout pays. The outputs set aside are
  # removed once the size's builds are done.
  local trash="$WORK/trash/size-$size"
  mkdir -p "$trash"
  local prepare="if [ -e $(q "$out") ]; then mv $(q "$out") $(q "$trash")/\$(date +%s%N); fi && mkdir -p $(q "$out")"
  [[ -z $hugo_site ]] ||
    prepare+=" && if [ -e $(q "$hugo_site/resources") ]; then mv $(q "$hugo_site/resources") $(q "$trash")/\$(date +%s%N)-resources; fi"

  settle_after_removal
  # One build per tool under /usr/bin/time -v: peak memory, a warm-up, and a check of the output.
  local i keep_names=() keep_cmds=() budget=60 t0 el probe_dir cb_build_ms=0
  for i in "${!names[@]}"; do
    tool=${names[$i]}
    log "size $size: $tool, one build for peak memory"
    bash -c "$prepare"
    t0=$(date +%s%N)
    if timeout -k 10 "$limit" /usr/bin/time -v -o "$raw/mem-$tool.txt" bash -c "${cmds[$i]}"; then
      el=$((($(date +%s%N) - t0) / 1000000))
      note "$tool: $((el / 1000)).$(printf '%03d' $((el % 1000))) s, $(grep -o 'Maximum resident set size (kbytes): [0-9]*' "$raw/mem-$tool.txt" | awk '{print int($NF / 1024)}') MiB peak"
      [[ $tool != cellbook ]] || cb_build_ms=$el
      # The timed runs' summary lines are collected apart from this one's.
      [[ ! -f $raw/summary-$tool.log ]] || mv -f "$raw/summary-$tool.log" "$raw/summary-$tool-first.log"
      probe_dir="$out/$tool"
      local expect="$probe_dir/$probe_out"
      if [[ $tool == hugo || $tool == mdbook ]]; then
        expect="$probe_dir/$(manifest_get "$WORK/corpus/$(flavor_of "$tool")-$size" probe_output)"
      fi
      if [[ ! -s $expect ]]; then
        warn "$tool: the build did not write $expect; leaving it out"
        echo "no probe page in its output" >"$raw/state-$tool.txt"
        continue
      fi
      echo "files=$(find "$probe_dir" -type f | wc -l)" >"$raw/output-$tool.txt"
      echo "bytes=$(du -sb "$probe_dir" | cut -f1)" >>"$raw/output-$tool.txt"
      echo ok >"$raw/state-$tool.txt"
      keep_names+=("$tool")
      keep_cmds+=("${cmds[$i]}")
      budget=$((budget + RUNS * (el * 3 / 1000 + 30)))
    else
      warn "$tool failed or took over ${limit}s (see $raw/stderr-$tool.log); leaving it out"
      echo "failed or over ${limit} s" >"$raw/state-$tool.txt"
    fi
  done

  if ((${#keep_names[@]})); then
    # Alternating rounds (cellbook, Hugo, mdBook, cellbook, ...), one hyperfine run each, so that a
    # change in the machine's load during the size's runs reaches every tool alike.
    log "size $size: $RUNS rounds of clean builds, alternating: ${keep_names[*]} (bounded to ${budget}s)"
    local round deadline=$((SECONDS + budget)) failed=0
    for round in $(seq 1 "$RUNS"); do
      for i in "${!keep_names[@]}"; do
        if ((SECONDS >= deadline)); then failed=1 && break 2; fi
        if ! timeout -k 10 "$limit" hyperfine --runs 1 --prepare "$prepare" --export-json "$raw/hf-$round-$i.json" \
          --command-name "${keep_names[$i]}" "${keep_cmds[$i]}" 2>&1 | tee -a "$raw/hyperfine.txt" >&2; then
          failed=1 && break 2
        fi
      done
    done
    if ((failed)); then
      warn "a timed build failed or the runs went over ${budget}s (see $raw/hyperfine.txt)"
      for tool in "${keep_names[@]}"; do echo "timed runs failed" >"$raw/state-$tool.txt"; done
    fi
    bash -c "$prepare"
    rebuild_rounds "$size" "$raw" "$limit" "$budget"
    python3 "$HELPERS/report.py" merge-runs --raw "$raw" --out "$raw/hyperfine.json"
    bash -c "$prepare"
  fi

  if ((DO_EDIT)); then edit_cellbook "$size" "$raw" "$cb_site" "$probe_out" "$probe_src" "$limit" "$cb_build_ms"; fi
  if ((DO_EDIT)) && [[ -n $hugo_site ]]; then edit_hugo "$size" "$raw" "$hugo_site" "$limit"; fi

  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw/meta.txt"
  log "size $size: removing the outputs set aside ($trash)"
  rm -rf "$trash" "$out"
  LAST_REMOVAL=$SECONDS
  mkdir -p "$RESULTS"
  python3 "$HELPERS/report.py" collect --raw "$raw" --out "$RESULTS/size-$size.json" ||
    warn "could not collect the results of size $size (raw files in $raw)"
}

# Builds over the previous output, the way an editor rebuilds, for cellbook and Hugo (mdBook and
# cellbook without search are measured into new folders only): first one untimed build of each
# into its output folder, then alternating rounds of a build after one page was edited (a
# sentence appended to the probe page in `--prepare`; every page is rendered again and Hugo
# overwrites its files in place, cellbook writes the files whose bytes changed), then alternating
# rounds of a second build with nothing changed (cellbook checks its inputs and output and stops;
# Hugo has no such check and builds again). Results join the clean builds' as `TOOL-over` and
# `TOOL-noop` (hf-ROUND-1I.json and hf-ROUND-2I.json).
rebuild_rounds() { # size raw limit budget (uses keep_names, keep_cmds, cb_site, probe_src, hugo_site)
  local size=$1 raw=$2 limit=$3 budget=$4 i tool kind round
  local names=() cmds=() edits=()
  for i in "${!keep_names[@]}"; do
    tool=${keep_names[$i]}
    case "$tool" in
      cellbook) edits+=("$cb_site/$probe_src") ;;
      hugo) edits+=("$hugo_site/$(manifest_get "$hugo_site" probe_source)") ;;
      *) continue ;;
    esac
    names+=("$tool")
    # Their own logs: the clean builds' summary lines feed the search-share table.
    cmds+=("${keep_cmds[$i]//-$tool.log/-$tool-rebuild.log}")
  done
  ((${#names[@]})) || return 0
  mkdir -p "$out"
  for i in "${!names[@]}"; do
    log "size $size: ${names[$i]}, one build to have a previous output"
    timeout -k 10 "$limit" bash -c "${cmds[$i]}" || { warn "${names[$i]}: the first build over nothing failed" && return 0; }
  done
  settle_after_removal
  local deadline=$((SECONDS + 2 * budget))
  for kind in over noop; do
    log "size $size: $RUNS rounds of builds $([[ $kind == over ]] && echo "after a one-page edit" || echo "with nothing changed"), alternating: ${names[*]}"
    for round in $(seq 1 "$RUNS"); do
      for i in "${!names[@]}"; do
        ((SECONDS < deadline)) || { warn "rebuild rounds over their time budget; stopping" && return 0; }
        local prep="true" slot=$((i + 10))
        if [[ $kind == over ]]; then
          prep="echo \"Edited for the benchmark, round $round.\" >>$(q "${edits[$i]}")"
        else
          slot=$((i + 20))
        fi
        timeout -k 10 "$limit" hyperfine --runs 1 --prepare "$prep" --export-json "$raw/hf-$round-$slot.json" \
          --command-name "${names[$i]}-$kind" "${cmds[$i]}" 2>&1 | tee -a "$raw/hyperfine.txt" >&2 ||
          { warn "a timed rebuild failed (see $raw/hyperfine.txt)" && return 0; }
      done
    done
  done
  grep -c '^nothing changed' "$raw/summary-cellbook-rebuild.log" >"$raw/noop-cellbook.txt" 2>/dev/null || true
}

# Two series on one server: with the server idle before each edit (no build for 1 s and the
# status shows no search re-index pending), then edits 1 s apart (the next edit 1 s after the
# previous one was published, whatever the search re-index is doing). The clock runs from the
# save (the file closed) to the page, polled every 2 ms, showing the new sentence.
edit_cellbook() { # size raw site probe_out probe_src limit [full-build-ms, unused]
  local size=$1 raw=$2 site=$3 probe_out=$4 probe_src=$5 limit=$6
  has_tool cellbook || return 0
  if ((!SERVE_OK)); then
    echo "serve: not available" | tee "$raw/edit-cellbook.note" >&2
    return 0
  fi
  local port serve_out="$WORK/out/serve-$size" pid
  port=$(free_port)
  rm -rf "$serve_out"
  log "size $size: cellbook serve on port $port"
  "$BIN" serve --root "$site" --port "$port" --output "$serve_out" >"$raw/serve-cellbook.log" 2>&1 &
  pid=$!
  SERVER_PIDS+=("$pid")
  local rc=0
  wait_http "http://127.0.0.1:$port/__cellbook/status" "$limit" "$pid" status || rc=$?
  if ((rc != 0)); then
    local why="it exited"
    if ((rc == 1)); then why="no good build within ${limit}s"; fi
    echo "serve: not available ($why; see serve-cellbook.log)" | tee "$raw/edit-cellbook.note" >&2
    stop_server "$pid"
    return 0
  fi
  local series mode
  for series in idle rapid; do
    if [[ $series == idle ]]; then mode=(--idle --idle-limit "$limit"); else mode=(); fi
    log "size $size: cellbook serve, $EDITS edits, $series"
    timeout -k 10 $((EDITS * (2 * limit + 120) + 120)) python3 "$HELPERS/edit_latency.py" \
      --page "http://127.0.0.1:$port/${probe_out%index.html}" \
      --status "http://127.0.0.1:$port/__cellbook/status" --settle 1 --poll 0.002 "${mode[@]}" \
      --file "$site/$probe_src" --edits "$EDITS" --timeout "$limit" --out "$raw/edit-cellbook-$series.json" ||
      warn "cellbook serve: not every edit showed up (see $raw/edit-cellbook-$series.json, $raw/serve-cellbook.log)"
  done
  stop_server "$pid"
  rm -rf "$serve_out"
}

edit_hugo() { # size raw site limit
  local size=$1 raw=$2 site=$3 limit=$4 port pid probe_out probe_src
  probe_out=$(manifest_get "$site" probe_output)
  probe_src=$(manifest_get "$site" probe_source)
  port=$(free_port)
  log "size $size: hugo server on port $port, $EDITS one-page edits"
  hugo server --source "$site" --port "$port" --bind 127.0.0.1 --baseURL "http://127.0.0.1/" \
    >"$raw/serve-hugo.log" 2>&1 &
  pid=$!
  SERVER_PIDS+=("$pid")
  if ! wait_http "http://127.0.0.1:$port/${probe_out%index.html}" "$limit" "$pid"; then
    echo "hugo server did not serve the page within ${limit}s (see serve-hugo.log)" | tee "$raw/edit-hugo.note" >&2
    stop_server "$pid"
    return 0
  fi
  timeout -k 10 $((EDITS * (limit + 120) + 120)) python3 "$HELPERS/edit_latency.py" \
    --page "http://127.0.0.1:$port/${probe_out%index.html}" \
    --file "$site/$probe_src" --edits "$EDITS" --timeout "$limit" --settle 1 --out "$raw/edit-hugo.json" ||
    warn "hugo server: not every edit showed up (see $raw/edit-hugo.json)"
  stop_server "$pid"
}

for size in $SIZES; do
  bench_size "$size"
  python3 "$HELPERS/report.py" render --results "$RESULTS" --md "$REPORT_MD" --svg "$REPORT_SVG" --planned "$PLANNED"
done
log "done: $REPORT_MD, $REPORT_SVG, raw files in $RUN_DIR"
