#!/bin/sh
# normalize-db: `settle normalize --date D` against the throwaway
# PostgreSQL. Reports are put into the archive and settle.raw_report by
# hand (the fetch stage's job, kept out of this test), then normalized:
# rows as exact minor units, '' (not NULL) for empty ids, a second run
# replaces rather than duplicates, and a bad, corrupted or missing archive
# file changes nothing. With a reporting currency the rates come from
# settle.fx_rate, and every converted net equals what the no-database path
# prints for the same file.
. "$(dirname "$0")/../lib.sh"

D=$TOP/testdata/normalize
SELLER=A1EXAMPLE2SELLER
own_database norm_db
DB=$T_DB
unset SETTLE_REPORTING_CURRENCY SETTLE_TIMEZONE
export SETTLE_ARCHIVE_DIR="$T_TMP/archive"

q() {
    psql -X -q -tA -d "$DB" -c "$1"
}

# archive FILE DATE [SELLER]: stores FILE under its sha256 and registers it.
archive() {
    h=$(sha256sum "$1" | cut -c1-64)
    dir="$SETTLE_ARCHIVE_DIR/sha256/$(echo "$h" | cut -c1-2)"
    mkdir -p "$dir"
    cp "$1" "$dir/$(echo "$h" | cut -c3-)"
    q "INSERT INTO settle.raw_report (seller_id, sha256, bytes, source,
        original_name, settlement_id, settlement_start, settlement_end,
        business_date) VALUES ('${3:-$SELLER}', '$h', $(wc -c < "$1"), 'dir',
        '$(basename "$1")', 'x', '2024-03-02T00:00:12Z',
        '2024-03-15T22:59:40Z', '$2')" >/dev/null
    echo "$h"
}

US=$(archive "$D/us-2024-03-all-types.csv" 2024-03-15)

run env -u SETTLE_SELLER_ID "$SETTLE" normalize --date 2024-03-15
expect_rc "no seller_id: exit 78" 78
expect_match "no seller_id: says so" "$ERR" "seller_id is not set"

export SETTLE_SELLER_ID=$SELLER
run "$SETTLE" normalize --date 2024-03-15
expect_rc "normalize --date exits 0" 0
expect_match "logs the count" "$ERR" "13 lines from 1 report"
expect_match "13 rows" "$(q "SELECT count(*) FROM settle.settlement_line")" "^13$"
expect_match "rows carry seller, date, sha" \
    "$(q "SELECT count(*) FROM settle.settlement_line WHERE seller_id = '$SELLER'
          AND business_date = '2024-03-15' AND source_sha256 = '$US'")" "^13$"
expect_match "kinds" "$(q "SELECT string_agg(kind, ',' ORDER BY source_line)
    FROM settle.settlement_line")" \
    "^transfer,reserve,capture,capture,refund,chargeback,atoz_claim,dispute,authorization,adjustment,debt,carryover,unknown$"
expect_match "line 9: exact minor units" "$(q "SELECT amount || ' ' ||
    percentage_fee || ' ' || fixed_fee || ' ' || total_fee || ' ' || net || ' ' ||
    minor_units || ' ' || currency FROM settle.settlement_line WHERE source_line = 9")" \
    "^123456 -3580 -30 -3610 119846 2 USD$"
expect_match "line 10: text with quote, comma, line break" "$(q "SELECT
    description = E'Gift note: \"Happy birthday\"\nfrom Anna, with love'
    FROM settle.settlement_line WHERE source_line = 10")" "^t$"
expect_match "times in UTC" "$(q "SELECT to_char(posted_at AT TIME ZONE 'UTC',
    'YYYY-MM-DD HH24:MI:SS') || ' ' || to_char(settlement_end AT TIME ZONE 'UTC',
    'YYYY-MM-DD HH24:MI:SS') FROM settle.settlement_line WHERE source_line = 12")" \
    "^2024-03-11 15:30:00 2024-03-15 22:59:40$"
expect_match "empty ids are '', not NULL" "$(q "SELECT count(*) FROM
    settle.settlement_line WHERE amazon_transaction_id = '' AND
    seller_reference_id = ''")" "^6$"
expect_match "no reporting currency: FX columns NULL" "$(q "SELECT count(*) FROM
    settle.settlement_line WHERE reporting_currency IS NULL AND fx_rate IS NULL
    AND fx_date IS NULL AND net_reporting IS NULL")" "^13$"
expect_match "unknown type kept as written" "$(q "SELECT provider_type FROM
    settle.settlement_line WHERE kind = 'unknown'")" "^ServiceFee$"

