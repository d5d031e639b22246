#!/bin/sh
# fetch_lookups.sh: Get Dispute for the open dispute cases with `settle
# fetch --source api` against the stand-in: the open cases asked, most
# urgent first, none with an outcome nor one opened later; a 404 recorded
# as an answer, not fatal; every answer archived; a second fetch that
# reads the archive; then Get Charge and Get Refund for the ledger
# entries the latest reconcile left unexplained; api_lookups_max over
# both; a key without the permission (403: a warning); and the worklist
# with Amazon's confirmed deadline, its state, and a case Amazon resolved
# gone from the open list, its outcome recorded.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi

own_reports
R=$STANDIN_REPORTS
cat > "$R/disputes.json" <<'JSON'
{"disputes": [
 {"disputeId": "P01-0000001-0000001-B000001",
  "chargeId": "P01-0000001-0000001-C000001", "disputeType": "Chargeback",
  "disputeAmount": {"amount": "19.99", "currencyCode": "USD"},
  "filingReason": "ProductNotReceived",
  "statusDetails": {"state": "ActionRequired",
                    "reasonCode": "MerchantResponseRequired"},
  "merchantResponseDeadline": "2024-03-10T23:59:59.000Z"},
 {"disputeId": "P01-0000002-0000002-B000002",
  "chargeId": "P01-0000002-0000002-C000002", "disputeType": "Chargeback",
  "statusDetails": {"state": "Resolved", "resolution": "BuyerWon",
                    "reasonCode": "InvestigatorResolved"}}
]}
JSON
q() { psql -X -q -At -d "$FETCH_DB" -v ON_ERROR_STOP=1 -c "$1"; }
q "INSERT INTO settle.dispute (seller_id, case_id, kind, order_reference,
       opened_date, posted_at, respond_by, currency, minor_units, amount)
   VALUES
   ('A1TESTSELLER01', 'P01-0000001-0000001-B000001', 'chargeback', 'O-1',
    '2024-03-01', '2024-03-01T10:00:00Z', '2024-03-12', 'USD', 2, -1999),
   ('A1TESTSELLER01', 'P01-0000002-0000002-B000002', 'chargeback', 'O-2',
    '2024-03-02', '2024-03-02T10:00:00Z', '2024-03-13', 'USD', 2, -500),
   ('A1TESTSELLER01', 'P01-0000003-0000003-B000003', 'chargeback', 'O-3',
    '2024-03-03', '2024-03-03T10:00:00Z', '2024-03-14', 'USD', 2, -700),
   ('A1TESTSELLER01', 'P01-0000004-0000004-B000004', 'chargeback', 'O-4',
    '2024-03-01', '2024-03-01T10:00:00Z', '2024-03-11', 'USD', 2, -100),
   ('A1TESTSELLER01', 'P01-0000005-0000005-B000005', 'chargeback', 'O-5',
    '2024-03-09', '2024-03-09T10:00:00Z', '2024-03-20', 'USD', 2, -100);
   INSERT INTO settle.dispute_outcome (seller_id, case_id, outcome)
   VALUES ('A1TESTSELLER01', 'P01-0000004-0000004-B000004', 'won')"
# What 2024-03-04's reconcile left unexplained: two captures and a refund
# in transit or missing (one unknown to Amazon), and a fee entry, which has
# no charge to ask about.
cat > "$R/charges.json" <<'JSON'
{"charges": [
 {"chargeId": "S01-0000010-0000010-C000010",
  "statusDetails": {"state": "Declined", "reasonCode": "ProcessingFailure"}}
]}
JSON
cat > "$R/refunds.json" <<'JSON'
{"refunds": [
 {"refundId": "S01-0000010-0000010-R000011",
  "statusDetail": {"state": "RefundInitiated"}}
]}
JSON
q "INSERT INTO settle.run (seller_id, business_date, status, tool_version)
   VALUES ('A1TESTSELLER01', '2024-03-04', 'reconciled', 'test');
   INSERT INTO settle.recon_result (seller_id, business_date, status, kind,
       currency, minor_units, amazon_transaction_id, entry_id, booked_at)
   VALUES
   ('A1TESTSELLER01', '2024-03-04', 'missing_in_settlement', 'capture', 'USD',
    2, 'S01-0000010-0000010-C000010', 'L-10', '2024-02-20T10:00:00Z'),
   ('A1TESTSELLER01', '2024-03-04', 'in_transit', 'refund', 'USD', 2,
    'S01-0000010-0000010-R000011', 'L-11', '2024-03-03T10:00:00Z'),
   ('A1TESTSELLER01', '2024-03-04', 'in_transit', 'capture', 'USD', 2,
    'S01-0000012-0000012-C000012', 'L-12', '2024-03-03T11:00:00Z'),
   ('A1TESTSELLER01', '2024-03-04', 'in_transit', 'fee', 'USD', 2,
    'S01-0000013-0000013-C000013', 'L-13', '2024-03-03T12:00:00Z')"
start_standin || fail "stand-in starts"

run "$SETTLE" fetch --date 2024-03-05
expect_rc "fetch with dispute lookups exits 0" 0
asked=$(grep 'v2/disputes/' "$T_TMP/standin.log" | sed 's|.*/disputes/||' |
    tr '\n' ' ')
expect_match "the three open cases of the date asked, most urgent first" \
    "$asked" \
    "^P01-0000001-0000001-B000001 200 P01-0000002-0000002-B000002 200 P01-0000003-0000003-B000003 404 $"
expect_match "the unknown case is a warning" "$ERR" \
    "warn.*Amazon does not know dispute 'P01-0000003-0000003-B000003' \\(404\\)"
