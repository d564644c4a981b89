#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The exported API of libstubflash, checked three ways:
#  - the dynamic symbols the library defines are exactly the functions the version script lists
#    (an internal function that leaks, or a public one that is missing, fails), each with the
#    script's version node;
#  - every one is declared SF_API in an installed header;
#  - every SF_API declaration's comment says since when it exists (@since).
# Usage: check_exports.sh LIBRARY VERSION_SCRIPT HEADERS_DIR
set -eu
lib=$1 map=$2 headers=$3
status=0
node=$(sed -n 's/^\([A-Za-z_][A-Za-z0-9_.]*\)[[:space:]]*{.*/\1/p' "$map" | head -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# nm -D: "T sf_version@@STUBFLASH_0"; the node itself is "A STUBFLASH_0".
nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | LC_ALL=C sort >"$tmp/versioned"
sed 's/@.*//' "$tmp/versioned" >"$tmp/exported"
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);[[:space:]]*$/\1/p' "$map" | LC_ALL=C sort >"$tmp/listed"
leaked=$(LC_ALL=C comm -23 "$tmp/exported" "$tmp/listed")
missing=$(LC_ALL=C comm -13 "$tmp/exported" "$tmp/listed")
[ -z "$leaked" ] || { echo "exported but not in $map (internal? make it static or hidden):"; echo "$leaked"; status=1; }
[ -z "$missing" ] || { echo "in $map but not exported by $lib:"; echo "$missing"; status=1; }
unversioned=$(grep -v "@@$node\$" "$tmp/versioned" || true)
[ -z "$unversioned" ] || { echo "exported without the version node $node:"; echo "$unversioned"; status=1; }

for sym in $(cat "$tmp/exported"); do
    grep -Eq "^SF_API([^(]*[^A-Za-z0-9_])?$sym[[:space:]]*\(" "$headers"/*.h ||
        { echo "$sym is exported but no header in $headers declares it SF_API"; status=1; }
done

# The comment above each SF_API line (its last line ends the comment) must hold @since.
for h in "$headers"/*.h; do
    awk -v file="$h" '
        /\/\*\*/ { doc = ""; open = 1 }
        open { doc = doc $0 }
        open && /\*\// { open = 0; ended = NR }
        /^SF_API/ {
            name = $0; sub(/\(.*/, "", name); sub(/.*[^A-Za-z0-9_]/, "", name)
            if (ended != NR - 1 || doc !~ /@since [0-9]+\.[0-9]+/)
                { print file ": " name " has no @since in the comment above it"; bad = 1 }
        }
        END { exit bad }' "$h" || status=1
done

[ $status -eq 0 ] && echo "exports: $(wc -l <"$tmp/exported") functions, all in $map ($node), declared and dated"
exit $status
