#!/bin/sh
# run_catchup.sh: `settle run` without dates catches up missed nights,
# against a real PostgreSQL: from first_date on the first run, stopping at
# the first failing date with its exit code (the failure injected, then
# removed), from the day after the last closed date on the next, nothing
# when every date is closed, back to a failed date that a date closed by
# hand overtook (without running the closed ones again), catchup_max_days dates at most per run, the
# gauge settle_unclosed_dates, and the warning about old unclosed dates.
# The dates are relative to today, and have no reports: such a date closes
# empty.
. "$(dirname "$0")/../lib.sh"

own_database settle_catchup SELLER1
run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/sql/ledger/reference.sql"
expect_rc "reference ledger loads" 0
mkdir -p "$T_TMP/reports"
export SETTLE_ARCHIVE_DIR="$T_TMP/archive" SETTLE_OUT_DIR="$T_TMP/out"
export SETTLE_METRICS_FILE="$T_TMP/settle.prom" SETTLE_TIMEZONE=UTC
SRC="dir:$T_TMP/reports"

day() { date -u -d "$1" +%F; }
Y=$(day yesterday)
D5=$(day '5 days ago')
D4=$(day '4 days ago')
statuses() {
    psql -X -q -At -c "SELECT string_agg(business_date || '=' || status,
                                          ' ' ORDER BY business_date)
                       FROM settle.run WHERE seller_id = 'SELLER1'"
}
summaries() { printf '%s\n' "$OUT" | grep -c '^SELLER1 .*: 0 lines, '; }
gauge() { sed -n 's/^settle_unclosed_dates{seller="SELLER1"} //p' "$T_TMP/settle.prom"; }

# ------------------------------------------------ a failed first night
# The ledger view is gone: the first date's reconcile fails (exit 78).
psql -X -q -c "ALTER VIEW settle.ledger_entry RENAME TO ledger_entry_off"
run env SETTLE_FIRST_DATE="$D5" "$SETTLE" run --source "$SRC"
expect_rc "a failing date stops the catch-up with its code" 78
expect_match "and says why, for which date" "$ERR" "error: $D5: reconcile: the ledger view settle.ledger_entry does not exist"
expect_match "nothing after it was run" "$(statuses)" "^$D5=failed$"
expect_match "the gauge counts the failed date and every one after it" \
    "$(gauge)" '^5$'

# ------------------------------------------------ the next night
psql -X -q -c "ALTER VIEW settle.ledger_entry_off RENAME TO ledger_entry"
run env SETTLE_FIRST_DATE="$D5" "$SETTLE" run --source "$SRC"
expect_rc "the next run catches up" 0
expect_match "it says what it catches up" "$ERR" \
    "catching up 5 dates from $D5 to $Y"
expect_match "one summary line per date" "$(summaries)" '^5$'
expect_match "the first summary is the oldest date" \
    "$(printf '%s\n' "$OUT" | head -1)" "^SELLER1 $D5: "
expect_match "every date up to yesterday is closed" "$(statuses)" \
    "^$D5=reported $D4=reported .* $Y=reported$"
expect_match "nothing is left unclosed" "$(gauge)" '^0$'

# ------------------------------------------------ nothing to do
cp "$T_TMP/settle.prom" "$T_TMP/before.prom"
run "$SETTLE" run --source "$SRC"
expect_rc "a run with every date closed exits 0" 0
expect_match "and says so" "$ERR" "every date up to $Y is closed"
expect_match "without running a date" "$(summaries)" '^0$'
expect_same "the metrics of the last run stay" "$T_TMP/before.prom" \
    "$T_TMP/settle.prom"

# ------------------------------------------------ a failed date overtaken
# D3 fails when run by hand again; the dates after it stay closed. The
# next catch-up closes D3 and does not run the closed dates again.
D3=$(day '3 days ago')
D2=$(day '2 days ago')
psql -X -q -c "ALTER VIEW settle.ledger_entry RENAME TO ledger_entry_off"
run "$SETTLE" run --date "$D3" --source "$SRC"
expect_rc "a date run again by hand fails" 78
psql -X -q -c "ALTER VIEW settle.ledger_entry_off RENAME TO ledger_entry"
cp "$T_TMP/out/SELLER1/$D2/manifest.json" "$T_TMP/d2.json"
run "$SETTLE" run --source "$SRC"
expect_rc "the catch-up goes back for the failed date" 0
expect_match "it closes it" "$(statuses)" "$D3=reported $D2=reported"
expect_match "and says the later ones are closed already" "$ERR" \
    "$D2: closed already"
expect_same "a closed date is not run again (same manifest, same cutoff)" \
    "$T_TMP/d2.json" "$T_TMP/out/SELLER1/$D2/manifest.json"
expect_match "nothing is left unclosed then" "$(gauge)" '^0$'

# ------------------------------------------------ a long gap, bounded
psql -X -q -c "DELETE FROM settle.run WHERE seller_id = 'SELLER1'"
D70=$(day '70 days ago')
run env SETTLE_FIRST_DATE="$D70" SETTLE_CATCHUP_MAX_DAYS=2 \
    "$SETTLE" run --source "$SRC"
expect_rc "a bounded catch-up exits 0" 0
expect_match "it closes the oldest catchup_max_days dates" "$(statuses)" \
    "^$D70=reported $(day '69 days ago')=reported$"
expect_match "and warns that more remain" "$ERR" \
    "70 dates are not closed; this run closes the oldest 2 \\(catchup_max_days\\)"
expect_match "and that the oldest is close to Amazon's 90 days" "$ERR" \
    "the oldest unclosed date, $D70, is 70 days old"
expect_match "the gauge says how many remain" "$(gauge)" '^68$'

# ------------------------------------------------ a bad first_date
run env SETTLE_FIRST_DATE=2026-02-30 "$SETTLE" run --source "$SRC"
expect_rc "an impossible first_date exits 78" 78
expect_match "naming the setting" "$ERR" "invalid first_date '2026-02-30'"

finish
