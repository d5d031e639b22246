#!/bin/sh
# reconcile.sh: `settle reconcile` against a real PostgreSQL: every status
# on a hand-made scenario (testdata/reconcile/scenario.sql), dispute cases,
# idempotency, the as-of rule and --new-cutoff, the advisory lock, a run
# killed with SIGKILL mid-transaction, the ledger contract checks, and the
# exit codes for an unreachable database and a missing privilege.
# Uses its own database (and role), dropped at the end.
. "$(dirname "$0")/../lib.sh"

DB=settle_recon_$$
ROLE=settle_recon_ro_$$
BG_PIDS=
cleanup() {
    for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
    dropdb --if-exists --force "$DB" >/dev/null 2>&1
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1
    rm -rf "$T_TMP"
}
trap cleanup EXIT

if ! createdb "$DB" 2>"$T_TMP/createdb.err"; then
    fail "createdb $DB" "$(cat "$T_TMP/createdb.err")"
    finish
    exit 1
fi
export PGDATABASE="$DB"
unset SETTLE_CONFIG SETTLE_DATABASE
export SETTLE_SELLER_ID=SELLER1 SETTLE_TOLERANCE=EUR:1 SETTLE_TIMEZONE=UTC
export SETTLE_UNSETTLED_GRACE_DAYS=3 SETTLE_LOOKBACK_DAYS=120
D=2026-03-10

