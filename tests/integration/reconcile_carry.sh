#!/bin/sh
# reconcile_carry.sh: what reconcile carries from one date to the next,
# against a real PostgreSQL, on testdata/reconcile/carry.sql: shipments
# matched to their order by seller_order_id (both ways of splitting, on one
# date and across dates), a ledger entry going from in transit to missing
# over three dates, transfers awaiting their bank payout resolved by a
# later date, and reruns of earlier dates that still show what those dates
# showed after later dates changed the carried state.
. "$(dirname "$0")/../lib.sh"

own_database settle_carry SELLER1
export SETTLE_TOLERANCE=USD:1 SETTLE_TIMEZONE=UTC
export SETTLE_UNSETTLED_GRACE_DAYS=3 SETTLE_LOOKBACK_DAYS=120

q() {
    psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# The dates: D1 three days ago, so its transfers' windows (settlement end
# + 7 days) are open at a cutoff taken now.
D1=$(date -u -d '3 days ago' +%F)
D2=$(date -u -d '2 days ago' +%F)
D3=$(date -u -d 'yesterday' +%F)

run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql"
expect_rc "reference ledger loads" 0
run psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -v base="$D1" \
    -f "$TOP/testdata/reconcile/carry.sql"
expect_rc "carry scenario loads" 0

# key|status|rule|entry|settlement|ledger|ledger fee|due, in a total order
rows() {
    q "SELECT coalesce(left(source_sha256, 2) || ':' || source_line,
                       entry_id) || '|' || status || '|' || match_rule
              || '|' || coalesce(entry_id, '-') || '|'
              || coalesce(array_to_string(entry_ids, ','), '-') || '|'
              || coalesce(settlement_amount::text, '-') || '|'
              || coalesce(ledger_amount::text, '-') || '|'
              || coalesce(ledger_fee::text, '-') || '|'
              || coalesce((due_date - '$1'::date)::text, '-')
       FROM settle.recon_result
       WHERE seller_id = 'SELLER1' AND business_date = '$1'
       ORDER BY source_sha256 NULLS LAST, source_line, entry_id"
}
reason() {
    q "SELECT string_agg(reason, ' / ' ORDER BY reason)
       FROM settle.recon_result
       WHERE business_date = '$1' AND $2"
}
# every column of a date's results and its carried rows
dump() {
    q "SELECT r::text FROM settle.recon_result r
       WHERE seller_id = 'SELLER1' AND business_date = '$1'
       ORDER BY r::text"
    q "SELECT u::text FROM settle.recon_entry_use u
       WHERE seller_id = 'SELLER1' AND business_date = '$1'
       ORDER BY u::text"
}
dd() { date -u -d "$1" +%d; }
S1=$(dd "$D1")
S3=$(dd "$D3")

# ---------------------------------------------------------------- D1
run "$SETTLE" reconcile --date "$D1"
expect_rc "reconcile D1" 0
rows "$D1" > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
$S1:2|matched|order|LA|-|6000|10000|-|-
$S1:3|matched|order|LA|-|4000|-|-|-
$S1:4|matched|order|LB1|LB1,LB2|5000|5000|-|-
$S1:5|matched|order|LC|-|7000|7000|-|-
$S1:6|matched|reference|LE1|-|2500|2500|-|-
$S1:7|payout_pending|none|-|-|-100000|-|-|7
$S1:8|payout_pending|none|-|-|-50000|-|-|7
LC|in_transit|none|LC|-|-|3000|-90|2
LD|in_transit|none|LD|-|-|1500|-|2
LE|in_transit|none|LE|-|-|9900|-|1
EOT
expect_same "D1: shipments by order, a part, pending payouts" \
    "$T_TMP/want" "$T_TMP/got"
expect_match "split shipments name the order and the missing reference" \
    "$(reason "$D1" "source_line = 2 AND kind = 'capture'")" \
    '^matched by seller order id ORDA \(reference ORDA-S1 has no ledger entry\) \(reference ORDA: 2 settlement lines, 1 ledger entry\)$'
