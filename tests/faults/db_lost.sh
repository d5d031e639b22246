#!/bin/sh
# db_lost.sh: PostgreSQL lost in the middle of each stage of `settle run`
# (stopped fast, stopped immediate, the connection cut by
# pg_terminate_backend): exit 69 with libpq's message, nothing published
# for the date being worked on, with --log-format json every stderr line
# one JSON object; once the server is back, the next run completes and
# gives the bytes of an uninterrupted run. Then the logins that retrying
# cannot fix: an unknown role and a wrong password exit 77, an unknown
# database 78.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faults.inc"

fault_db ref || { fail "reference database"; finish; exit 1; }
settle_run
expect_rc "an uninterrupted run" 0
want=$(digest "$F_OUT")

# Where each stage is cut: the first fault point of a statement it alone
# runs (fetch archives, normalize loads, reconcile matches, report reads
# and publishes). The report of a date overlaps the next date's stages.
cuts="fetch:archive normalize:COPY reconcile:queries/create_recon_key.sql
report:queries/select_statement_summary.sql publish:publish"
for mode in fast immediate terminate; do
    for cut in $cuts; do
        stage=${cut%%:*}
        label=${cut#*:}
        what="$mode during $stage"
        fault_db lost || { fail "$what: database"; continue; }
        rm -f "$T_TMP/pause"
        env SETTLE_FAULT_PAUSE="$label" SETTLE_FAULT_FILE="$T_TMP/pause" \
            "$SETTLE" --log-format json --config "$F_CONF" run \
            --from "$FROM" --to "$TO" --source "dir:$REPORTS" \
            >"$T_TMP/out" 2>"$T_TMP/err" &
        pid=$!
        i=0
        while [ ! -f "$T_TMP/pause" ] && [ $i -lt 1000 ]; do
            sleep 0.01
            i=$((i + 1))
        done
        [ -f "$T_TMP/pause" ] || fail "$what: the run reaches $label"
        if [ "$mode" = terminate ]; then
            psql -X -q -d postgres -c "SELECT pg_terminate_backend(pid)
                FROM pg_stat_activity WHERE datname = '$F_DB'" >/dev/null
        else
            "$TOP/ops/pg-local" halt "$mode" || fail "$what: halt"
        fi
        rm -f "$T_TMP/pause"
        wait "$pid"
        RC=$?
        ERR=$(cat "$T_TMP/err")
        expect_rc "$what: exit 69" 69
        expect_match "$what: libpq's message" "$ERR" \
            '"level":"error".*(server closed the connection|terminating connection|connection to server|no connection)'
        bad=$(grep -cv '^{.*}$' "$T_TMP/err")
        if [ "$bad" -eq 0 ]; then ok "$what: every stderr line is JSON"; else
            fail "$what: every stderr line is JSON" "$(grep -v '^{.*}$' "$T_TMP/err")"; fi
        [ "$mode" = terminate ] || "$TOP/ops/pg-local" resume ||
            fail "$what: resume"
        # The date that failed has no statements (the dates before it
        # may). Cut just before the rename that publishes them, the
        # statements are complete and go out; the database, which never
        # heard of it, has the next run write them again.
        failed=$(sed -n 's/.*"msg":"\([0-9-]*\): .*/\1/p' "$T_TMP/err" | tail -1)
        if [ "$stage" = publish ]; then
            if [ -n "$failed" ] && [ "$(digest "$F_OUT/$SELLER/$failed")" = \
                "$(digest "$T_TMP/ref/out/$SELLER/$failed")" ]; then
                ok "$what: $failed published whole"
            else
                fail "$what: ${failed:-the date} published whole"
            fi
        elif [ -n "$failed" ] && [ ! -e "$F_OUT/$SELLER/$failed" ]; then
            ok "$what: nothing published for $failed"
        else
            fail "$what: nothing published for ${failed:-the date}"
        fi
        settle_run
        expect_rc "$what: the next run completes" 0
        if [ "$(digest "$F_OUT")" = "$want" ]; then
            ok "$what: the same bytes as an uninterrupted run"
        else
            fail "$what: the same bytes as an uninterrupted run" \
                "$(digest "$F_OUT" | diff - /dev/fd/3 3<<EOT
$want
EOT
)"
        fi
        left=$(leftovers)
        if [ -z "$left" ]; then ok "$what: no temporary file left"; else
            fail "$what: no temporary file left" "$left"; fi
    done
done

# ------------------------------------------------ logins retrying cannot fix
fault_db login || fail "login database"
run env SETTLE_DATABASE="dbname=$F_DB user=no_such_role" "$SETTLE" \
    --config "$F_CONF" run --date "$FROM" --source "dir:$REPORTS"
expect_rc "an unknown role exits 77" 77
expect_match "with the server's words" "$ERR" 'role "no_such_role" does not exist'
run env SETTLE_DATABASE="dbname=no_such_db" "$SETTLE" \
    --config "$F_CONF" run --date "$FROM" --source "dir:$REPORTS"
expect_rc "an unknown database exits 78" 78
# A password role, and pg_hba.conf asking it for one.
. "$SETTLE_PG_ENV"
hba="$PGDATA_DIR/pg_hba.conf"
psql -X -q -d postgres -c "CREATE ROLE fault_pw LOGIN PASSWORD 'right'" \
    >/dev/null 2>&1
if cp "$hba" "$T_TMP/hba" &&
    { echo "local all fault_pw scram-sha-256"; cat "$T_TMP/hba"; } > "$hba" &&
    psql -X -q -d postgres -c "SELECT pg_reload_conf()" >/dev/null; then
    run env SETTLE_DATABASE="dbname=$F_DB user=fault_pw password=wrong" \
        "$SETTLE" --config "$F_CONF" run --date "$FROM" --source "dir:$REPORTS"
    expect_rc "a wrong password exits 77" 77
    expect_match "saying so" "$ERR" 'password authentication failed'
    run env SETTLE_DATABASE="dbname=$F_DB user=fault_pw" PGPASSWORD= \
        "$SETTLE" --config "$F_CONF" run --date "$FROM" --source "dir:$REPORTS"
    expect_rc "no password at all exits 77" 77
    cat "$T_TMP/hba" > "$hba"
    psql -X -q -d postgres -c "SELECT pg_reload_conf()" >/dev/null
else
    skip "a wrong password exits 77" "cannot edit $hba"
fi
finish