run "$SETTLE" normalize --date 2024-03-15
expect_rc "second run exits 0" 0
expect_match "second run replaces, never duplicates" \
    "$(q "SELECT count(*) FROM settle.settlement_line")" "^13$"

# Another date's rows are not touched by this date's run.
GB=$(archive "$D/gb-2024-03-gbp-no-bom.csv" 2024-03-12 A5GBEXAMPLESELLER)
run env SETTLE_SELLER_ID=A5GBEXAMPLESELLER "$SETTLE" normalize --date 2024-03-12
expect_rc "other seller's date exits 0" 0
run "$SETTLE" normalize --date 2024-03-15
expect_match "other seller's rows stay" "$(q "SELECT count(*) FROM
    settle.settlement_line WHERE seller_id = 'A5GBEXAMPLESELLER'")" "^2$"

# A date without reports: nothing to do, a warning, exit 0.
run "$SETTLE" normalize --date 2024-03-16
expect_rc "date without reports exits 0" 0
expect_match "date without reports warns" "$ERR" "no archived report for 2024-03-16"

# A bad report of the same date refuses the date: the old rows stay.
BAD=$(archive "$D/bad-net.csv" 2024-03-15)
run "$SETTLE" normalize --date 2024-03-15
expect_rc "bad report: exit 65" 65
expect_match "bad report: FILE:LINE:COL" "$ERR" \
    "^bad-net.csv:8:15: NetTransactionAmount 9.42 != "
expect_match "bad report: refused" "$ERR" "refused \(1 problem\): nothing loaded"
expect_match "bad report: the old rows stay" \
    "$(q "SELECT count(*) FROM settle.settlement_line WHERE seller_id = '$SELLER'")" "^13$"
q "DELETE FROM settle.raw_report WHERE sha256 = '$BAD'" >/dev/null

# A file that no longer matches its sha256 is refused too.
f="$SETTLE_ARCHIVE_DIR/sha256/$(echo "$US" | cut -c1-2)/$(echo "$US" | cut -c3-)"
cp "$f" "$T_TMP/keep"
sed 's/Monthly service fee/Monthly service fee!/' "$T_TMP/keep" > "$f"
run "$SETTLE" normalize --date 2024-03-15
expect_rc "corrupted archive file: exit 65" 65
expect_match "corrupted archive file: named" "$ERR" "does not match its sha256 $US"
expect_match "corrupted archive file: the old rows stay" \
    "$(q "SELECT count(*) FROM settle.settlement_line WHERE seller_id = '$SELLER'")" "^13$"
rm "$f"
run "$SETTLE" normalize --date 2024-03-15
expect_rc "missing archive file: exit 66" 66
cp "$T_TMP/keep" "$f"

# With a reporting currency: rates from settle.fx_rate.
run env SETTLE_REPORTING_CURRENCY=EUR "$SETTLE" normalize --date 2024-03-15
expect_rc "no rates in the database: exit 65" 65
expect_match "no rates: located" "$ERR" "us-2024-03-all-types.csv:7: no ECB rate for USD"
"$SETTLE" fx import "$TOP/testdata/fx/ecb-2024-03.csv" 2>/dev/null ||
    fail "fx import for the conversion test"
run env SETTLE_REPORTING_CURRENCY=EUR "$SETTLE" normalize --date 2024-03-15
expect_rc "with rates: exit 0" 0
q "SELECT source_line || ',' || reporting_currency || ',' || fx_rate || ',' ||
    fx_date || ',' || net_reporting FROM settle.settlement_line
    WHERE seller_id = '$SELLER' ORDER BY source_line" > "$T_TMP/db.txt"
"$SETTLE" normalize --reporting-currency EUR \
    --rates "$TOP/testdata/fx/ecb-2024-03.csv" "$D/us-2024-03-all-types.csv" |
    python3 -c '
import csv, sys
r = csv.DictReader(sys.stdin)
for x in r:
    print("%s,%s,%s,%s,%s" % (x["source_line"], x["reporting_currency"],
          x["fx_rate"], x["fx_date"], int(x["net_reporting"].replace(".", ""))))
' > "$T_TMP/file.txt"
expect_same "database and CSV paths convert alike" "$T_TMP/file.txt" "$T_TMP/db.txt"

run "$SETTLE" normalize --date 2024-02-30
expect_rc "bad --date: exit 64" 64
run "$SETTLE" normalize --date 2024-03-15 "$D/us-2024-03-all-types.csv"
expect_rc "--date with FILEs: exit 64" 64
run env SETTLE_DATABASE="host=/nonexistent-socket-dir" "$SETTLE" normalize --date 2024-03-15
expect_rc "unreachable database: exit 69" 69

finish
