#!/bin/sh
# kill9_api.sh: kill9.sh's promise through the API. `settle run --source
# api` over the demo's three dates, against the stand-in serving the demo's
# reports, payouts, disputes and charges, killed with SIGKILL at
# FAULT_API_KILLS points (default 3/10 of FAULT_KILLS: 15 in make check,
# 90 in make faults; one drawn by FAULT_SEED from each
# equal slice of the points an uninterrupted run passes: the reports and
# Amazon's answers archived and recorded, every statement and published
# file), then run again. Every time: the same bytes as the uninterrupted
# run, the same rows (lines, results, and what Amazon answered) and no
# temporary file left behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faults.inc"

kills=${FAULT_API_KILLS:-$((${FAULT_KILLS:-50} * 3 / 10))}
seed=${FAULT_SEED:-1}
STANDIN=$BUILD/bin/amazon-pay-standin
KEYS=$TOP/testdata/keys
standin_pid=
trap '[ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null; rm -rf "$T_TMP"' EXIT

"$STANDIN" --reports "$REPORTS" --public-key "$KEYS/test-only-public.pem" \
    --port 0 --port-file "$T_TMP/port" --log "$T_TMP/standin.log" \
    >/dev/null &
standin_pid=$!
i=0
while [ ! -s "$T_TMP/port" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ ! -s "$T_TMP/port" ]; then
    fail "the stand-in starts"
    finish
    exit 1
fi
cp "$KEYS/test-only-private.pem" "$T_TMP/key.pem"
chmod 600 "$T_TMP/key.pem"

# api_db NAME: fault_db NAME, configured for the stand-in.
api_db() {
    fault_db "$1" || return 1
    {
        echo "api_base_url = http://127.0.0.1:$(cat "$T_TMP/port")/live"
        echo "public_key_id = TESTKEY01"
        echo "private_key_file = $T_TMP/key.pem"
    } >>"$F_CONF"
}

# api_run [ENV=VALUE...]: the nightly job over the three dates, from the API.
api_run() {
    run env "$@" "$SETTLE" --config "$F_CONF" run --from "$FROM" --to "$TO" \
        --source api
}

# amazon_state: what the database recorded of Amazon's answers.
amazon_state() {
    psql -X -At -d "$F_DB" -c "
        SELECT (SELECT count(*) FROM settle.raw_report),
               (SELECT count(*) FROM settle.disbursement),
               (SELECT count(*) FROM settle.dispute_status),
               (SELECT count(*) FROM settle.charge_status),
               (SELECT count(*) FROM settle.dispute)"
}

# api_state: db_state and amazon_state, on one line.
api_state() {
    echo "$(db_state) $(amazon_state)"
}

api_db ref || { fail "reference database"; finish; exit 1; }
api_run SETTLE_FAULT_TRACE="$T_TMP/trace"
expect_rc "an uninterrupted run from the API" 0
want=$(digest "$F_OUT")
want_db=$(api_state)
expect_match "Amazon's answers were recorded" "$(amazon_state)" \
    '^[1-9][0-9]*\|[1-9][0-9]*\|[1-9][0-9]*\|[1-9][0-9]*\|'
kill_each api_db api_run api_state "$kills" "$seed" \
    "kills through the API, each run again: same bytes, same rows, nothing left behind"
finish
