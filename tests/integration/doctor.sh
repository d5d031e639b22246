#!/bin/sh
# doctor.sh: `settle doctor` against a real PostgreSQL and the stand-in
# API: every check ok on a good setup (one line each, in order; one JSON
# object each with --log-format json), then each kind of mistake an
# operator makes found by its check, with the fix and the exit code of
# the first failure.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "doctor test set-up"
    finish
    exit
fi
psql -X -q -d "$FETCH_DB" -v ON_ERROR_STOP=1 \
    -f "$TOP/sql/ledger/reference.sql" >/dev/null || fail "reference ledger"
export SETTLE_OUT_DIR="$T_TMP/out"
start_standin || fail "stand-in starts"

# result CHECK: the result word of CHECK's line in $OUT.
result() { printf '%s\n' "$OUT" | sed -n "s/^\\([a-zA-Z]*\\) *$1: .*/\\1/p"; }

run "$SETTLE" doctor --help
expect_rc "doctor --help exits 0" 0
run "$SETTLE" doctor extra
expect_rc "an operand is a usage error" 64

# ---------------------------------------------------------------- all good
run "$SETTLE" doctor
expect_rc "a good setup passes" 0
expect_match "the checks, in order" \
    "$(printf '%s\n' "$OUT" | sed 's/^[a-zA-Z]* *\([a-z ]*\):.*/\1/' | tr '\n' ',')" \
    '^config,key file,key,database,schema,ledger view,privileges,dirs,api,clock,ecb,rates,$'
expect_match "the signed API call answers" "$(result api)" '^ok$'
expect_match "the clock is compared with the API's Date" "$OUT" \
    'ok +clock: within [0-9]+ s of the API'"'"'s'
expect_match "running as a superuser is a warning, with its fix" "$OUT" \
    '^warn +privileges: this role may write the ledger'"'"'s own .*ledger\.journal.*fix: run the job as settle_job'
run "$SETTLE" --log-format json doctor
expect_rc "JSON too" 0
expect_match "one object per check" \
    "$(printf '%s\n' "$OUT" | grep -c '^{"check":')" '^12$'

# ---------------------------------------------------------------- mistakes
chmod 644 "$T_TMP/key.pem"
run "$SETTLE" doctor
expect_rc "a key file others can read fails with 77" 77
expect_match "with the fix" "$OUT" '^FAIL +key file: .*mode 0644.*fix: chmod 0600'
expect_match "and the key is not used then" "$(result key)" '^FAIL$'
chmod 600 "$T_TMP/key.pem"

run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/wrong.pem" "$SETTLE" doctor
expect_match "a key Amazon does not know for the key id fails the API check" \
    "$(result api)" '^FAIL$'

run env SETTLE_DATABASE="host=$T_TMP/nowhere dbname=x" "$SETTLE" doctor
expect_rc "no database: exit 69" 69
expect_match "and the checks that need it say so" "$(result schema)" '^FAIL$'
expect_match "the others still run" "$(result api)" '^ok$'

# The newest migration looks unapplied, then applied again.
psql -X -q -d "$FETCH_DB" -c "UPDATE settle.schema_migrations
                              SET version = -version
                              WHERE version = (SELECT max(version)
                                               FROM settle.schema_migrations)"
run "$SETTLE" doctor
expect_rc "an old schema fails with 78" 78
expect_match "naming both versions" "$OUT" \
    '^FAIL +schema: schema at version [0-9]+, this settle needs [0-9]+; fix: run settle db migrate'
psql -X -q -d "$FETCH_DB" -c "UPDATE settle.schema_migrations
                              SET version = -version WHERE version < 0"

psql -X -q -d "$FETCH_DB" -c "ALTER VIEW settle.ledger_entry RENAME TO le_off"
run "$SETTLE" doctor
expect_match "a missing ledger view fails its check" "$OUT" \
    '^FAIL +ledger view: the ledger view settle.ledger_entry does not exist'
psql -X -q -d "$FETCH_DB" -c "ALTER VIEW settle.le_off RENAME TO ledger_entry"

# The API's clock off: a minute is fine, fifteen minutes either way (where
# Amazon refuses a signature) is a warning with the fix, not a failure.
start_standin --clock-skew 60 || fail "stand-in a minute ahead"
run "$SETTLE" doctor
expect_match "a minute off is ok" "$OUT" \
    '^ok +clock: within (59|60|61) s of the API'"'"'s'
for skew in 900 -900; do
    start_standin --clock-skew "$skew" || fail "stand-in $skew s off"
    run "$SETTLE" doctor
    expect_rc "the API's clock $skew s off: still exit 0" 0
    expect_match "warned with the difference and the fix" "$OUT" \
        '^warn +clock: this clock and the API'"'"'s differ by (899|900|901) s; fix: synchronise the clock \(NTP\)'
done

# A reporting currency: the ECB source is asked (the stand-in's, serving
# quotes of yesterday and today), and none stored is fine while it answers.
printf 'Date,USD,\n%s,1.0800,\n%s,1.0810,\n' "$(date -u -d yesterday +%F)" \
    "$(date -u +%F)" > "$T_TMP/recent.csv"
start_standin --rates "$T_TMP/recent.csv" || fail "stand-in with rates"
export SETTLE_FX_URL="${SETTLE_API_BASE_URL%/live}/ecb/service/data/EXR/D..EUR.SP00.A"
run env SETTLE_REPORTING_CURRENCY=USD "$SETTLE" doctor
expect_rc "a reporting currency and an answering ECB source: exit 0" 0
expect_match "the ECB check says what came back" "$OUT" \
    '^ok +ecb: http://127.0.0.1:[0-9]+/ecb/.* answers: 2 quotes of the last ten days'
expect_match "no stored quote is fine then" "$OUT" \
    '^ok +rates: no ECB quote for USD stored .*settle run fetches them'

run env SETTLE_REPORTING_CURRENCY=USD SETTLE_HTTP_MAX_ATTEMPTS=1 \
    SETTLE_FX_URL="${SETTLE_API_BASE_URL%/live}/ecb/nothing-here" "$SETTLE" doctor
expect_rc "a wrong fx_url fails with 78" 78
expect_match "naming fx_url" "$OUT" '^FAIL +ecb: .*answered 404 for fx_url .*check fx_url'

start_standin --rates "$T_TMP/recent.csv" --fx-fail-503 100 ||
    fail "stand-in failing its ECB answers"
export SETTLE_FX_URL="${SETTLE_API_BASE_URL%/live}/ecb/service/data/EXR/D..EUR.SP00.A"
run env SETTLE_REPORTING_CURRENCY=USD SETTLE_HTTP_MAX_ATTEMPTS=1 "$SETTLE" doctor
expect_rc "an ECB source failing: the first failure's exit, 69" 69
expect_match "no ECB rates stored then fails too, with the fix" "$OUT" \
    '^FAIL +rates: .*fix: load the ECB reference rates: settle fx fetch'

: > "$T_TMP/notadir"
run env SETTLE_OUT_DIR="$T_TMP/notadir/out" "$SETTLE" doctor
expect_match "an out_dir that cannot be made fails its check" \
    "$(result dirs)" '^FAIL$'

finish
