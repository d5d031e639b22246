#!/bin/sh
# dispute_capture.sh: which capture a dispute case names (README
# "Disputes"): the one capture of the seller, on the dates within
# lookback_days up to the case's date, whose id shares the case's order
# prefix (the first three dash-separated parts). Two captures under one
# prefix name none; a capture seen twice is still one; a longer third part,
# a capture older than the lookback, one of a later date or a refund under
# the prefix name none either.
. "$(dirname "$0")/../lib.sh"

own_database settle_dispute_capture SELLER1
export SETTLE_TIMEZONE=UTC SETTLE_LOOKBACK_DAYS=120
run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql"
expect_rc "reference ledger" 0

# line DATE SHA LINE KIND TXN AMOUNT: a settlement line of SELLER1 (USD).
lines=
line() {
    lines="$lines
SELECT pg_temp.line('$1', '$2', $3, '$4', '$5', $6);"
}
# 2026-03-10 is the date under test.
line 2026-03-10 a 1 chargeback P01-1111111-1111111-B000001 -1000
line 2026-03-03 b 1 capture P01-1111111-1111111-C000001 1000
line 2026-03-10 a 2 capture P01-1111111-1111111-C000002 1000
line 2026-03-10 a 3 chargeback P01-2222222-2222222-B000001 -2000
line 2026-03-03 b 2 capture P01-2222222-2222222-C000001 2000
line 2026-03-10 a 4 capture P01-2222222-2222222-C000001 2000
line 2026-03-10 a 5 chargeback P01-3333333-3333333-B000001 -3000
line 2026-03-10 a 6 capture P01-3333333-33333339-C000001 3000
line 2026-03-10 a 7 atoz_claim P01-4444444-4444444-A000001 -4000
line 2025-11-01 c 1 capture P01-4444444-4444444-C000001 4000
line 2026-03-10 a 8 refund P01-4444444-4444444-R000001 -4000
line 2026-03-10 a 9 dispute P01-5555555-5555555-D000001 -5000
line 2026-03-17 d 1 capture P01-5555555-5555555-C000001 5000
run psql -X -q -v ON_ERROR_STOP=1 <<EOF
CREATE FUNCTION pg_temp.line(p_date date, p_sha text, p_line integer,
    p_kind text, p_txn text, p_amount bigint)
RETURNS void LANGUAGE sql AS \$\$
    INSERT INTO settle.settlement_line (seller_id, business_date,
        source_sha256, source_line, settlement_id, settlement_start,
        settlement_end, posted_at, kind, provider_type,
        amazon_transaction_id, currency, minor_units, amount,
        percentage_fee, fixed_fee, total_fee, net)
    VALUES ('SELLER1', p_date, repeat(p_sha, 64), p_line,
        'S' || to_char(p_date, 'YYMMDD'),
        (p_date - 7)::timestamp AT TIME ZONE 'UTC',
        p_date::timestamp AT TIME ZONE 'UTC',
        p_date::timestamp AT TIME ZONE 'UTC' - interval '1 hour',
        p_kind, initcap(p_kind), p_txn, 'USD', 2, p_amount, 0, 0, 0,
        p_amount);
\$\$;
$lines
EOF
expect_rc "load the lines" 0

run "$SETTLE" reconcile --date 2026-03-10
expect_rc "reconcile exits 0" 0
psql -X -q -At -c "SELECT case_id || ' ' || coalesce(capture_id, '-')
                   FROM settle.dispute ORDER BY case_id" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
P01-1111111-1111111-B000001 -
P01-2222222-2222222-B000001 P01-2222222-2222222-C000001
P01-3333333-3333333-B000001 -
P01-4444444-4444444-A000001 -
P01-5555555-5555555-D000001 -
EOF
expect_same "each case names its one capture, or none" "$T_TMP/want" "$T_TMP/got"

# Within a longer lookback the old capture is the one.
run env SETTLE_LOOKBACK_DAYS=200 "$SETTLE" reconcile --date 2026-03-10
expect_rc "reconcile again, longer lookback" 0
expect_match "an open case is left as it was" \
    "$(psql -X -At -c "SELECT coalesce(capture_id, '-') FROM settle.dispute
                       WHERE case_id = 'P01-4444444-4444444-A000001'")" '^-$'
psql -X -q -c "DELETE FROM settle.dispute"
run env SETTLE_LOOKBACK_DAYS=200 "$SETTLE" reconcile --date 2026-03-10
expect_match "a capture within the lookback is named" \
    "$(psql -X -At -c "SELECT capture_id FROM settle.dispute
                       WHERE case_id = 'P01-4444444-4444444-A000001'")" \
    '^P01-4444444-4444444-C000001$'

finish
