#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages render without groff warnings, and stubflash(1) documents every exit status,
# every long option and every command that 'stubflash --help' lists.
set -eu
cli=$1
shift
status=0
for page in "$@"; do
    warnings=$(groff -man -ww -z "$page" 2>&1)
    if [ -n "$warnings" ]; then
        echo "$page: $warnings"
        status=1
    fi
done
codes=$("$cli" --help | sed -n '/^Exit status:/,$p' | grep -o '[0-9][0-9]* [a-z]' | cut -d' ' -f1)
[ -n "$codes" ] || { echo "no exit codes found in --help"; exit 1; }
for c in $codes; do
    if ! grep -q "^\.B $c\$" "$1"; then
        echo "exit status $c from --help is not in $1"
        status=1
    fi
done
# Every long option --help lists has its place in stubflash(1).
for opt in $("$cli" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
    escaped=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    if ! grep -q -- "$escaped" "$1"; then
        echo "option $opt from --help is not in $1"
        status=1
    fi
done
# Every command --help lists has its entry in stubflash(1)'s COMMANDS.
for cmd in $("$cli" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\)\( .*\)*$/\1/p' | sort -u); do
    if ! grep -q "^\.B[IR]* $cmd\( \|\$\)" "$1"; then
        echo "command $cmd from --help is not in $1"
        status=1
    fi
done
[ $status -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
