#!/bin/sh
# settlement_props.sh: the balance invariants of the tie-out and the
# period statement as properties over the bench generator's data
# (tests/bench/gen.c, N = 100,000 lines over 5 dates, 4 currencies), run
# through `settle run` against a real PostgreSQL:
#   - every settlement ties (the generator pays out the whole balance at
#     the top of each report), its check column is 0, and each chained
#     settlement opens with its predecessor's closing;
#   - the categories of settle.settlement_total add up to the nets of its
#     lines, per settlement;
#   - the period statement's Days nets add up to its Summary totals, and
#     its consolidated net is the sum of the daily ones;
#   - the period's journal balances, journal by journal, in the settlement's
#     and the reporting currency, and moves each settlement's clearing and
#     bank accounts by its activity and transfer (tests/journal_check.py);
#   - one transfer changed by one cent makes exactly that settlement
#     settlement_out_of_balance by that cent (so the property can fail).
# SETTLE_PROPS_N changes N.
. "$(dirname "$0")/../lib.sh"

N=${SETTLE_PROPS_N:-100000}
seller=A1BENCHSELLER0
gen=$T_TMP/gen
data=$T_TMP/data
if ! cc -O2 -std=c11 -o "$gen" "$TOP/tests/bench/gen.c" 2>"$T_TMP/cc.err"; then
    fail "the generator compiles" "$(cat "$T_TMP/cc.err")"
    finish
    exit 1
fi
if "$gen" --seed 11 --lines "$N" --days 5 --out "$data" >/dev/null; then
    ok "the generator writes $N lines"
else
    fail "the generator writes $N lines"
    finish
    exit 1
fi
own_database settle_props
{
    echo "seller_id = $seller"
    echo "database = dbname=$T_DB"
    echo "archive_dir = $T_TMP/archive"
    echo "out_dir = $T_TMP/out"
    echo "reporting_currency = EUR"
    echo "timezone = UTC"
} > "$T_TMP/p.conf"
export SETTLE_CONFIG="$T_TMP/p.conf"
# The ledger as the bench keeps it: a plain indexed table behind the view.
psql -q -v ON_ERROR_STOP=1 -f "$TOP/tests/bench/ledger.sql" \
    <"$data/ledger.csv" >/dev/null &&
    "$SETTLE" -q fx import "$data/eurofxref.csv"
[ $? -eq 0 ] && ok "ledger and rates loaded" || fail "ledger and rates loaded"
dates=$(ls "$data/reports" | cut -c1-10 | LC_ALL=C sort -u)
D1=$(echo "$dates" | head -1)
D2=$(echo "$dates" | tail -1)
run "$SETTLE" -q run --from "$D1" --to "$D2" --source "dir:$data/reports"
expect_rc "settle run $D1..$D2 over $N lines" 0

q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

n=$(q "SELECT count(*) FROM settle.recon_settlement")
[ "$n" -ge 16 ] && ok "$n settlements tied out" || fail "settlements tied out" "$n"
expect_match "every settlement ties" \
    "$(q "SELECT count(*) FILTER (WHERE tie_out <> 'ties') FROM settle.recon_settlement")" '^0$'
expect_match "no settlement_out_of_balance result" \
    "$(q "SELECT count(*) FROM settle.recon_result WHERE status = 'settlement_out_of_balance'")" '^0$'
expect_match "the categories add up to the nets of the lines" \
    "$(q "SELECT count(*) FROM settle.settlement_total t
          WHERE t.sales + t.refunds + t.chargebacks + t.reserve_released
                + t.reserve_held + t.adjustments + t.debt + t.carryover
                + t.other + t.fees + t.transfer <> t.net
             OR t.net <> (SELECT sum(l.net) FROM settle.settlement_line l
                          WHERE l.settlement_id = t.settlement_id
                            AND l.currency = t.currency)
             OR t.lines <> (SELECT count(*) FROM settle.settlement_line l
                            WHERE l.settlement_id = t.settlement_id
                              AND l.currency = t.currency)")" '^0$'
expect_match "each chained settlement opens with its predecessor's closing" \
    "$(q "SELECT count(*) FROM settle.recon_settlement s
          JOIN settle.recon_settlement p ON p.settlement_id = s.opening_from
                                        AND p.currency = s.currency
          WHERE s.opening <> p.closing")" '^0$'