expect_match "each answer recorded with its status" \
    "$(q "SELECT string_agg(right(object_id, 1) || ':' || http_status, ' '
          ORDER BY object_id) FROM settle.api_lookup
          WHERE resource = 'dispute'")" "^1:200 2:200 3:404$"
n=0
for h in $(q "SELECT sha256 FROM settle.api_lookup"); do
    f=$T_TMP/archive/sha256/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)
    [ -f "$f" ] && [ "$(sha256sum "$f" | cut -c1-64)" = "$h" ] && n=$((n + 1))
done
expect_match "each answer archived under its SHA-256 (disputes, charges)" \
    "$n" "^6$"
expect_match "the states Amazon gave" \
    "$(q "SELECT string_agg(right(case_id, 1) || ':' || state || ':' ||
          coalesce(resolution, '-') || ':' || coalesce(to_char(deadline
          AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '-'), ' '
          ORDER BY case_id) FROM settle.dispute_status")" \
    "^1:ActionRequired:-:2024-03-10 23:59 2:Resolved:BuyerWon:-$"

asked=$(grep -E 'v2/(charges|refunds)/' "$T_TMP/standin.log" |
    sed 's|.*/v2/||' | tr '\n' ' ')
expect_match "then the entries left unexplained, the longest waiting first" \
    "$asked" \
    "^charges/S01-0000010-0000010-C000010 200 refunds/S01-0000010-0000010-R000011 200 charges/S01-0000012-0000012-C000012 404 $"
expect_match "their states recorded" \
    "$(q "SELECT string_agg(resource || ':' || state || ':' ||
          coalesce(reason_code, '-'), ' ' ORDER BY object_id)
          FROM settle.charge_status")" \
    "^charge:Declined:ProcessingFailure refund:RefundInitiated:-$"

run "$SETTLE" fetch --date 2024-03-05
expect_match "a second fetch does not ask again" \
    "$(grep -c -E 'v2/(disputes|charges|refunds)/' "$T_TMP/standin.log")" \
    "^6$"

# A date is asked once, also when it had nothing to ask: a case that a
# later reconcile finds for it does not change it when fetched again.
run "$SETTLE" fetch --date 2024-02-28
expect_rc "fetch of a date without open cases exits 0" 0
expect_match "records that its lookups were made, with none" \
    "$(q "SELECT string_agg(kind || ':' || objects, ' ' ORDER BY kind)
          FROM settle.lookup_done WHERE business_date = '2024-02-28'")" \
    "^charge:0 dispute:0$"
q "INSERT INTO settle.dispute (seller_id, case_id, kind, opened_date,
       posted_at, respond_by, currency, minor_units, amount)
   VALUES ('A1TESTSELLER01', 'P01-0000009-0000009-B000009', 'chargeback',
           '2024-02-27', '2024-02-27T10:00:00Z', '2024-03-09', 'USD', 2,
           -100)"
before=$(grep -c 'v2/disputes/' "$T_TMP/standin.log")
run "$SETTLE" fetch --date 2024-02-28
expect_match "and is not asked again" \
    "$(grep -c 'v2/disputes/' "$T_TMP/standin.log")" "^$before$"
q "DELETE FROM settle.dispute WHERE case_id = 'P01-0000009-0000009-B000009'"

# The worklist: the confirmed deadline and Amazon's state; the resolved
# case leaves the open list by itself.
run "$SETTLE" disputes --open --date 2024-03-05
expect_rc "the worklist exits 0" 0
expect_match "the confirmed deadline and Amazon's state" "$OUT" \
    "P01-0000001-0000001-B000001,chargeback,,O-1,2024-03-01T10:00:00Z,2024-03-10,confirmed,5,-19.99,USD,ActionRequired,,open,"
expect_match "a case Amazon does not know keeps its estimate" "$OUT" \
    "P01-0000003-0000003-B000003,.*,2024-03-14,estimated,9,"
if printf '%s\n' "$OUT" | grep -q 'B000002'; then
    fail "the resolved case is not open" "$OUT"
else
    ok "the resolved case is not open"
fi
run "$SETTLE" disputes --date 2024-03-05
expect_match "it is listed with Amazon's outcome" "$OUT" \
    "P01-0000002-0000002-B000002,.*,Resolved,BuyerWon,lost,Amazon: BuyerWon \\(InvestigatorResolved\\)$"
expect_match "recorded once, as settle disputes close would" \
    "$(q "SELECT string_agg(outcome || '|' || note, ' ')
          FROM settle.dispute_outcome
          WHERE case_id = 'P01-0000002-0000002-B000002'")" \
    "^lost\\|Amazon: BuyerWon \\(InvestigatorResolved\\)$"

# api_lookups_max: the most urgent only; the resolved case is not asked.
export SETTLE_API_LOOKUPS_MAX=1
run "$SETTLE" fetch --date 2024-03-06
expect_rc "fetch with api_lookups_max = 1 exits 0" 0
expect_match "asks only the most urgent open case, no charge" \
    "$(grep -E 'v2/(disputes|charges|refunds)/' "$T_TMP/standin.log" |
        sed -n '7,$p' | sed 's|.*/v2/||' | tr '\n' ' ')" \
    "^disputes/P01-0000001-0000001-B000001 200 $"
unset SETTLE_API_LOOKUPS_MAX

# A key without the permission: a warning, the night goes on.
start_standin --deny-lookups || fail "stand-in starts"
run "$SETTLE" fetch --date 2024-03-07
expect_rc "fetch with Get Dispute refused exits 0" 0
expect_match "warning that the lookups were refused" "$ERR" \
    "warn.*Amazon refused the lookup of dispute cases.*HTTP 403"
expect_match "nothing recorded for that date" \
    "$(q "SELECT count(*) FROM settle.api_lookup
          WHERE business_date = '2024-03-07'")" "^0$"

finish
