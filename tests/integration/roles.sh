#!/bin/sh
# roles.sh: the least-privilege roles of sql/roles.sql, against a real
# PostgreSQL, on the demo sample: `settle db migrate --roles` creates them
# (twice: it is idempotent); the nightly job runs as settle_job and cannot
# write the ledger, not even through the view; settle_reader reads the
# results and cannot write them; settle_auditor reruns a date (identical)
# and its own sessions cannot write.
. "$(dirname "$0")/../lib.sh"

demo="$TOP/testdata/demo"
own_database settle_roles
conf=$T_TMP/settle.conf
{
    cat "$demo/settle.conf"
    echo "database = dbname=$T_DB"
    echo "archive_dir = $T_TMP/archive"
    echo "out_dir = $T_TMP/out"
    echo "metrics_file = $T_TMP/settle.prom"
} > "$conf"
demo_books "$conf" "$T_DB" >/dev/null 2>&1
run "$SETTLE" --config "$conf" db migrate --roles
expect_rc "db migrate --roles exits 0" 0
expect_match "and says what it granted" "$ERR" \
    "roles settle_job, settle_reader and settle_auditor granted"
run "$SETTLE" --config "$conf" db migrate --roles
expect_rc "a second db migrate --roles exits 0" 0
# The ledger view is the merchant's: its grant is theirs to give.
psql -X -q -c "GRANT SELECT ON settle.ledger_entry TO settle_job, settle_auditor"

as() { r=$1; shift; run env PGUSER="$r" "$@"; }
sql_as() { as "$1" psql -X -q -At -v ON_ERROR_STOP=1 -d "$T_DB" -c "$2"; }

# ---------------------------------------------------------------- the job
as settle_job "$SETTLE" --config "$conf" run --from 2026-03-02 \
    --to 2026-03-04 --source "dir:$demo/reports"
expect_rc "the nightly job runs as settle_job" 0
expect_match "and closes the dates" \
    "$(psql -X -At -c "SELECT string_agg(status, ',' ORDER BY business_date)
                       FROM settle.run")" '^reported,reported,reported$'
sql_as settle_job "INSERT INTO ledger.journal (journal_id, kind, currency,
    booked_at) VALUES ('X', 'capture', 'USD', now())"
expect_match "settle_job cannot write the ledger's tables" "$ERR" \
    'permission denied for (schema ledger|table journal)'
expect_match "nor through the ledger view: it may only read it" \
    "$(psql -X -At -c "SELECT string_agg(p || '=' || has_table_privilege(
                              'settle_job', 'settle.ledger_entry', p), ',')
                       FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE',
                                         'DELETE']) p")" \
    '^SELECT=true,INSERT=false,UPDATE=false,DELETE=false$'
sql_as settle_job "CREATE TABLE settle.x (i int)"
expect_match "nor change settle's schema" "$ERR" \
    'permission denied for schema settle'

# ---------------------------------------------------------------- the reader
sql_as settle_reader "SELECT count(*) > 0 FROM settle.recon_result"
expect_match "settle_reader reads the results" "$OUT" '^t$'
sql_as settle_reader "DELETE FROM settle.recon_result"
expect_match "and cannot delete them" "$ERR" \
    'permission denied for table recon_result'
sql_as settle_reader "SELECT count(*) FROM ledger.journal"
expect_match "nor read the ledger's tables" "$ERR" \
    'permission denied for (schema ledger|table journal)'

# ---------------------------------------------------------------- the auditor
as settle_auditor "$SETTLE" --config "$conf" rerun --date 2026-03-03 \
    --out "$T_TMP/rerun"
expect_rc "settle_auditor reruns a date" 0
expect_match "and it is identical" "$OUT" '^identical$'
sql_as settle_auditor "SELECT count(*) > 0 FROM settle.recon_entry_use"
expect_match "settle_auditor reads everything" "$OUT" '^t$'
sql_as settle_auditor "DELETE FROM settle.recon_result"
expect_match "its sessions cannot write" "$ERR" \
    'cannot execute DELETE in a read-only transaction'
expect_match "and the rerun changed nothing" \
    "$(psql -X -At -c "SELECT count(*) FROM settle.run
                       WHERE status = 'reported'")" '^3$'

finish