expect_match "every settlement after the first of its currency is chained" \
    "$(q "SELECT count(*) FROM settle.recon_settlement s
          WHERE s.opening_from IS NULL
            AND s.business_date > (SELECT min(business_date)
                                   FROM settle.recon_settlement)")" '^0$'

# The period statement over the same dates.
run "$SETTLE" -q report --from "$D1" --to "$D2"
expect_rc "the period statement" 0
P=$T_TMP/out/$seller/period/${D1}_$D2
tr -d '\r' < "$P/summary.csv" | sed '1s/^\xef\xbb\xbf//' > "$T_TMP/sum.csv"
tr -d '\r' < "$P/days.csv" | sed '1s/^\xef\xbb\xbf//' > "$T_TMP/days.csv"
tr -d '\r' < "$P/settlements.csv" | sed '1s/^\xef\xbb\xbf//' > "$T_TMP/set.csv"
run /usr/bin/python3 - "$T_TMP/sum.csv" "$T_TMP/days.csv" "$T_TMP/set.csv" \
    "$T_TMP/out/$seller" "$D1" "$D2" <<'PYEOF'
import csv, decimal, os, sys
D = decimal.Decimal
summary = list(csv.DictReader(open(sys.argv[1])))
days = list(csv.DictReader(open(sys.argv[2])))
sets = list(csv.DictReader(open(sys.argv[3])))
bad = []
for ccy in sorted({d["Currency"] for d in days}):
    total = [r for r in summary if r["Currency"] == ccy and r["Kind"] == "total"][0]
    for col in ("Lines", "Amount", "Net"):
        s = sum(D(d[col]) for d in days if d["Currency"] == ccy)
        if s != D(total[col]):
            bad.append("%s %s: days %s, summary %s" % (ccy, col, s, total[col]))
cons = [r for r in summary if r["Kind"] == "consolidated"][0]
daily = D(0)
for d in sorted({d["Date"] for d in days}):
    with open(os.path.join(sys.argv[4], d, "summary.csv"), encoding="utf-8-sig") as f:
        daily += D([r for r in csv.DictReader(f) if r["Kind"] == "consolidated"][0]
                   ["Net (reporting currency)"])
if daily != D(cons["Net (reporting currency)"]):
    bad.append("consolidated: days %s, period %s" % (daily, cons["Net (reporting currency)"]))
for s in sets:
    if D(s["Check"]) != 0 or D(s["Opening balance"]) + D(s["Activity"]) + \
            D(s["Transfer"]) != D(s["Closing balance"]):
        bad.append("settlement %s does not add up" % s["Settlement id"])
print("\n".join(bad) if bad else "all hold: %d days, %d settlements" % (len(days), len(sets)))
PYEOF
expect_match "Days, Summary, consolidated and settlement columns add up" "$OUT" "^all hold: "

# The journal: every journal balances in both currencies, and each
# settlement moves clearing by its activity and the bank by its transfer;
# one journal per settlement and month.
run python3 "$TOP/tests/journal_check.py" "$P/journal.csv" "$P/settlements.csv"
expect_rc "every journal balances and ties to its settlement" 0
expect_match "one journal per settlement and month" "$OUT" \
    "^ok $(q "SELECT count(*) FROM settle.settlement_part p
               JOIN settle.settlement_total t
               USING (seller_id, settlement_id, currency)
               WHERE t.business_date BETWEEN '$D1' AND '$D2'") journals, "

# One cent off: the property must be able to fail.
sid=$(q "SELECT s.settlement_id FROM settle.recon_settlement s
         JOIN settle.settlement_total t USING (seller_id, settlement_id, currency)
         WHERE s.business_date = '$D2' AND t.transfer <> 0 AND s.currency = 'USD'")
q "UPDATE settle.settlement_line SET amount = amount - 1, net = net - 1
   WHERE kind = 'transfer' AND settlement_id = '$sid';
   DELETE FROM settle.settlement_total WHERE settlement_id = '$sid'" >/dev/null
run "$SETTLE" reconcile --date "$D2"
expect_rc "reconcile with one transfer a cent off" 0
expect_match "exactly that settlement is out of balance by the cent" \
    "$(q "SELECT string_agg(reference || ':' || settlement_amount, ' ')
          FROM settle.recon_result WHERE status = 'settlement_out_of_balance'")" "^$sid:-1\$"
finish
