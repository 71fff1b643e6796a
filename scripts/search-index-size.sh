#!/usr/bin/env bash
# The size of a built site's search index: the files pagefind writes per site (word index,
# fragments, filters, metadata), not its JavaScript and WebAssembly, which are the same for any
# site. Prints the documents indexed, the bytes as served (gzip) and unpacked, and both per
# document. BENCHMARKS.md ("Search index size") records the figures.
#
#   bash scripts/search-index-size.sh [SITE_DIR]     (default: build the site into a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-}"
if [ -z "$site" ]; then
  site="$(mktemp -d)/site"
  SOURCE_DATE_EPOCH=1767225600 cargo run --release --quiet -- build --output "$site" >/dev/null
fi
bundle="$site/pagefind"
files=$(find "$bundle/index" "$bundle/fragment" "$bundle/filter" "$bundle"/*.pf_meta -type f)
served=$(cat $files | wc -c)
# Each file is gzip with pagefind's 12-byte signature inside: unpack them to count what the
# browser decodes.
unpacked=$(for f in $files; do gzip -dc < "$f"; done | wc -c)
documents=0
for n in $(grep -o '"page_count":[0-9]*' "$bundle/pagefind-entry.json" | cut -d: -f2); do documents=$((documents + n)); done
fragments=$(find "$bundle/fragment" -type f | wc -l)
echo "documents: $documents ($(grep -o '"[a-z-]*":{"hash[^}]*page_count":[0-9]*' "$bundle/pagefind-entry.json" | sed 's/":{.*page_count":/: /; s/"//g' | paste -sd, -))"
echo "fragments: $fragments"
echo "served (gzip): $served bytes, $((served / documents)) per document"
echo "unpacked: $unpacked bytes, $((unpacked / documents)) per document"
