#!/bin/sh
# fx-import: `settle fx import FILE` into settle.fx_rate. Exact decimals,
# N/A skipped, idempotent (a second import changes nothing), a quote that
# differs from the stored one refused with both values named and nothing
# kept, unless --replace takes it, the daily eurofxref.csv layout and a
# saved ECB Data Portal (SDMX CSV) answer, a bad file
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

# A quote that differs from the stored one refuses the file: both values
# named at the file's line, nothing of it kept (its new 03-20 quote too).
{ sed 's/^2024-03-19,1.0854,/2024-03-19,1.0855,/' "$R/ecb-2024-03.csv"
  echo '2024-03-20,1.0844,N/A,N/A,N/A,'; } > "$T_TMP/fixed.csv"
run "$SETTLE" fx import "$T_TMP/fixed.csv"
expect_rc "a differing quote exits 65" 65
expect_match "both values named at the line" "$ERR" \
    "fixed.csv:2: USD on 2024-03-19: quoted 1.0855, but settle.fx_rate holds 1.0854"
expect_match "the refusal says how to take a correction" "$ERR" \
    "1 quote differs from the stored one; nothing stored .*--replace"
expect_match "the stored value stays" "$(q "SELECT per_eur FROM settle.fx_rate
    WHERE rate_date = '2024-03-19' AND currency = 'USD'")" "^1.0854$"
expect_match "nothing of the refused file kept" \
    "$(q "SELECT count(*) FROM settle.fx_rate WHERE rate_date = '2024-03-20'")" "^0$"

# --replace takes the correction on purpose.
run "$SETTLE" fx import --replace "$T_TMP/fixed.csv"
expect_rc "--replace exits 0" 0
expect_match "one quote changed, one new" "$ERR" "40 quotes, 1 new, 1 changed"
expect_match "the new value is stored" "$(q "SELECT per_eur FROM settle.fx_rate
    WHERE rate_date = '2024-03-19' AND currency = 'USD'")" "^1.0855$"

# A saved ECB Data Portal answer (format=csvdata, every column): the long
# layout, columns by name, quoted cells, an empty OBS_VALUE skipped.
{ echo 'KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,TITLE_COMPL'
  echo 'EXR.D.SEK.EUR.SP00.A,D,SEK,EUR,SP00,A,2024-03-21,11.3645,A,"ECB reference exchange rate, Swedish krona/Euro, 2:15 pm (C.E.T.)"'
  echo '"EXR.D.SEK.EUR.SP00.A","D","SEK","EUR","SP00","A","2024-03-22","11.4025","A","x"'
  echo 'EXR.D.SEK.EUR.SP00.A,D,SEK,EUR,SP00,A,2024-03-25,,A,x'
} > "$T_TMP/sdmx.csv"
run "$SETTLE" fx import "$T_TMP/sdmx.csv"
expect_rc "Data Portal answer exits 0" 0
expect_match "Data Portal answer: 2 quotes" "$ERR" "2 quotes, 2 new, 0 changed"
expect_match "Data Portal quotes exact" "$(q "SELECT string_agg(rate_date || '=' ||
    per_eur::text, ' ' ORDER BY rate_date) FROM settle.fx_rate
    WHERE currency = 'SEK'")" "^2024-03-21=11.3645 2024-03-22=11.4025$"

# A bad file: every problem located, nothing kept.
{ echo 'Date,USD,SEK,'; echo '2023-03-20,1.0870,11.2x,'
  echo '2023-03-21,1.0890,N/A,'; echo '2024-02-30,1.0,1.0,'; } > "$T_TMP/bad.csv"
run "$SETTLE" fx import "$T_TMP/bad.csv"
expect_rc "bad file exits 65" 65
expect_match "bad rate located" "$ERR" "bad.csv:2:3: SEK: invalid rate '11.2x'"
expect_match "bad date located" "$ERR" "bad.csv:4:1: invalid date '2024-02-30'"
expect_match "nothing kept from a bad file" \
    "$(q "SELECT count(*) FROM settle.fx_rate WHERE rate_date < '2024-01-01'")" "^0$"

run "$SETTLE" fx import "$T_TMP/none.csv"
expect_rc "missing file exits 66" 66
run "$SETTLE" fx import
expect_rc "no FILE exits 64" 64
run "$SETTLE" fx export x
expect_rc "unknown subcommand exits 64" 64
run "$SETTLE" fx --help
expect_rc "--help exits 0" 0
expect_match "--help on stdout" "$OUT" "usage: settle fx import \\[--replace\\] FILE"
run "$SETTLE" fx import --from 2024-03-01 x.csv
expect_rc "import with --from exits 64" 64
run "$SETTLE" fx fetch --from 2024-03-10 --to 2024-03-01
expect_rc "fetch with --from after --to exits 64" 64
run env SETTLE_DATABASE="host=/nonexistent-socket-dir" "$SETTLE" fx import "$R/ecb-2024-03.csv"
expect_rc "unreachable database exits 69" 69

# The invented correction of 2024-03-19 undone, as the ECB file has it.
run "$SETTLE" fx import --replace "$R/ecb-2024-03.csv"
expect_match "--replace back: one changed" "$ERR" "39 quotes, 0 new, 1 changed"

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
