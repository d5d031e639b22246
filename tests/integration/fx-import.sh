#!/bin/sh
# fx-import: `settle fx import FILE` into settle.fx_rate. Exact decimals,
# N/A skipped, idempotent (a second import changes nothing), a corrected
# quote replaces the old one, the daily eurofxref.csv layout, a bad file
# refused whole with located problems and nothing kept; usage and missing
# input. When ../shared is there, the whole ECB history loads too.
. "$(dirname "$0")/../lib.sh"

R=$TOP/testdata/fx
HIST=$SHARED/reference/ecb/eurofxref-hist.csv
own_database fx_db
DB=$T_DB

q() {
    psql -X -q -tA -d "$DB" -c "$1"
}

run "$SETTLE" fx import "$R/ecb-2024-03.csv"
expect_rc "import exits 0" 0
expect_match "import reports counts" "$ERR" "39 quotes, 39 new, 0 changed"
expect_match "39 rows (13 days x USD, JPY, GBP; CYP is N/A)" \
    "$(q "SELECT count(*) FROM settle.fx_rate")" "^39$"
expect_match "exact decimals as quoted" "$(q "SELECT string_agg(currency || '=' ||
    per_eur::text, ' ' ORDER BY currency) FROM settle.fx_rate
    WHERE rate_date = '2024-03-19'")" "^GBP=0.85445 JPY=163.37 USD=1.0854$"
expect_match "no CYP" "$(q "SELECT count(*) FROM settle.fx_rate WHERE currency = 'CYP'")" "^0$"

run "$SETTLE" fx import "$R/ecb-2024-03.csv"
expect_rc "second import exits 0" 0
expect_match "second import changes nothing" "$ERR" "39 quotes, 0 new, 0 changed"
expect_match "still 39 rows" "$(q "SELECT count(*) FROM settle.fx_rate")" "^39$"

# The daily file of 15 March 2024 repeats known quotes: nothing new.
run "$SETTLE" fx import "$R/eurofxref-daily-2024-03-15.csv"
expect_rc "daily layout exits 0" 0
expect_match "daily layout: 3 quotes, nothing new" "$ERR" "3 quotes, 0 new, 0 changed"

# A corrected quote replaces the stored one.
sed 's/^2024-03-19,1.0854,/2024-03-19,1.0855,/' "$R/ecb-2024-03.csv" > "$T_TMP/fixed.csv"
run "$SETTLE" fx import "$T_TMP/fixed.csv"
expect_rc "corrected file exits 0" 0
expect_match "one quote changed" "$ERR" "39 quotes, 0 new, 1 changed"
expect_match "the new value is stored" "$(q "SELECT per_eur FROM settle.fx_rate
    WHERE rate_date = '2024-03-19' AND currency = 'USD'")" "^1.0855$"

# A bad file: every problem located, nothing kept.
{ echo 'Date,USD,SEK,'; echo '2024-03-20,1.0870,11.2x,'
  echo '2024-03-21,1.0890,N/A,'; echo '2024-02-30,1.0,1.0,'; } > "$T_TMP/bad.csv"
run "$SETTLE" fx import "$T_TMP/bad.csv"
expect_rc "bad file exits 65" 65
expect_match "bad rate located" "$ERR" "bad.csv:2:3: SEK: invalid rate '11.2x'"
expect_match "bad date located" "$ERR" "bad.csv:4:1: invalid date '2024-02-30'"
expect_match "nothing kept from a bad file" \
    "$(q "SELECT count(*) FROM settle.fx_rate WHERE rate_date >= '2024-03-20'")" "^0$"

run "$SETTLE" fx import "$T_TMP/none.csv"
expect_rc "missing file exits 66" 66
run "$SETTLE" fx import
expect_rc "no FILE exits 64" 64
run "$SETTLE" fx export x
expect_rc "unknown subcommand exits 64" 64
run "$SETTLE" fx --help
expect_rc "--help exits 0" 0
expect_match "--help on stdout" "$OUT" "usage: settle fx import FILE"
run env SETTLE_DATABASE="host=/nonexistent-socket-dir" "$SETTLE" fx import "$R/ecb-2024-03.csv"
expect_rc "unreachable database exits 69" 69

if [ -f "$HIST" ]; then
    run "$SETTLE" fx import "$HIST"
    expect_rc "ECB history imports" 0
    expect_match "ECB 2015-10-01 USD" "$(q "SELECT per_eur FROM settle.fx_rate
        WHERE rate_date = '2015-10-01' AND currency = 'USD'")" "^1.1153$"
    expect_match "ECB 1999-01-04 ITL absent, CYP present" "$(q "SELECT
        count(*) FILTER (WHERE currency = 'CYP') FROM settle.fx_rate
        WHERE rate_date = '2005-01-03'")" "^1$"
else
    skip "ECB history" "$HIST is not there"
fi

finish
