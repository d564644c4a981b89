#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The library just built against the ABI baseline (libflash/abi/libstubflash.abi, written by
# scripts/update-abi) with libabigail's abidiff: only the public headers' types count, and new
# functions are fine. Any other change fails unless the soname changed with it: a function gone
# (abidiff's bit 8, incompatible) or a public type changed (bit 4: abidiff cannot tell whether
# a struct that grew breaks callers; a human reviews it and, if it does not, accepts it with
# scripts/update-abi).
# Usage: check_abi.sh BASELINE LIBRARY HEADERS_DIR
set -u
baseline=$1 lib=$2 headers=$3
command -v abidiff >/dev/null || { echo "abidiff not found (apt-get install abigail-tools): skipped"; exit 77; }
readelf -S "$lib" | grep -q '\.debug_info' || { echo "$lib has no debug information: skipped"; exit 77; }
was=$(sed -n "s/.*<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" "$baseline" | head -n 1)
now=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
if [ "$was" != "$now" ]; then
    echo "soname $was -> $now: a new ABI; record it with scripts/update-abi"
    exit 0
fi
abidiff --no-added-syms --headers-dir2 "$headers" --drop-private-types "$baseline" "$lib"
status=$?
if [ $((status & 3)) -ne 0 ]; then
    echo "abidiff failed (status $status)"
    exit 1
elif [ $((status & 8)) -ne 0 ]; then
    echo "incompatible ABI change: restore what went, or give the library a new soname (libflash/meson.build)"
    exit 1
elif [ $((status & 4)) -ne 0 ]; then
    echo "ABI change: if it breaks programs built against $was, restore it or change the soname;"
    echo "if not (a member added at the end of a versioned struct, an enumerator), scripts/update-abi"
    exit 1
fi
echo "abi: $lib ($now) keeps the baseline's ABI"