expect_match "one shipment, two entries" \
    "$(reason "$D1" "source_line = 4")" \
    'ORDB \(reference ORDB-S1 has no ledger entry\) \(reference ORDB: 1 settlement line, 2 ledger entries\)$'
expect_match "a part says what is still expected" \
    "$(reason "$D1" "source_line = 5")" \
    '; part of ledger entry LC \(100\.00 booked\), 30\.00 still expected$'
expect_match "the rest of a part is in transit, and says so" \
    "$(reason "$D1" "entry_id = 'LC' AND source_line IS NULL")" \
    'ledger capture 30\.00 USD booked .*\(what is left of 100\.00 after 70\.00 settled by split shipments\)$'
expect_match "a pending payout says until when" \
    "$(reason "$D1" "source_line = 7")" \
    '^no ledger payout in USD booked yet; awaited until [0-9-]+ 12:00 UTC$'
expect_match "the part is recorded as open" \
    "$(q "SELECT complete || '|' || settled || '|' || settled_fee
          FROM settle.recon_entry_use WHERE entry_id = 'LC'")" '^false\|7000\|-210$'
expect_match "pending and in transit are not exceptions" "$ERR" \
    "reconciled $D1: 10 results, 0 exceptions"
dump "$D1" > "$T_TMP/d1.first"

# ---------------------------------------------------------------- D2
run "$SETTLE" reconcile --date "$D2"
expect_rc "reconcile D2" 0
rows "$D2" > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
$S1:7|payout_pending|none|-|-|-100000|-|-|6
$S1:8|payout_pending|none|-|-|-50000|-|-|6
LC|in_transit|none|LC|-|-|3000|-90|1
LD|in_transit|none|LD|-|-|1500|-|1
LE|missing_in_settlement|none|LE|-|-|9900|-|0
EOT
expect_same "D2: the rest of the part and LD in transit, payouts still pending" \
    "$T_TMP/want" "$T_TMP/got"
expect_match "a carried payout names its date and settlement" \
    "$(reason "$D2" "source_line = 8")" \
    "^transfer of $D1 \\(settlement S[0-9]+\\): no ledger payout in EUR booked yet"
dump "$D2" > "$T_TMP/d2.first"

# D2's open items: the rest of the part, LD, the two pending payouts
run "$SETTLE" report --date "$D2" --out "$T_TMP/out"
expect_rc "report D2" 0
OI=$T_TMP/out/SELLER1/$D2/open-items.csv
tr -d '\r' < "$OI" | sed '1s/^\xef\xbb\xbf//' |
    cut -d, -f1,2,5,6,8,9 > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
Status,Ledger entry,Currency,Amount,Age (days),Days until exception
in_transit,LC,USD,30.00,2,1
in_transit,LD,USD,15.00,2,1
payout_pending,,EUR,-500.00,1,6
payout_pending,,USD,-1000.00,1,6
EOT
expect_same "D2: open-items.csv" "$T_TMP/want" "$T_TMP/got"
expect_match "the manifest counts the open items per currency" \
    "$(tr -d ' \n' < "$T_TMP/out/SELLER1/$D2/manifest.json")" \
    '"open_items":\{"EUR":\{"payout_pending":\{"amount":"-500.00","items":1\}\},"USD":\{"in_transit":\{"amount":"45.00","items":2\},"payout_pending":\{"amount":"-1000.00","items":1\}\}\}'
expect_match "and in its counts" \
    "$(tr -d ' \n' < "$T_TMP/out/SELLER1/$D2/manifest.json")" '"open_items":4'

# What D1 and D2 left open is carried to the next date, not re-read.
expect_match "D1 carries its open entries (the rest of LC, LD, LE)" \
    "$(q "SELECT string_agg(entry_id, ' ' ORDER BY entry_id)
          FROM settle.recon_open WHERE business_date = '$D1'")" '^LC LD LE$'
expect_match "with its time zone and lookback" \
    "$(q "SELECT open_timezone || '|' || open_lookback_days FROM settle.run
          WHERE business_date = '$D2'")" '^UTC\|120$'

