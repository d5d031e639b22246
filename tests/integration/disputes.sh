#!/bin/sh
# disputes.sh: `settle disputes` (the worklist on stdout) and `settle
# disputes close` (append-only outcomes), on testdata/report/fixture.sql in
# a database of its own; a closed case shows in the next report.
. "$(dirname "$0")/../lib.sh"

FIX=$TOP/testdata/report
own_database settle_disputes A1TESTSELLER
run psql -q -v ON_ERROR_STOP=1 -f "$FIX/fixture.sql"
expect_rc "load fixture" 0

run "$SETTLE" disputes --help
expect_rc "disputes --help exits 0" 0
expect_match "help on stdout" "$OUT" "settle disputes close CASE --outcome"
run "$SETTLE" disputes --bogus
expect_rc "unknown option is a usage error" 64
run "$SETTLE" disputes frobnicate
expect_rc "unknown subcommand is a usage error" 64
run env -u SETTLE_SELLER_ID "$SETTLE" disputes --date 2026-11-20
expect_rc "no seller_id exits 78" 78

# --- the worklist
run "$SETTLE" disputes --date 2026-11-20
expect_rc "worklist exits 0" 0
first=$(printf '%s\n' "$OUT" | head -1)
expect_match "header without BOM" "$first" "^Case id,Kind,Capture id,"
if printf '%s' "$OUT" | grep -q "$(printf '\r')"; then
    fail "LF line ends"; else ok "LF line ends"; fi
ids=$(printf '%s\n' "$OUT" | sed 1d | cut -d, -f1 | tr '\n' ' ')
# Every outcome counts for the worklist (P07 was lost on 2026-11-22).
expect_match "open first by respond-by, then closed" "$ids" \
    "^P05-OLD-B1 P02-0000002-0000002-Z000001 P01-0000003-0000003-B000001 P06-WON-B1 P07-LATE-B1 $"
expect_match "days left at D" "$OUT" "P05-OLD-B1,chargeback,,'=cmd\|x,2026-11-01T10:00:00Z,2026-11-12,estimated,-8,-7.00,USD,,,open,"
expect_match "closed shows its outcome" "$OUT" "P07-LATE-B1,.*,lost,after the cutoff$"
run "$SETTLE" disputes --open --date 2026-11-20
expect_rc "--open exits 0" 0
n=$(printf '%s\n' "$OUT" | sed 1d | wc -l)
if [ "$n" -eq 3 ]; then ok "--open lists the 3 open cases"; else
    fail "--open lists the 3 open cases" "$OUT"; fi
run "$SETTLE" disputes --open --date 2026-11-18
ids=$(printf '%s\n' "$OUT" | sed 1d | cut -d, -f1 | tr '\n' ' ')
expect_match "cases opened after D are left out" "$ids" "^P05-OLD-B1 $"
run "$SETTLE" disputes --template-dir "$TOP/templates/de" --open --date 2026-11-20
expect_match "German worklist" "$(printf '%s\n' "$OUT" | sed -n 2p)" \
    "^2026-11-12;-8;P05-OLD-B1;chargeback;-7,00;USD;;;open;"

# --- close
run "$SETTLE" disputes close
expect_rc "close without a case is a usage error" 64
run "$SETTLE" disputes close P05-OLD-B1
expect_rc "close without --outcome is a usage error" 64
run "$SETTLE" disputes close P05-OLD-B1 --outcome maybe
expect_rc "a bad outcome is a usage error" 64
run "$SETTLE" disputes close NO-SUCH-CASE --outcome won
expect_rc "an unknown case exits 66" 66
expect_match "and names it" "$ERR" "no dispute case 'NO-SUCH-CASE'"
run "$SETTLE" disputes close P02-0000002-0000002-Z000001 --outcome accepted \
    --note '=refund given'
expect_rc "close exits 0" 0
expect_match "close logs" "$ERR" "closed as accepted"
n=$(psql -At -c "SELECT count(*) FROM settle.dispute_outcome WHERE case_id = 'P02-0000002-0000002-Z000001' AND outcome = 'accepted'")
if [ "$n" = 1 ]; then ok "outcome row appended"; else fail "outcome row appended" "$n"; fi
run "$SETTLE" disputes --date 2026-11-20
expect_match "worklist shows it, note guarded" "$OUT" \
    "P02-0000002-0000002-Z000001,atoz_claim,.*,accepted,'=refund given$"
run "$SETTLE" disputes close P02-0000002-0000002-Z000001 --outcome won
expect_rc "closing again appends" 0
n=$(psql -At -c "SELECT count(*) FROM settle.dispute_outcome WHERE case_id = 'P02-0000002-0000002-Z000001'")
if [ "$n" = 2 ]; then ok "two outcome rows, none updated"; else fail "two outcome rows" "$n"; fi
run "$SETTLE" disputes --date 2026-11-20
expect_match "the latest outcome counts" "$OUT" \
    "P02-0000002-0000002-Z000001,atoz_claim,.*,won,$"

# --- the next report shows it; the report of D as of its cutoff does not
psql -q -c "INSERT INTO settle.run (seller_id, business_date, ledger_cutoff, tool_version) VALUES ('A1TESTSELLER', '2026-11-22', clock_timestamp() + interval '1 second', '0.1.0')"
sleep 1
run "$SETTLE" report --date 2026-11-22 --out "$T_TMP/o"
expect_rc "next report exits 0" 0
expect_match "next report shows the outcome" \
    "$(cat "$T_TMP/o/A1TESTSELLER/2026-11-22/disputes.csv")" \
    "P02-0000002-0000002-Z000001,atoz_claim,.*,won,"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/o"
expect_match "report of D is as of its cutoff" \
    "$(cat "$T_TMP/o/A1TESTSELLER/2026-11-20/disputes.csv")" \
    "P02-0000002-0000002-Z000001,atoz_claim,,DE-2,2026-11-19T08:00:00Z,2026-11-26,estimated,6,-20.00,EUR,,,open,"
expect_same "report of D unchanged by later outcomes" \
    "$TOP/testdata/report/expected/disputes.csv" \
    "$T_TMP/o/A1TESTSELLER/2026-11-20/disputes.csv"

finish
