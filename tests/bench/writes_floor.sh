#!/bin/sh
# tests/bench/writes_floor.sh: what settle's durable writes alone cost.
#
# writes_floor.sh prepare SRC DST DIR DATE...   (untimed)
# writes_floor.sh clean DST DIR
#
# After load + reconcile have run in database SRC, `prepare` copies it to
# DST (CREATE DATABASE ... TEMPLATE), dumps each date's rows of the tables
# that `settle normalize --date` and `settle reconcile --date` write into
# DIR with \copy, empties those tables in DST and writes DIR/load.sql:
# for each date, one transaction that \copy's the date's rows back, into
# the same tables under the same keys and indexes. tests/bench/run times
# `psql -f DIR/load.sql` against DST. It is the least that any settle,
# however it matched, must pay to keep what it keeps (the lines, one
# result a line, the carried state), against the same rows: no parse, no
# read, no matching. The small per-settlement tables written once
# (settlement_part, dispute, dispute_outcome, the run row) are left out,
# so the figure is a little under the real writes.
# `clean` drops DST and DIR.
set -eu

TABLES="settlement_line recon_result recon_entry_use recon_open line_total
recon_settlement settlement_total"

q() {
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$@"
}

prepare() {
    src=$1 dst=$2 dir=$3
    shift 3
    clean "$dst" "$dir"
    mkdir -p "$dir"
    q -d postgres -c "CREATE DATABASE $dst TEMPLATE $src"
    : >"$dir/load.sql"
    printf '%s\n' '\set ON_ERROR_STOP on' >>"$dir/load.sql"
    for d in "$@"; do
        echo "BEGIN;" >>"$dir/load.sql"
        for t in $TABLES; do
            q -d "$dst" -c "\\copy (SELECT * FROM settle.$t WHERE business_date = '$d') TO '$dir/$t-$d.copy'"
            printf '%s\n' "\\copy settle.$t FROM '$dir/$t-$d.copy'" >>"$dir/load.sql"
        done
        echo "COMMIT;" >>"$dir/load.sql"
    done
    # shellcheck disable=SC2086
    q -d "$dst" -c "TRUNCATE $(echo $TABLES | sed 's/\([a-z_]*\)/settle.\1/g; s/ /, /g')" \
        -c "VACUUM ANALYZE" -c "CHECKPOINT"
}

clean() {
    q -d postgres -c "DROP DATABASE IF EXISTS $1"
    rm -rf "$2"
}

usage() {
    echo "usage: writes_floor.sh prepare SRC DST DIR DATE... | clean DST DIR" >&2
    exit 2
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
prepare) [ $# -ge 4 ] || usage ;;
clean) [ $# -eq 2 ] || usage ;;
*) usage ;;
esac
"$cmd" "$@"
