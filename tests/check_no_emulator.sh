#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libstubflash does not link the emulator: no NEEDED entry for libunicorn or for the virtual
# STM32's library, which it loads with dlopen only when a sim: port is used.
set -eu
lib=$1
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || { echo "$lib: no NEEDED entries read"; exit 1; }
echo "$lib needs:" $needed
if echo "$needed" | grep -E 'unicorn|stubflash-sim'; then
    echo "0 passed, 1 failed: $lib links the emulator"
    exit 1
fi
echo "1 passed, 0 failed"