q() {
    psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# results of a date, every column, in a total order
dump() {
    q "SELECT status, match_rule, source_sha256, source_line, kind, currency,
              minor_units, amazon_transaction_id, reference, entry_id,
              entry_ids, settlement_amount, settlement_fee, ledger_amount,
              ledger_fee, reason
       FROM settle.recon_result
       WHERE seller_id = 'SELLER1' AND business_date = '$1'
       ORDER BY source_sha256, source_line, entry_id"
}

# ---------------------------------------------------------------- usage
run "$SETTLE" reconcile --help
expect_rc "help exits 0" 0
expect_match "help shows usage" "$OUT" "usage: settle reconcile --date D"
run "$SETTLE" reconcile
expect_rc "missing --date is a usage error" 64
run "$SETTLE" reconcile --date 2026-02-30
expect_rc "bad date is a usage error" 64
run "$SETTLE" reconcile --bogus
expect_rc "unknown option is a usage error" 64
run env SETTLE_SELLER_ID= "$SETTLE" reconcile --date "$D"
expect_rc "no seller_id exits 78" 78
expect_match "no seller_id is named" "$ERR" "seller_id"

# ---------------------------------------------------------------- setup
run "$SETTLE" db migrate
expect_rc "db migrate" 0
run "$SETTLE" reconcile --date "$D"
expect_rc "no ledger view exits 78" 78
expect_match "no ledger view is named" "$ERR" "settle.ledger_entry does not exist"
run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql"
expect_rc "reference ledger loads" 0
run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql"
expect_rc "reference ledger loads again" 0
run psql -X -q -v ON_ERROR_STOP=1 -o /dev/null \
    -f "$TOP/testdata/reconcile/scenario.sql"
expect_rc "scenario loads" 0
run q "UPDATE ledger.journal SET memo = 'x' WHERE journal_id = 'L1'"
if [ "$RC" -ne 0 ] && printf '%s' "$ERR" | grep -q "append-only"; then
    ok "reference ledger refuses UPDATE"
else
    fail "reference ledger refuses UPDATE" "rc=$RC $ERR"
fi

# A time zone the database does not know is a configuration error (78),
# named, and nothing is written.
run env SETTLE_TIMEZONE=Nowhere/Bad "$SETTLE" reconcile --date 2026-03-03
expect_rc "unknown timezone exits 78" 78
expect_match "unknown timezone is named" "$ERR" "timezone 'Nowhere/Bad'"
expect_match "no results for the bad run" \
    "$(q "SELECT count(*) FROM settle.recon_result")" "^0$"

# ---------------------------------------------------------------- statuses
run "$SETTLE" reconcile --date 2026-03-03
expect_rc "reconcile 2026-03-03" 0
run "$SETTLE" reconcile --date "$D"
expect_rc "reconcile $D" 0
expect_match "log names results and exceptions" "$ERR" \
    "reconciled $D: 24 results, 10 exceptions"

# line (or ledger entry) -> status|rule|entry|settlement|ledger|ledger fee
q "SELECT coalesce(source_line::text, entry_id), status, match_rule,
          coalesce(entry_id, '-'), coalesce(settlement_amount::text, '-'),
          coalesce(ledger_amount::text, '-'), coalesce(ledger_fee::text, '-')
   FROM settle.recon_result
   WHERE seller_id = 'SELLER1' AND business_date = '$D'
   ORDER BY source_line NULLS LAST, entry_id" > "$T_TMP/got"
cat > "$T_TMP/want" <<'EOF'
2|matched|key|L1|10000|10000|-290
3|matched|reference|L2|5000|5000|-
4|matched|reference|L3|3000|10000|-
5|matched|reference|L3|7000|-|-
6|matched_within_tolerance|key|L4|2000|2001|-60
7|amount_mismatch|key|L5|1000|999|-30
8|fee_mismatch|key|L6|4000|4000|-130
9|missing_in_ledger|none|-|1500|-|-
10|duplicate_in_settlement|duplicate|-|2500|-|-
11|amount_mismatch|key|L17|1000|-|-30
12|payout_matched|payout|L11|-50000|-50000|-
13|payout_mismatch|payout|L12|-20000|-19900|-
14|not_applicable|none|-|-5000|-|-
15|not_applicable|none|-|1000|-|-
16|not_applicable|none|-|0|-|-
17|unknown_type|none|-|100|-|-
18|matched|key|L15|-10000|-10000|-
19|matched|reference|L16|-2000|-2000|-
20|matched|reference|L21A|6000|6000|-
21|matched|key|L22A|3000|3000|-
L10|in_transit|none|L10|-|-1200|-
L22B|missing_in_settlement|none|L22B|-|3000|-
L9|missing_in_settlement|none|L9|-|1100|-
|settlement_out_of_balance|tie_out|-|-13615|-|-
EOF
expect_same "every status on the scenario" "$T_TMP/want" "$T_TMP/got"
# S0310 starts where S0303 ended: it opens with S0303's closing (S0303 has
# no payout), and its USD transfer of -500.00 leaves -136.15.
expect_match "the chained settlement's payout does not tie" \
    "$(q "SELECT reason FROM settle.recon_result WHERE business_date = '$D'
          AND status = 'settlement_out_of_balance'")" \
    '^settlement S0310: the payout left -136\.15 USD in the balance \(opening [0-9.]+ from settlement S0303\)'


reason() {
    q "SELECT reason FROM settle.recon_result WHERE business_date = '$D'
       AND seller_id = 'SELLER1' AND $1"
}
expect_match "amount mismatch reason" "$(reason 'source_line = 7')" \
    '^ledger 9\.99 vs settlement 10\.00$'
expect_match "fee mismatch reason" "$(reason 'source_line = 8')" \
    '^ledger fee -1\.30 vs settlement fee -1\.20$'
expect_match "inexact ledger amount reason" "$(reason 'source_line = 11')" \
    'ledger amount 10\.005 is not a whole number of USD minor units'
expect_match "tolerance reason" "$(reason 'source_line = 6')" \
    'within tolerance 0\.01 EUR: ledger 20\.01 vs settlement 20\.00'
expect_match "split capture reason" "$(reason 'source_line = 5')" \
    'reference ORD-3: 2 settlement lines, 1 ledger entry'
expect_match "reverse split lists both entries" \
    "$(q "SELECT entry_ids FROM settle.recon_result
          WHERE business_date = '$D' AND source_line = 20")" '^\{L21A,L21B\}$'
expect_match "reverse split reason" "$(reason 'source_line = 20')" \
    'reference ORD-21: 1 settlement line, 2 ledger entries'
expect_match "duplicate names the first report" "$(reason 'source_line = 10')" \
    'already settled in report bbbbbbbbbbbb line 2 \(settlement S0303\)'
expect_match "payout mismatch reason" "$(reason 'source_line = 13')" \
    'ledger payout L12 -199\.00 vs settlement transfer -200\.00'
expect_match "missing in settlement reason" "$(reason "entry_id = 'L9'")" \
    'booked 2026-03-01 \(9 days before the date\)'
expect_match "other seller's entry is invisible" \
    "$(q "SELECT count(*) FROM settle.recon_result WHERE entry_id = 'L7OTHER'")" '^0$'
expect_match "separately booked fee is explained" \
    "$(q "SELECT count(*) FROM settle.recon_result WHERE entry_id = 'L1FEE'")" '^0$'
expect_match "separately booked fee is explained by reference" \
    "$(q "SELECT count(*) FROM settle.recon_result WHERE entry_id = 'L2FEE'")" '^0$'
expect_match "2026-03-03 matched its capture" \
    "$(q "SELECT status || '|' || entry_id FROM settle.recon_result
          WHERE business_date = '2026-03-03' AND source_line = 2")" \
    '^matched\|L8$'
expect_match "run row is reconciled with the tool version" \
    "$(q "SELECT status || '|' || tool_version || '|' || cutoff_moved
          FROM settle.run WHERE business_date = '$D'")" \
    '^reconciled\|[0-9]+\.[0-9]+\.[0-9]+\|false$'

# ---------------------------------------------------------------- disputes
q "SELECT case_id, kind, coalesce(capture_id, '-'), order_reference,
          opened_date, respond_by, respond_by_estimated, amount
   FROM settle.dispute ORDER BY case_id" > "$T_TMP/got"
cat > "$T_TMP/want" <<'EOF'
P01-1000001-1000001-B000001|chargeback|P01-1000001-1000001-C000001|P01-1000001-1000001|2026-03-10|2026-03-20|t|-10000
P01-2000000-2000000-A000001|atoz_claim|-|P01-2000000-2000000|2026-03-10|2026-03-16|t|-2000
EOF
expect_same "dispute cases opened" "$T_TMP/want" "$T_TMP/got"

# ---------------------------------------------------------------- idempotency
dump "$D" > "$T_TMP/first"
cutoff1=$(q "SELECT ledger_cutoff FROM settle.run WHERE business_date = '$D'")
run "$SETTLE" reconcile --date "$D"
expect_rc "reconcile again" 0
dump "$D" > "$T_TMP/second"
expect_same "second run, same results" "$T_TMP/first" "$T_TMP/second"
expect_match "no duplicate dispute cases" \
    "$(q "SELECT count(*) FROM settle.dispute")" '^2$'
expect_match "cutoff kept" \
    "$(q "SELECT ledger_cutoff = '$cutoff1' FROM settle.run
          WHERE business_date = '$D'")" '^t$'

# ---------------------------------------------------------------- as of
q "SELECT ledger.book('L7', 'capture', 'P01-1000007-1000007-C000008',
       'ORD-7', 'USD', '2026-03-08 09:00Z', 15.00)" >/dev/null
