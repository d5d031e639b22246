#!/bin/sh
# settlements.sh: every settlement tied out, against a real PostgreSQL, on
# testdata/reconcile/settlements.sql: a chain of three USD settlements
# whose third payout leaves 0.55 behind (settlement_out_of_balance), a
# settlement without a payout, a gap in a chain (the opening inferred from
# the payout), a carryover that sets the balance aside and brings it back;
# then a date reconciled before its predecessor, which finds it when
# reconciled again; and the Settlements sheet, its CSV and the exception in
# the report.
. "$(dirname "$0")/../lib.sh"

own_database settle_settlements SELLER1
export SETTLE_TOLERANCE=USD:0 SETTLE_TIMEZONE=UTC

q() {
    psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}
# id|opening|from|chain|closing|left|tie_out per settlement of date $1
ties() {
    q "SELECT settlement_id || '|' || opening || '|'
              || coalesce(opening_from, '-') || '|' || chain_length || '|'
              || closing || '|' || coalesce(left_after_payout::text, '-')
              || '|' || tie_out
       FROM settle.recon_settlement
       WHERE seller_id = 'SELLER1' AND business_date = '$1'
       ORDER BY currency, settlement_id"
}

run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql"
expect_rc "reference ledger loads" 0
run psql -X -q -v ON_ERROR_STOP=1 -o /dev/null \
    -f "$TOP/testdata/reconcile/settlements.sql"
expect_rc "settlement scenario loads" 0

# ---------------------------------------------------------------- in order
for d in 2026-05-01 2026-05-02 2026-05-03; do
    run "$SETTLE" reconcile --date $d
    expect_rc "reconcile $d" 0
done
ties 2026-05-01 > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
E1|0|-|1|8000|-|no_payout
G1|2000|-|1|1000|0|ties
S1|10000|-|1|3850|0|ties
EOT
expect_same "D1: inferred openings, no payout, a carryover as the payout" \
    "$T_TMP/want" "$T_TMP/got"
ties 2026-05-02 > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
G2|1000|G1|2|0|0|ties
S2|3850|S1|2|1555|0|ties
EOT
expect_same "D2: openings from the previous closings" "$T_TMP/want" "$T_TMP/got"
ties 2026-05-03 > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
E3|8000|-|1|0|0|ties
S3|1555|S2|3|2965|55|out_of_balance
EOT
expect_same "D3: a gap infers the opening; a short payout is out of balance" \
    "$T_TMP/want" "$T_TMP/got"
expect_match "the short payout is an exception with the difference" \
    "$(q "SELECT status || '|' || reference || '|' || settlement_amount || '|' || reason
          FROM settle.recon_result
          WHERE business_date = '2026-05-03' AND kind = 'settlement'")" \
    '^settlement_out_of_balance\|S3\|55\|settlement S3: the payout left 0\.55 USD in the balance \(opening 15\.55 from settlement S2\)'
# with the capture missing in the (empty) ledger and the two payouts never
# booked: 4 exceptions
expect_match "and counted with the others" "$ERR" "reconciled 2026-05-03: 5 results, 4 exceptions"
expect_match "the category sums are kept per settlement" \
    "$(q "SELECT sales || ' ' || refunds || ' ' || fees || ' ' || adjustments
                 || ' ' || debt || ' ' || transfer || ' ' || net || ' ' || lines
          FROM settle.settlement_total WHERE settlement_id = 'S2'")" \
    '^2000 -500 -45 200 -100 -3850 -2295 5$'

# A second reconcile of a date writes the same tie-outs, and the totals
# keep the time they were first recorded.
first=$(q "SELECT recorded_at FROM settle.settlement_total WHERE settlement_id = 'S3'")
ties 2026-05-03 > "$T_TMP/before"
run "$SETTLE" reconcile --date 2026-05-03
expect_rc "reconcile D3 again" 0
ties 2026-05-03 > "$T_TMP/after"
expect_same "the same tie-outs on a second reconcile" "$T_TMP/before" "$T_TMP/after"
again=$(q "SELECT recorded_at FROM settle.settlement_total WHERE settlement_id = 'S3'")
[ -n "$first" ] && [ "$first" = "$again" ] && ok "totals are written once" ||
    fail "totals are written once" "$first then $again"

# ---------------------------------------------------------------- out of order
# D3 reconciled before D2: S3 does not see S2 and infers its opening from
# its own payout (15.00), so it ties. Once D2 is reconciled, D3 again (or
# its rerun) reads the settlements of the dates up to it and finds S2.
q "DELETE FROM settle.recon_settlement; DELETE FROM settle.settlement_total;
   DELETE FROM settle.recon_result; UPDATE settle.run SET ledger_cutoff = NULL"
for d in 2026-05-01 2026-05-03 2026-05-02; do
    run "$SETTLE" reconcile --date $d
    expect_rc "reconcile $d out of order" 0
done
expect_match "D3 before D2: the opening is inferred" \
    "$(ties 2026-05-03 | grep '^S3')" '^S3\|1500\|-\|1\|2910\|0\|ties$'
run "$SETTLE" reconcile --date 2026-05-03
expect_rc "reconcile D3 again" 0
expect_match "after D2, D3 sees S2 and the short payout" \
    "$(ties 2026-05-03 | grep '^S3')" '^S3\|1555\|S2\|3\|2965\|55\|out_of_balance$'
