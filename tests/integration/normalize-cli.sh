#!/bin/sh
# normalize-cli: `settle normalize FILE...` as a command: --out written
# atomically (a refused run leaves no file, keeps an old one, and leaves no
# temporary file behind), stdout through a pipe and into a file (nothing
# shown, the file cut back, when refused), the ../shared samples, rates
# files, usage errors and missing input.
. "$(dirname "$0")/../lib.sh"

D=$TOP/testdata/normalize
G=$D/golden
RATES=$TOP/testdata/fx/ecb-2024-03.csv
unset SETTLE_CONFIG SETTLE_SELLER_ID SETTLE_REPORTING_CURRENCY
cd "$TOP" || exit 1
US=testdata/normalize/us-2024-03-all-types.csv

run "$SETTLE" normalize --out "$T_TMP/out.csv" "$US"
expect_rc "--out exits 0" 0
[ -z "$OUT" ] && ok "--out: nothing on stdout" || fail "--out: nothing on stdout" "$OUT"
expect_same "--out holds the golden CSV" "$G/us-2024-03-all-types.csv" "$T_TMP/out.csv"

cp "$T_TMP/out.csv" "$T_TMP/keep.csv"
run "$SETTLE" normalize --out "$T_TMP/out.csv" "$US" testdata/normalize/bad-net.csv
expect_rc "--out, bad input: exit 65" 65
expect_same "--out, bad input: the old file is untouched" "$T_TMP/keep.csv" "$T_TMP/out.csv"
run "$SETTLE" normalize --out "$T_TMP/new.csv" testdata/normalize/bad-net.csv
expect_rc "--out, bad input, new name: exit 65" 65
[ ! -e "$T_TMP/new.csv" ] && ok "--out, bad input: no file created" ||
    fail "--out, bad input: no file created"
left=$(ls "$T_TMP" | grep -c 'tmp' || true)
[ "$left" -eq 0 ] && ok "no temporary file left behind" ||
    fail "no temporary file left behind" "$(ls "$T_TMP")"
run "$SETTLE" normalize --out "$T_TMP/no/such/dir/x.csv" "$US"
expect_rc "--out in a missing directory: exit 73" 73

# stdout through a pipe: all or nothing
"$SETTLE" normalize "$US" 2>/dev/null | cat > "$T_TMP/piped.csv"
expect_same "piped stdout is the golden CSV" "$G/us-2024-03-all-types.csv" "$T_TMP/piped.csv"
n=$("$SETTLE" normalize "$US" testdata/normalize/bad-net.csv 2>/dev/null | wc -c)
[ "$n" -eq 0 ] && ok "piped stdout, bad input: nothing" || fail "piped stdout, bad input: nothing" "$n bytes"
# stdout appended to a file: cut back to what was there
echo "before" > "$T_TMP/app.txt"
"$SETTLE" normalize "$US" testdata/normalize/bad-net.csv >> "$T_TMP/app.txt" 2>/dev/null
expect_match "appended stdout, bad input: file cut back" "$(cat "$T_TMP/app.txt")" "^before$"
"$SETTLE" normalize "$US" >> "$T_TMP/app.txt" 2>/dev/null
[ "$(wc -l < "$T_TMP/app.txt")" -eq 16 ] && ok "appended stdout, good input: appended" ||
    fail "appended stdout, good input: appended"

# rates: the daily file of 15 March is no rate for 11 March
run "$SETTLE" normalize --reporting-currency EUR --rates "$TOP/testdata/fx/eurofxref-daily-2024-03-15.csv" \
    testdata/normalize/gb-2024-03-gbp-no-bom.csv
expect_rc "rates only after the line's date: exit 65" 65
expect_match "rates only after the line's date: never used" "$ERR" \
    "gb-2024-03-gbp-no-bom.csv:7: no ECB rate for GBP on or before 2024-03-11"