run "$SETTLE" reconcile --date "$D"
expect_rc "rerun after a late ledger row" 0
dump "$D" > "$T_TMP/third"
expect_same "a row recorded after the cutoff changes nothing" \
    "$T_TMP/first" "$T_TMP/third"
run "$SETTLE" reconcile --date "$D" --new-cutoff
expect_rc "rerun with --new-cutoff" 0
expect_match "--new-cutoff sees the late row" \
    "$(q "SELECT status || '|' || entry_id FROM settle.recon_result
          WHERE business_date = '$D' AND source_line = 9")" '^matched\|L7$'
expect_match "--new-cutoff is recorded" \
    "$(q "SELECT cutoff_moved AND ledger_cutoff > '$cutoff1'
          FROM settle.run WHERE business_date = '$D'")" '^t$'
dump "$D" > "$T_TMP/moved"

# ---------------------------------------------------------------- later date
run "$SETTLE" reconcile --date 2026-03-17
expect_rc "reconcile a later date without lines" 0
expect_match "a date without lines is a warning" "$ERR" \
    "warning: no settlement lines for 2026-03-17"
expect_match "only unexplained entries are missing a week later" \
    "$(q "SELECT string_agg(entry_id || ':' || status, ',' ORDER BY entry_id)
          FROM settle.recon_result WHERE business_date = '2026-03-17'")" \
    '^L10:missing_in_settlement,L22B:missing_in_settlement,L9:missing_in_settlement$'

# ---------------------------------------------------------------- the lock
days=$(q "SELECT '$D'::date - '1970-01-01'::date")
psql -X -q -At -c "SELECT pg_advisory_lock(hashtext('SELLER1'), $days)" \
    -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
