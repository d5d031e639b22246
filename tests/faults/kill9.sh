#!/bin/sh
# kill9.sh: `settle run` over the demo's three dates killed with SIGKILL
# at FAULT_KILLS fault points spread over its whole length (one drawn at
# random, by FAULT_SEED, from each of FAULT_KILLS equal slices of the
# points an uninterrupted run passes: every statement, COPY piece and
# commit, every archived report and published file), then run again to
# completion. Every time: the same bytes as the uninterrupted run, the
# same rows in the database (no duplicate line, no half-written date) and
# no temporary file left behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faults.inc"

kills=${FAULT_KILLS:-50}
seed=${FAULT_SEED:-1}

fault_db ref || { fail "reference database"; finish; exit 1; }
settle_run SETTLE_FAULT_TRACE="$T_TMP/trace"
expect_rc "an uninterrupted run" 0
want=$(digest "$F_OUT")
want_db=$(db_state)
kill_each fault_db settle_run db_state "$kills" "$seed" \
    "kills, each run again: same bytes, same rows, nothing left behind"

# A report that replaces a date's statements, killed between moving the
# old ones aside and renaming the new ones in: the next report puts the
# old ones back first, then writes the same bytes.
fault_db again || fail "database"
settle_run
run env SETTLE_FAULT_TRACE="$T_TMP/trace2" "$SETTLE" --config "$F_CONF" \
    report --date "$TO"
at=$(grep -n ' publish: previous outputs moved aside$' "$T_TMP/trace2" |
    cut -d: -f1 | head -1)
if [ -z "$at" ]; then
    fail "a second report moves the old statements aside"
else
    run env SETTLE_FAULT_KILL="$at" "$SETTLE" --config "$F_CONF" report \
        --date "$TO"
    expect_rc "killed with the old statements aside" 137
    if [ ! -e "$F_OUT/$SELLER/$TO" ] && [ -n "$(leftovers)" ]; then
        ok "the date's directory is aside then"
    else
        fail "the date's directory is aside then"
    fi
    run "$SETTLE" --config "$F_CONF" report --date "$TO"
    expect_rc "the next report exits 0" 0
    if [ "$(digest "$F_OUT")" = "$want" ] && [ -z "$(leftovers)" ]; then
        ok "the same bytes, nothing left aside"
    else
        fail "the same bytes, nothing left aside" "$(leftovers)"
    fi
fi
finish