# The USD payout reaches the bank and is booked after D2's run; so is LL,
# a capture booked back on the day before D1: recorded after D1's and D2's
# cutoffs, it is in neither date's open entries, and D3 must still see it.
q "SELECT ledger.book('LP', 'payout', NULL, NULL, 'USD',
       '$D2 08:00Z', -1000.00)" >/dev/null
q "SELECT ledger.book('LL', 'capture', 'TXN-LATE', 'ORDL', 'USD',
       '$(date -u -d "$D1 - 1 day" +%F) 09:00Z', 12.34)" >/dev/null
# D3 is reconciled as of a cutoff past the EUR transfer's window (as a
# night run late would be), so that transfer's wait is over.
q "INSERT INTO settle.run (seller_id, business_date, ledger_cutoff,
       tool_version)
   VALUES ('SELLER1', '$D3', '$D1'::date + 9, 'test')" >/dev/null

# ---------------------------------------------------------------- D3
run "$SETTLE" reconcile --date "$D3"
expect_rc "reconcile D3" 0
rows "$D3" > "$T_TMP/got"
cat > "$T_TMP/want" <<EOT
$S1:7|payout_matched|payout|LP|-|-100000|-100000|-|5
$S1:8|payout_mismatch|none|-|-|-50000|-|-|5
$S3:2|matched|order|LC|-|3000|3000|-90|-
LD|missing_in_settlement|none|LD|-|-|1500|-|0
LE|missing_in_settlement|none|LE|-|-|9900|-|-1
LL|missing_in_settlement|none|LL|-|-|1234|-|0
EOT
expect_same "D3: the part completed, LD missing, payouts resolved, LL late" \
    "$T_TMP/want" "$T_TMP/got"
expect_match "the completion names what was settled before" \
    "$(reason "$D3" "source_line = 2")" \
    'ORDC \(reference ORDC-S2 has no ledger entry\); what is left of ledger entry LC \(100\.00 booked, 70\.00 settled before\)$'
expect_match "a resolved payout names its payout" \
    "$(reason "$D3" "source_line = 7")" \
    "^transfer of $D1 \\(settlement S[0-9]+\\): matched by ledger payout LP$"
expect_match "a wait that is over is a mismatch" \
    "$(reason "$D3" "source_line = 8")" \
    "^transfer of $D1 \\(settlement S[0-9]+\\): no ledger payout in EUR booked between"

# ---------------------------------------------------------------- reruns
run "$SETTLE" reconcile --date "$D1"
expect_rc "rerun D1 after D3" 0
dump "$D1" > "$T_TMP/d1.again"
expect_same "D1 rerun after later dates: the same rows" \
    "$T_TMP/d1.first" "$T_TMP/d1.again"
run "$SETTLE" reconcile --date "$D2"
expect_rc "rerun D2 after D3" 0
dump "$D2" > "$T_TMP/d2.again"
expect_same "D2 rerun after later dates: the same rows (payouts still pending)" \
    "$T_TMP/d2.first" "$T_TMP/d2.again"
dump "$D3" > "$T_TMP/d3.first"
run "$SETTLE" reconcile --date "$D3"
expect_rc "rerun D3" 0
dump "$D3" > "$T_TMP/d3.again"
expect_same "D3 rerun: the same rows" "$T_TMP/d3.first" "$T_TMP/d3.again"
# D3 as of the whole window (no earlier open entries to carry): the same.
q "UPDATE settle.run SET open_timezone = NULL
   WHERE business_date IN ('$D1', '$D2')" >/dev/null
run "$SETTLE" reconcile --date "$D3"
expect_rc "D3 from its whole window" 0
dump "$D3" > "$T_TMP/d3.window"
expect_same "D3: carried open entries and the whole window agree" \
    "$T_TMP/d3.first" "$T_TMP/d3.window"
expect_match "LP is used once" \
    "$(q "SELECT count(*) FROM settle.recon_entry_use WHERE entry_id = 'LP'")" '^1$'

finish