BG_PIDS="$BG_PIDS $holder"
i=0
while [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
              AND objid = $days AND granted")" != 1 ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
start=$(date +%s)
run "$SETTLE" reconcile --date "$D"
took=$(($(date +%s) - start))
expect_rc "second run while the lock is held exits 75" 75
expect_match "lock message" "$ERR" "holds the lock"
if [ "$took" -le 3 ]; then ok "lock refusal is immediate"; else
    fail "lock refusal is immediate" "took ${took}s"; fi
run "$SETTLE" reconcile --date 2026-03-03
expect_rc "another date is not locked" 0
q "SELECT pg_terminate_backend(pid) FROM pg_locks
   WHERE locktype = 'advisory' AND objid = $days" >/dev/null
wait "$holder" 2>/dev/null

# ---------------------------------------------------------------- SIGKILL
# Block the run after it deleted the date's results (at the dispute insert),
# kill it, and check that the results are the committed ones.
psql -X -q -At -c "BEGIN" \
    -c "LOCK TABLE settle.dispute IN EXCLUSIVE MODE" \
    -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
blocker=$!
BG_PIDS="$BG_PIDS $blocker"
i=0
while [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c
              ON c.oid = l.relation WHERE c.relname = 'dispute'
              AND l.mode = 'ExclusiveLock' AND l.granted")" != 1 ] &&
    [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
"$SETTLE" reconcile --date "$D" >/dev/null 2>&1 &
victim=$!
i=0
while [ "$(q "SELECT count(*) FROM pg_stat_activity
              WHERE datname = '$DB' AND wait_event_type = 'Lock'
              AND query LIKE '%insert_recon_disputes.sql%'
              AND pid <> pg_backend_pid()")" != 1 ] &&
    [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ $i -lt 100 ]; then ok "run blocked after deleting its results"; else
    fail "run blocked after deleting its results"; fi
kill -9 "$victim"
wait "$victim" 2>/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
   WHERE datname = '$DB' AND query LIKE '%pg_sleep(60)%'
   AND pid <> pg_backend_pid()" >/dev/null
wait "$blocker" 2>/dev/null
i=0
while [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB'
              AND query LIKE '%insert_recon_disputes.sql%'
              AND pid <> pg_backend_pid()")" != 0 ] &&
    [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
dump "$D" > "$T_TMP/after_kill"
expect_same "SIGKILL mid-transaction leaves the results intact" \
    "$T_TMP/moved" "$T_TMP/after_kill"
run "$SETTLE" reconcile --date "$D"
expect_rc "a run after the killed one succeeds" 0

# ---------------------------------------------------------------- contract
q "DROP VIEW settle.ledger_entry"
q "CREATE VIEW settle.ledger_entry AS SELECT journal_id AS entry_id,
       recorded_at, booked_at, kind, provider_transaction_id,
       order_reference, currency, 0::numeric AS amount FROM ledger.journal"
run "$SETTLE" reconcile --date "$D"
expect_rc "view without fee exits 78" 78
expect_match "missing column is named" "$ERR" "no column 'fee'"
q "DROP VIEW settle.ledger_entry"
q "CREATE VIEW settle.ledger_entry AS SELECT journal_id AS entry_id,
       recorded_at, booked_at, kind, provider_transaction_id,
       order_reference, currency, '1.00'::text AS amount,
       NULL::numeric AS fee FROM ledger.journal"
run "$SETTLE" reconcile --date "$D"
expect_rc "view with a text amount exits 78" 78
expect_match "wrong type is named" "$ERR" "column 'amount' is text, want numeric"
q "DROP VIEW settle.ledger_entry"
q "CREATE VIEW settle.ledger_entry AS SELECT journal_id AS entry_id,
       recorded_at::timestamp AS recorded_at, booked_at, kind,
       provider_transaction_id, order_reference, currency, 0::numeric AS amount,
       NULL::numeric AS fee FROM ledger.journal"
run "$SETTLE" reconcile --date "$D"
expect_rc "view with a timestamp without zone exits 78" 78
expect_match "timestamp column is named" "$ERR" "column 'recorded_at'"
q "DROP VIEW settle.ledger_entry"
psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql" >/dev/null
expect_same "results untouched by refused runs" "$T_TMP/moved" \
    "$(dump "$D" > "$T_TMP/now"; echo "$T_TMP/now")"

# a view without the optional seller_id column reads every row
q "DROP VIEW settle.ledger_entry"
q "CREATE VIEW settle.ledger_entry AS SELECT journal_id AS entry_id,
       recorded_at, booked_at, kind, provider_transaction_id,
       order_reference, currency, amount, fee
   FROM (SELECT j.*, p.balance - coalesce(p.fee, 0) AS amount, p.fee
         FROM ledger.journal j
         JOIN (SELECT journal_id,
                      sum(amount) FILTER (WHERE account = 'amazon_pay')
                          AS balance,
                      -sum(amount) FILTER (WHERE account = 'amazon_pay_fees')
                          AS fee
               FROM ledger.posting GROUP BY journal_id) p USING (journal_id)) x"
run "$SETTLE" reconcile --date "$D"
expect_rc "view without seller_id" 0
expect_match "without seller_id another seller's entry is read" \
    "$(q "SELECT count(*) FROM settle.recon_result
          WHERE business_date = '$D' AND entry_id = 'L7OTHER'")" '^1$'
q "DROP VIEW settle.ledger_entry"
psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql" >/dev/null

# ---------------------------------------------------------------- privilege
q "CREATE ROLE $ROLE LOGIN;
   GRANT USAGE ON SCHEMA settle TO $ROLE;
   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA settle
       TO $ROLE;
   REVOKE SELECT ON settle.ledger_entry FROM $ROLE"
run env SETTLE_DATABASE="user=$ROLE" "$SETTLE" reconcile --date "$D"
expect_rc "no SELECT on the view exits 77" 77
expect_match "privilege message" "$ERR" "permission denied"

# ---------------------------------------------------------------- unreachable
run env SETTLE_DATABASE="host=$T_TMP/nowhere port=1" "$SETTLE" reconcile \
    --date "$D"
expect_rc "unreachable database exits 69" 69
expect_match "libpq's message" "$ERR" "cannot connect to the database: .*nowhere"

finish
