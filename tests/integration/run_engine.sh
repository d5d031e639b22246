#!/bin/sh
# Runs the cmocka tests that need PostgreSQL (test_run: the stage engine's
# resume, lock and nested transactions) against the throwaway server, and
# turns cmocka's summary into this script's count line.
. "$(dirname "$0")/../lib.sh"

for t in test_run; do
    bin="$BUILD/tests/$t"
    if [ ! -x "$bin" ]; then
        fail "$t is built" "no $bin"
        continue
    fi
    out=$("$bin" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed 's/^/#   /'
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
    s=$(printf '%s\n' "$out" | grep -c '^\[  SKIPPED \]')
    if [ "$rc" -eq 0 ] && [ -n "$p" ] && [ "$s" -eq 0 ]; then
        ok "$t: $p cmocka tests passed against PostgreSQL"
    else
        fail "$t against PostgreSQL" "exit $rc"
    fi
done
finish
