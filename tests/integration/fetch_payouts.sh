#!/bin/sh
# fetch_payouts.sh: the payouts of Get Disbursements with `settle fetch
# --source api` against the stand-in: two pages archived byte for byte,
# the payouts in minor units with their settlement and bank reference, a
# second fetch that reads the archive instead of asking again, a key
# without the permission (403: a warning, the night goes on), and a page
# that is not a payout settle can book (65, nothing recorded).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi

own_reports
R=$STANDIN_REPORTS
cat > "$R/disbursements.json" <<'JSON'
{"disbursements": [
 {"sellerId": "A1TESTSELLER01", "settlementId": "7000000002",
  "amazonDisbursementReferenceId": "AMZN-PAY-0305-A", "amount": "120.50",
  "currencyCode": "USD", "transactionTime": "2024-03-05T10:00:00.123Z"},
 {"sellerId": "A1TESTSELLER01", "settlementId": "7000000005",
  "amazonDisbursementReferenceId": "AMZN-PAY-0305-B", "amount": "99.99",
  "currencyCode": "EUR", "transactionTime": "2024-03-05T21:00:00Z"},
 {"sellerId": "A1TESTSELLER01", "settlementId": "7000000006",
  "amazonDisbursementReferenceId": "AMZN-PAY-0306-J", "amount": "1500",
  "currencyCode": "JPY", "transactionTime": "2024-03-06T01:00:00Z"},
 {"sellerId": "A1TESTSELLER01", "settlementId": "6999999999",
  "amazonDisbursementReferenceId": "AMZN-PAY-0201", "amount": "5.00",
  "currencyCode": "USD", "transactionTime": "2024-02-01T10:00:00Z"}
]}
JSON
start_standin --page-cap 2 || fail "stand-in starts"

run "$SETTLE" fetch --date 2024-03-05
expect_rc "fetch with payouts exits 0" 0
n=$(grep -c 'GET /live/v2/disbursements 200$' "$T_TMP/standin.log")
expect_match "two pages of payouts asked" "$n" "^2$"
# the stand-in answers 400 to a page without the window or with a token
# it did not hand out (one with '+', '/' and '=', percent-encoded)
if grep -q ' 400$' "$T_TMP/standin.log"; then
    fail "the follow-up repeats the window with the token" \
        "$(cat "$T_TMP/standin.log")"
else
    ok "the follow-up repeats the window with the token"
fi
rows=$(db_value "SELECT string_agg(reference || ' ' || settlement_id || ' ' ||
    amount || ' ' || currency || ' ' || minor_units || ' ' ||
    to_char(transaction_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'),
    ',' ORDER BY reference) FROM settle.disbursement")
expect_match "the three payouts of the window, in minor units" "$rows" \
    "^AMZN-PAY-0305-A 7000000002 12050 USD 2 2024-03-05 10:00:00.123,AMZN-PAY-0305-B 7000000005 9999 EUR 2 2024-03-05 21:00:00.000,AMZN-PAY-0306-J 7000000006 1500 JPY 0 2024-03-06 01:00:00.000$"
pages=$(db_value "SELECT string_agg(page || ':' || entries, ' ' ORDER BY page)
    FROM settle.disbursement_page")
expect_match "two pages recorded, 2 and 1 payouts" "$pages" "^1:2 2:1$"
ok_pages=0
for h in $(db_value "SELECT sha256 FROM settle.disbursement_page"); do
    f=$T_TMP/archive/sha256/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)
    [ "$(sha256sum "$f" | cut -c1-64)" = "$h" ] && ok_pages=$((ok_pages + 1))
done
expect_match "each page archived under its SHA-256" "$ok_pages" "^2$"
expect_match "the page names its payouts" \
    "$(db_value "SELECT count(*) FROM settle.disbursement d JOIN
        settle.disbursement_page p ON p.sha256 = d.source_sha256")" "^3$"

# Again: the archive answers, Amazon is not asked.
run "$SETTLE" fetch --date 2024-03-05
expect_rc "a second fetch exits 0" 0
expect_match "and does not ask for payouts again" \
    "$(grep -c 'v2/disbursements' "$T_TMP/standin.log")" "^2$"
expect_match "saying so" "$ERR" "payouts of 2024-03-05 are archived"

# A key without the permission: a warning, the reports still arrive.
start_standin --deny-disbursements || fail "stand-in starts"
run "$SETTLE" fetch --date 2024-03-06
expect_rc "fetch with payouts refused exits 0" 0
expect_match "warning that the payouts were refused" "$ERR" \
    "warn.*Get Disbursements refused.*HTTP 403 UnauthorizedAccess"
expect_match "nothing recorded for that date" \
    "$(db_value "SELECT count(*) FROM settle.disbursement_page
        WHERE business_date = '2024-03-06'")" "^0$"

# A payout settle cannot book: 65, nothing of the date recorded.
sed -i 's/"amount": "99.99"/"amount": "99.999"/' "$R/disbursements.json"
start_standin || fail "stand-in starts"
run "$SETTLE" fetch --date 2024-03-04
expect_rc "a bad payout exits 65" 65
expect_match "naming the page, the payout and the field" "$ERR" \
    "Get Disbursements page 1: disbursement 2: amount"
expect_match "no page of that date recorded" \
    "$(db_value "SELECT count(*) FROM settle.disbursement_page
        WHERE business_date = '2024-03-04'")" "^0$"

finish
