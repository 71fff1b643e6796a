#!/usr/bin/env bash
# Rebuilds vendor/pagefind: the crates.io package pagefind, as published (its checksum verified),
# with cellbook's patches (vendor/pagefind-patches/*.patch) applied in order. vendor/pagefind stays
# committed, applied, so that builds need no network; the patch files are the record of the changes
# and vendor/pagefind/PATCHES.md says why each one is there.
#
#   bash scripts/vendor-pagefind.sh           rebuild vendor/pagefind in place
#   bash scripts/vendor-pagefind.sh --check   rebuild into a temporary folder and compare
#
# Exit 0 when rebuilt, or (--check) when vendor/pagefind is exactly the package plus the patches;
# 1 when --check finds a difference (shown); 2 when the package cannot be had (no network, wrong
# checksum) or a patch does not apply. The package is taken from cargo's download cache when it
# is there, else from crates.io.
#
# To take a new pagefind release: set VERSION and SHA256 below (SHA256 is the `cksum` of the
# version's line in https://index.crates.io/pa/ge/pagefind), run this script, and rework each
# patch that no longer applies (PATCHES.md says what each one is for).
set -euo pipefail

VERSION=1.6.0
SHA256=5d9345b46c57402962ba0f02e8513d69ef24e14e068073d4d06f5bfdd8c437d0
URL="https://static.crates.io/crates/pagefind/pagefind-$VERSION.crate"
# In the package, not wanted in a path dependency.
REMOVED=(Cargo.lock .cargo_vcs_info.json)
# cellbook's own files in vendor/pagefind, kept as they are by a rebuild.
OWN=(LICENSE PATCHES.md)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENDOR="$REPO/vendor/pagefind"
PATCHES="$REPO/vendor/pagefind-patches"
CHECK=false
case ${1:-} in
--check) CHECK=true ;;
"") ;;
-h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "vendor-pagefind.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac
fail() { echo "vendor-pagefind.sh: $*" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }

# The package: cargo's cached download if it has one, else crates.io; either way, checksummed.
crate="$WORK/pagefind-$VERSION.crate"
cached=$(compgen -G "${CARGO_HOME:-$HOME/.cargo}/registry/cache/*/pagefind-$VERSION.crate" | head -n1 || true)
if [[ -n $cached ]]; then
  cp "$cached" "$crate"
elif ! curl -fsSL --retry 2 -o "$crate" "$URL"; then
  fail "cannot download $URL (is crates.io reachable?); the check needs pagefind $VERSION as published"
fi
actual=$(sha256 "$crate")
[[ $actual == "$SHA256" ]] || fail "pagefind-$VERSION.crate has sha256 $actual, not $SHA256 as recorded in this script"

tar -xzf "$crate" -C "$WORK"
tree="$WORK/pagefind-$VERSION"
for file in "${REMOVED[@]}"; do rm -f "$tree/$file"; done
for patch in "$PATCHES"/*.patch; do
  if ! out=$(patch -d "$tree" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch < "$patch" 2>&1); then
    echo "$out" >&2
    fail "${patch#"$REPO/"} does not apply to pagefind $VERSION (with the patches before it); rework it"
  fi
done

if $CHECK; then
  excludes=()
  for file in "${OWN[@]}"; do
    [[ -f $VENDOR/$file ]] || { echo "vendor/pagefind/$file is missing" >&2; exit 1; }
    excludes+=(--exclude="$file")
  done
  if diff -ru "${excludes[@]}" "$tree" "$VENDOR" >"$WORK/diff"; then
    echo "vendor/pagefind is pagefind $VERSION with the patches of vendor/pagefind-patches"
    exit 0
  fi
  sed "s|$tree|pagefind-$VERSION+patches|g; s|$REPO/||g" "$WORK/diff" >&2
  echo "vendor/pagefind differs from pagefind $VERSION with vendor/pagefind-patches applied (diff above):" >&2
  echo "record the change as a patch (PATCHES.md), or run this script to rebuild vendor/pagefind" >&2
  exit 1
fi

for file in "${OWN[@]}"; do cp "$VENDOR/$file" "$tree/$file"; done
rm -rf "$VENDOR"
mv "$tree" "$VENDOR"
echo "rebuilt vendor/pagefind: pagefind $VERSION with the patches of vendor/pagefind-patches"