run "$SETTLE" normalize --reporting-currency EUR --rates "$T_TMP/none.csv" "$US"
expect_rc "missing rates file: exit 66" 66
printf 'Date,USD,\n2024-03-01,x,\n' > "$T_TMP/badrates.csv"
run "$SETTLE" normalize --reporting-currency EUR --rates "$T_TMP/badrates.csv" "$US"
expect_rc "bad rates file: exit 65" 65
expect_match "bad rates file: located" "$ERR" "badrates.csv:2:2: USD: invalid rate 'x'"
run env SETTLE_FX_MAX_AGE_DAYS=1 "$SETTLE" normalize --reporting-currency USD \
    --rates "$RATES" testdata/normalize/jp-2024-03-jpy.csv
expect_rc "quote older than fx_max_age_days: exit 65" 65
expect_match "stale quote named" "$ERR" \
    "jp-2024-03-jpy.csv:11: the latest ECB rate for JPY/USD on or before 2024-03-10 is from 2024-03-08, older than 1 days"

# usage and input
run "$SETTLE" normalize
expect_rc "no FILE: exit 64" 64
run "$SETTLE" normalize --reporting-currency EUR "$US"
expect_rc "--reporting-currency without --rates: exit 64" 64
run "$SETTLE" normalize --rates "$RATES" "$US"
expect_rc "--rates without --reporting-currency: exit 64" 64
run "$SETTLE" normalize --reporting-currency EURO --rates "$RATES" "$US"
expect_rc "bad currency: exit 64" 64
run "$SETTLE" normalize --frobnicate "$US"
expect_rc "unknown option: exit 64" 64
run "$SETTLE" normalize "$T_TMP/none.csv"
expect_rc "missing FILE: exit 66" 66
expect_match "missing FILE named" "$ERR" "cannot open '.*none.csv'"
run "$SETTLE" normalize "$T_TMP"
expect_rc "a directory: exit 66" 66
run "$SETTLE" normalize --help
expect_rc "--help: exit 0" 0
expect_match "--help on stdout" "$OUT" "^usage: settle normalize FILE"
run "$SETTLE" --log-format json normalize testdata/normalize/bad-net.csv
expect_rc "json log, bad input: exit 65" 65
expect_match "json log: problem as a record" "$ERR" \
    '^\{.*"msg": ?"testdata/normalize/bad-net.csv:8:15: NetTransactionAmount'

# The reference samples of ../shared (amazon-pay.md section 2.10).
S=$SHARED/reference/amazon-pay
if ls "$S"/*SETTLEMENT*.csv >/dev/null 2>&1; then
    run "$SETTLE" normalize "$S"/*SETTLEMENT*.csv
    expect_rc "samples: exit 0" 0
    expect_match "2015 capture" "$OUT" \
        ',8,ABCDEFGHIJKLM,5984862222,2015-09-30T22:00:44Z,2015-10-01T21:59:44Z,2015-10-01T18:10:34Z,capture,Capture,P01-1488694-1234567-C034811,87654321-0,P01-1234567-2138100,,,,USD,10.00,-0.29,-0.30,-0.59,9.41,,,,$'
    expect_match "2015 transfer" "$OUT" ',7,.*,transfer,Transfer,,,,,,SellerPayments_DateRangeReport_transfer_accounting_ending_with_trace_id,USD,-25.54,0.00,0.00,0.00,-25.54,,,,$'
    expect_match "2018 capture" "$OUT" ',2018-09-12T21:10:08Z,capture,Capture,P01-5551212-4903176-C039376,8032276654432210046,P01-5551212-4903176,,SmashPig Foundation - Alexa Donations,,USD,5.00,-0.11,-0.30,-0.41,4.59,'
    expect_match "2018 reserve" "$OUT" ',reserve,Reserve,,,,,,Previous Reserve Balance,USD,24.00,'
    [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 5 ] && ok "samples: 4 rows and the header" ||
        fail "samples: 4 rows and the header"
    run "$SETTLE" normalize "$S"/*REFUND*.csv
    expect_rc "refund reports are not settlement reports: exit 65" 65
else
    skip "reference samples" "$S is not there"
fi

finish
