#!/usr/bin/env bash
# Load test of the dev server from a separate process: wrk on loopback, 64 connections, 20 s,
# while an article is edited every 2 s so the server rebuilds under load. Prints wrk's report,
# the number of rebuilds, and the server's peak memory. Needs wrk (Debian package `wrk`).
# Usage: bash scripts/load-test.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
cargo build --release --quiet
site="$(mktemp -d)"
trap 'kill "${server:-0}" "${editor:-0}" 2>/dev/null || true; rm -rf "$site"' EXIT
cp -r book.toml content templates static "$site"/
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
./target/release/cellbook serve --root "$site" --port "$port" >"$site/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/__cellbook/status" | grep -q '"ok":true' && break
  sleep 0.2
done
( i=0; while true; do i=$((i+1)); echo "Load-test edit $i." >>"$site/content/conditions/als.md"; sleep 2; done ) &
editor=$!
peak=0
( while kill -0 "$server" 2>/dev/null; do ps -o rss= -p "$server"; sleep 1; done ) >"$site/rss.log" &
wrk -t2 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$port/conditions/als/"
kill "$editor" 2>/dev/null || true
generation="$(curl -fs "http://127.0.0.1:$port/__cellbook/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')"
peak="$(sort -n "$site/rss.log" | tail -1)"
echo "rebuilds during the run: $generation (status generation)"
echo "server peak RSS: $((peak / 1024)) MiB"
