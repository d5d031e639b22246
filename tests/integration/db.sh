#!/bin/sh
# settle db migrate against the throwaway PostgreSQL: idempotent, recorded,
# and the exit codes for a bad command and an unreachable server.
. "$(dirname "$0")/../lib.sh"

db=settle_t_db
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"

run env PGDATABASE="$db" "$SETTLE" db migrate
expect_rc "migrate exits 0" 0
expect_match "migrate names what it applied" "$ERR" "applied 002_core.sql"

n1=$(psql -d "$db" -tAc "select count(*) from settle.schema_migrations")
run env PGDATABASE="$db" "$SETTLE" db migrate
expect_rc "second migrate exits 0" 0
n2=$(psql -d "$db" -tAc "select count(*) from settle.schema_migrations")
if [ "$n1" = "$n2" ] && [ "$n1" -ge 2 ]; then
    ok "second migrate applies nothing ($n1 recorded)"
else
    fail "second migrate applies nothing" "before $n1, after $n2"
fi
expect_match "second migrate says 0 applied" "$ERR" "0 applied now"

v=$(psql -d "$db" -tAc "select string_agg(version::text, ',' order by version) from settle.schema_migrations")
expect_match "migrations recorded in order" "$v" "^1,2"

tables=$(psql -d "$db" -tAc "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'settle'")
for t in raw_report settlement_line fx_rate run recon_result dispute dispute_outcome; do
    expect_match "table settle.$t exists" "$tables" "(^|,)$t(,|$)"
done

# The ledger view is the merchant's: migrate never creates it.
has_view=$(psql -d "$db" -tAc "select count(*) from pg_views where schemaname = 'settle' and viewname = 'ledger_entry'")
expect_match "migrate does not create settle.ledger_entry" "$has_view" "^0$"

run "$SETTLE" db frobnicate
expect_rc "unknown db subcommand exits 64" 64

run "$SETTLE" db --help
expect_rc "db --help exits 0" 0
expect_match "db --help prints usage on stdout" "$OUT" "usage: settle db migrate"

run env PGHOST=/nonexistent-socket-dir "$SETTLE" db migrate
expect_rc "unreachable database exits 69" 69
expect_match "unreachable database names libpq's reason" "$ERR" "cannot connect to the database: .*No such file"
lines=$(printf '%s\n' "$ERR" | wc -l)
if [ "$lines" -eq 1 ]; then ok "the error is one line"; else
    fail "the error is one line" "$ERR"; fi

dropdb "$db"
finish