# A settlement of a later date is never part of an earlier date's chain.
q "UPDATE settle.settlement_total SET business_date = '2026-05-04'
   WHERE settlement_id = 'S2'"
run "$SETTLE" reconcile --date 2026-05-03
expect_match "a later date's settlement is not read" \
    "$(ties 2026-05-03 | grep '^S3')" '^S3\|1500\|-\|1\|2910\|0\|ties$'
q "UPDATE settle.settlement_total SET business_date = '2026-05-02'
   WHERE settlement_id = 'S2'"
run "$SETTLE" reconcile --date 2026-05-03
expect_rc "reconcile D3 once more" 0

# ---------------------------------------------------------------- the report
OUTD=$T_TMP/out
# S3's payout as Get Disbursements named it on D3, and one first fetched
# on the day after, which D3's statement must not show.
q "INSERT INTO settle.disbursement (seller_id, reference, settlement_id,
       currency, minor_units, amount, transaction_time, business_date,
       source_sha256)
   VALUES ('SELLER1', 'BANKREF-S3', 'S3', 'USD', 2, 1500,
           '2026-05-03T23:00:00Z', '2026-05-03', repeat('a', 64)),
          ('SELLER1', 'BANKREF-S3-LATE', 'S3', 'USD', 2, 1,
           '2026-05-04T23:00:00Z', '2026-05-04', repeat('b', 64))" >/dev/null
run "$SETTLE" report --date 2026-05-03 --out "$OUTD"
expect_rc "report D3" 0
D=$OUTD/SELLER1/2026-05-03
cat > "$T_TMP/want" <<EOT
Settlement id,Currency,Start (UTC),End (UTC),Lines,Opening balance,Opening from,Sales,Refunds,Fees,Chargebacks and claims,Reserve released,Reserve held,Adjustments,Debt,Carried over,Other,Activity,Transfer,Closing balance,Check,Left after payout,Tie-out,Payout,Ledger payout,Bank reference,Disbursed
E3,EUR,2026-05-02T22:00:00Z,2026-05-03T22:00:00Z,2,80.00,inferred from the payout,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,5.00,0.00,5.00,-85.00,0.00,0.00,0.00,ties,payout_mismatch,,,
S3,USD,2026-05-02T22:00:00Z,2026-05-03T22:00:00Z,2,15.55,settlement S2,30.00,0.00,-0.90,0.00,0.00,0.00,0.00,0.00,0.00,0.00,29.10,-15.00,29.65,0.00,0.55,settlement_out_of_balance,payout_mismatch,,BANKREF-S3,15.00
EOT
sed '1s/^\xef\xbb\xbf//' "$D/settlements.csv" | tr -d '\r' > "$T_TMP/got"
expect_same "settlements.csv of D3" "$T_TMP/want" "$T_TMP/got"
expect_match "exceptions.csv lists the settlement out of balance" \
    "$(cat "$D/exceptions.csv")" \
    '^settlement_out_of_balance,settlement S3: the payout left 0\.55 USD in the balance .*,settlement,USD,,,S3,,0\.55,,,,,,.$'
expect_match "the manifest counts the settlements" \
    "$(cat "$D/manifest.json")" '"settlements": 2'
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    run /usr/bin/python3 -c 'import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); print(",".join(wb.sheetnames)); ws=wb["Settlements"]; print(ws["V3"].value, ws["V3"].number_format, ws["W3"].value)' "$D/statement.xlsx"
    expect_match "the workbook has a Settlements sheet after the Summary" \
        "$OUT" '^Summary,Settlements,EUR,USD,'
    expect_match "its amounts are numbers" "$OUT" \
        '^0.55 #,##0.00 settlement_out_of_balance$'
else
    skip "Settlements sheet" "python3 with openpyxl is not installed"
fi
# The payout rule by bank reference: of two ledger payouts of S3's 15.00
# in its window, the one whose provider_transaction_id is the bank
# reference Get Disbursements gave (BANKREF-S3, above) is taken, though
# the other was booked nearer the settlement's end.
q "SELECT ledger.book('PAY-NEAR', 'payout', NULL, NULL, 'USD',
                      '2026-05-03 22:30+00', -15.00);
   SELECT ledger.book('PAY-REF', 'payout', 'BANKREF-S3', NULL, 'USD',
                      '2026-05-06 09:00+00', -15.00)" >/dev/null
run "$SETTLE" reconcile --date 2026-05-03 --new-cutoff
expect_rc "reconcile D3 with the payouts booked" 0
expect_match "the transfer is matched by the bank reference" \
    "$(q "SELECT status || '|' || match_rule || '|' || entry_id || '|' || reason
          FROM settle.recon_result WHERE business_date = '2026-05-03'
          AND kind = 'transfer' AND currency = 'USD'")" \
    "^payout_matched\|payout_reference\|PAY-REF\|transfer matched by ledger payout PAY-REF by the bank reference Amazon gave for its settlement$"
q "DELETE FROM settle.disbursement WHERE reference = 'BANKREF-S3'" >/dev/null
run "$SETTLE" reconcile --date 2026-05-03
expect_match "without the reference, the nearer payout by amount and time" \
    "$(q "SELECT status || '|' || match_rule || '|' || entry_id
          FROM settle.recon_result WHERE business_date = '2026-05-03'
          AND kind = 'transfer' AND currency = 'USD'")" \
    "^payout_matched\|payout\|PAY-NEAR$"

finish
