#!/bin/sh
# fx_fetch.sh: `settle fx fetch` against the stand-in's ECB Data Portal:
# exact quotes stored, idempotent, a range without quotes (404 "No results
# found", or an empty 200) is no error, 503 retried, past the retries 69, a
# stalled answer timed out and retried, a quote differing from the stored
# one refused (65) naming both, a non-loopback http fx_url refused (78), a
# wrong fx_url (78); and `settle run` with reporting_currency fetching the
# date's quotes, using the latest published one when the date's is not out
# yet, and going on with stored quotes when the ECB is down.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fx fetch test set-up"
    finish
    exit
fi
R=$TOP/testdata/fx/ecb-2024-03.csv
q() { db_value "$1"; }
ecb() {
    start_standin --rates "$R" "$@" || fail "stand-in starts"
    SETTLE_FX_URL="${SETTLE_API_BASE_URL%/live}/ecb/service/data/EXR/D..EUR.SP00.A"
    export SETTLE_FX_URL
}
answers() { grep -c "^GET /ecb/.* $1\$" "$T_TMP/standin.log"; }

ecb
run "$SETTLE" fx fetch --from 2024-03-01 --to 2024-03-19
expect_rc "fetch exits 0" 0
expect_match "39 quotes stored" "$ERR" "39 quotes, 39 new, 0 changed"
expect_match "exact decimals as the ECB wrote them" "$(q "SELECT string_agg(currency
    || '=' || per_eur::text, ' ' ORDER BY currency) FROM settle.fx_rate
    WHERE rate_date = '2024-03-19'")" "^GBP=0.85445 JPY=163.37 USD=1.0854$"
expect_match "one request" "$(answers 200)" "^1$"
run "$SETTLE" fx fetch --from 2024-03-01 --to 2024-03-19
expect_match "again: nothing new" "$ERR" "39 quotes, 0 new, 0 changed"

run "$SETTLE" fx fetch --from 2024-03-16 --to 2024-03-17
expect_rc "a weekend (404 No results found) exits 0" 0
expect_match "with no quotes" "$ERR" "0 quotes, 0 new"
ecb --fx-empty-200
run "$SETTLE" fx fetch --from 2024-03-16 --to 2024-03-17
expect_rc "a weekend answered empty 200 exits 0" 0

ecb --fx-fail-503 2
run "$SETTLE" fx fetch --from 2024-03-01 --to 2024-03-19
expect_rc "two 503s retried: exit 0" 0
expect_match "two 503s then 200" "$(answers 503),$(answers 200)" "^2,1$"
ecb --fx-fail-503 100
run "$SETTLE" fx fetch --from 2024-03-01 --to 2024-03-19
expect_rc "503 past the retries exits 69" 69
expect_match "saying what failed" "$ERR" "ECB rates: .*503"

ecb --fx-stall 1 --fx-stall-ms 2500
run env SETTLE_HTTP_TIMEOUT_S=1 "$SETTLE" fx fetch --from 2024-03-01 --to 2024-03-19
expect_rc "a stalled answer timed out and retried: exit 0" 0
ecb --fx-stall 100 --fx-stall-ms 2500
run env SETTLE_HTTP_TIMEOUT_S=1 SETTLE_HTTP_MAX_ATTEMPTS=2 "$SETTLE" fx fetch \
    --from 2024-03-01 --to 2024-03-19
expect_rc "stalled past the retries exits 69" 69

# The ECB now quotes another value than the stored one: refused, both named.
sed 's/^2024-03-19,1.0854,/2024-03-19,1.0855,/' "$R" > "$T_TMP/fixed.csv"
R=$T_TMP/fixed.csv ecb
run "$SETTLE" fx fetch --from 2024-03-01 --to 2024-03-19
expect_rc "a differing quote exits 65" 65
expect_match "naming both values" "$ERR" \
    "USD on 2024-03-19: quoted 1.0855, but settle.fx_rate holds 1.0854"
expect_match "the stored one stays" "$(q "SELECT per_eur FROM settle.fx_rate
    WHERE rate_date = '2024-03-19' AND currency = 'USD'")" "^1.0854$"

run env SETTLE_FX_URL=http://ecb.example.com/x "$SETTLE" fx fetch
expect_rc "http to a non-loopback host exits 78" 78
ecb
run env SETTLE_FX_URL="${SETTLE_API_BASE_URL%/live}/ecb/nothing" "$SETTLE" fx fetch
expect_rc "a wrong fx_url exits 78" 78
expect_match "saying check fx_url" "$ERR" "check fx_url"

# ---------------------------------------------------------- settle run
psql -X -q -d "$FETCH_DB" -v ON_ERROR_STOP=1 \
    -f "$TOP/sql/ledger/reference.sql" >/dev/null || fail "reference ledger"
export SETTLE_OUT_DIR="$T_TMP/out" SETTLE_REPORTING_CURRENCY=EUR
psql -X -q -d "$FETCH_DB" -c "TRUNCATE settle.fx_rate"
# 03-05's quotes are not published yet: the run takes 03-04's.
ecb --fx-unpublished-after 2024-03-04
run "$SETTLE" run --date 2024-03-05 --source api
expect_rc "run with a reporting currency exits 0" 0
expect_match "it fetched the quotes up to the date" "$(q "SELECT max(rate_date)
    FROM settle.fx_rate")" "^2024-03-04$"
expect_match "the lines use the latest published quote" "$(q "SELECT
    string_agg(DISTINCT fx_date::text, ',') FROM settle.settlement_line
    WHERE business_date = '2024-03-05' AND currency <> 'EUR'")" "^2024-03-04$"
# The ECB down, 03-04's quote stored: a warning, and the run goes on.
ecb --fx-fail-503 100
run env SETTLE_HTTP_MAX_ATTEMPTS=1 "$SETTLE" run --date 2024-03-05 --source api
expect_rc "the ECB down with a recent stored quote: exit 0" 0
expect_match "with a warning" "$ERR" "warn.*ECB rates: .*normalizing with the stored quotes"
psql -X -q -d "$FETCH_DB" -c "TRUNCATE settle.fx_rate"
run env SETTLE_HTTP_MAX_ATTEMPTS=1 "$SETTLE" run --date 2024-03-05 --source api
expect_rc "the ECB down and nothing stored: exit 69" 69

finish
