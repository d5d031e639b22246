# tests/lib.sh: helpers for the shell tests in tests/integration/ and
# tests/e2e/. Source it; call ok/fail/expect_*; end with `finish`.
# Each script prints "ok - NAME", "not ok - NAME" or "skip - NAME: WHY" per
# check and, at the end, "NAME: N passed, N failed, N skipped".

T_PASS=0
T_FAIL=0
T_SKIP=0
T_NAME=$(basename "$0" .sh)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
SETTLE=${SETTLE:-$BUILD/bin/settle}
SHARED=${SHARED:-$TOP/../shared}
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT

ok() {
    T_PASS=$((T_PASS + 1))
    echo "ok - $1"
}

fail() {
    T_FAIL=$((T_FAIL + 1))
    echo "not ok - $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
    return 0
}

# run CMD...: runs CMD, keeping stdout in $OUT, stderr in $ERR and the exit
# status in $RC.
run() {
    "$@" > "$T_TMP/.run-out" 2> "$T_TMP/.run-err"
    RC=$?
    OUT=$(cat "$T_TMP/.run-out")
    ERR=$(cat "$T_TMP/.run-err")
}

# expect_rc NAME WANT: checks $RC.
expect_rc() {
    if [ "$RC" -eq "$2" ]; then ok "$1"; else
        fail "$1" "exit $RC, want $2; stderr: $ERR"; fi
}

# expect_match NAME TEXT PATTERN: grep -E PATTERN in TEXT.
expect_match() {
    if printf '%s\n' "$2" | grep -qE -- "$3"; then ok "$1"; else
        fail "$1" "no match for /$3/ in: $2"; fi
}

# expect_same NAME FILE1 FILE2: byte-for-byte equality.
expect_same() {
    if cmp -s "$2" "$3"; then ok "$1"; else
        fail "$1" "$(diff "$2" "$3" | head -20)"; fi
}

# own_database NAME [SELLER]: a database of the test's own (NAME_<pid>, in
# $T_DB), dropped at exit, migrated, with settle configured for SELLER (or
# no seller) through the environment only. Ends the script (with a failure) when it cannot.
own_database() {
    T_DB=${1}_$$
    if ! psql -q -d postgres -c "CREATE DATABASE $T_DB" >/dev/null; then
        fail "create database $T_DB"
        finish
        exit 1
    fi
    trap 'psql -q -d postgres -c "DROP DATABASE IF EXISTS $T_DB" \
        >/dev/null 2>&1; rm -rf "$T_TMP"' EXIT
    export PGDATABASE=$T_DB
    unset SETTLE_CONFIG
    export SETTLE_DATABASE=
    if [ -n "${2:-}" ]; then export SETTLE_SELLER_ID="$2"; else
        unset SETTLE_SELLER_ID; fi
    run "$SETTLE" db migrate
    expect_rc "migrate" 0
}

# demo_books CONF DB: settle's schema in DB (configured by CONF), the
# reference ledger holding the demo's ledger, and the demo's rates.
demo_books() {
    "$SETTLE" --config "$1" -q db migrate &&
        psql -q -d "$2" -v ON_ERROR_STOP=1 \
            -f "$TOP/sql/ledger/reference.sql" >/dev/null &&
        psql -q -d "$2" -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/import.sql" \
            <"$TOP/testdata/demo/ledger.csv" >/dev/null &&
        "$SETTLE" --config "$1" -q fx import "$TOP/testdata/demo/eurofxref.csv"
}

# demo_setup CONF: CONF is the demo's settle.conf with the database
# $T_DB and the archive and outputs under $T_TMP, made SETTLE_CONFIG, and
# the demo books loaded into $T_DB (demo_books); non-zero when they
# cannot be.
demo_setup() {
    {
        cat "$TOP/testdata/demo/settle.conf"
        echo "database = dbname=$T_DB"
        echo "archive_dir = $T_TMP/archive"
        echo "out_dir = $T_TMP/out"
    } > "$1"
    SETTLE_CONFIG=$1
    export SETTLE_CONFIG
    demo_books "$1" "$T_DB"
}

# skip NAME WHY: counts a check that cannot run here and says why.
skip() {
    T_SKIP=$((T_SKIP + 1))
    echo "skip - $1: $2"
}

finish() {
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
    [ "$T_FAIL" -eq 0 ]
}
