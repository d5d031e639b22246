#!/bin/sh
# settle run over a range overlaps a date's report with the next date's
# database stages. Checks, on the demo sample against the throwaway
# PostgreSQL: the outputs (every file, manifest.json too) are byte-identical
# to running the dates one by one with --date; the summary lines come in
# date order; a report failing in the middle exits with its code, leaves the
# earlier dates reported and the next one resumable, and a rerun completes;
# a database stage failing while the report before it runs is reported
# after that date's line; --serial runs without overlap.
. "$(dirname "$0")/../lib.sh"

demo="$TOP/testdata/demo"
seller=A1DEMOSELLER0X
from=2026-03-02
to=2026-03-04
dates="2026-03-02 2026-03-03 2026-03-04"

cleanup_ov() {
    for db in se ov fa fb sr; do dropdb --if-exists "settle_ov_$db" 2>/dev/null; done
    rm -rf "$T_TMP"
}
trap cleanup_ov EXIT

# setup_db NAME: a fresh database with the schema, the reference ledger
# holding the demo ledger and the demo rates; writes NAME.conf.
setup_db() {
    db="settle_ov_$1"
    dropdb --if-exists "$db" 2>/dev/null
    createdb "$db" || return 1
    {
        cat "$demo/settle.conf"
        echo "database = dbname=$db"
        echo "archive_dir = $T_TMP/$1/archive"
        echo "out_dir = $T_TMP/$1/out"
        echo "metrics_file = $T_TMP/$1/settle.prom"
    } > "$T_TMP/$1.conf"
    mkdir -p "$T_TMP/$1"
    demo_books "$T_TMP/$1.conf" "$db"
}

# same_cutoffs NAME: gives NAME's dates the ledger cutoffs of database se
# (set once per date, at its first reconcile), so that manifests compare.
same_cutoffs() {
    psql -q -d settle_ov_se -tA -F' ' -c "select business_date, ledger_cutoff from settle.run where seller_id = '$seller'" |
        while read -r d t1 t2; do
            psql -q -d "settle_ov_$1" -v ON_ERROR_STOP=1 -c "insert into settle.run (seller_id, business_date, ledger_cutoff, tool_version) values ('$seller', '$d', '$t1 $t2', 'test')" >/dev/null || return 1
        done
}

# hashes DIR: sha256 of every file under DIR, by relative path.
hashes() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

# summary_dates TEXT: the dates of the summary lines, in their order.
summary_dates() {
    printf '%s\n' "$1" | sed -n "s/^$seller \\([0-9-]*\\): [0-9]* lines, [0-9]* exceptions, [0-9]* open disputes, statements in .*/\\1/p" | tr '\n' ' ' | sed 's/ $//'
}

status_of() {
    psql -d "settle_ov_$1" -tAc "select string_agg(business_date || '=' || status || coalesce(':' || failed_stage, ''), ',' order by business_date) from settle.run where seller_id = '$seller'"
}

S() {
    conf=$1
    shift
    run "$SETTLE" --config "$T_TMP/$conf.conf" "$@"
}

run "$SETTLE" run --help
expect_match "run --help documents the overlap and --serial" "$OUT" "--serial"

# ---------------------------------------------------------------- reference: one date at a time
if setup_db se; then ok "reference database ready"; else
    fail "reference database ready"; finish; exit 1; fi
se_lines=
for d in $dates; do
    S se run --date "$d" --source "dir:$demo/reports"
    expect_rc "run --date $d exits 0" 0
    se_lines="$se_lines$OUT
"
done
hashes "$T_TMP/se/out" > "$T_TMP/se.sha"
if [ "$(wc -l < "$T_TMP/se.sha")" -ge 15 ]; then ok "reference outputs written"
else fail "reference outputs written" "$(cat "$T_TMP/se.sha")"; fi

# ---------------------------------------------------------------- the range, overlapped
if setup_db ov && same_cutoffs ov; then ok "overlap database ready"; else
    fail "overlap database ready"; finish; exit 1; fi
S ov run --from $from --to $to --source "dir:$demo/reports"
expect_rc "run --from --to exits 0" 0
expect_match "summary lines in date order" "$(summary_dates "$OUT")" "^$dates\$"
if [ "$OUT" = "$(printf '%s' "$se_lines" | sed 's|/se/out|/ov/out|')" ]; then
    ok "summary lines equal the one-by-one runs'"
else
    fail "summary lines equal the one-by-one runs'" "$OUT
--- one by one:
$se_lines"
fi
hashes "$T_TMP/ov/out" > "$T_TMP/ov.sha"
expect_same "every output (manifest.json too) identical to the one-by-one runs'" \
    "$T_TMP/se.sha" "$T_TMP/ov.sha"
expect_match "every date reported" "$(status_of ov)" \
    "^2026-03-02=reported,2026-03-03=reported,2026-03-04=reported$"
expect_match "the metrics textfile is the last date's" "$(cat "$T_TMP/ov/settle.prom")" \
    "settle_run_success\\{seller=\"$seller\",date=\"2026-03-04\"\\} 1"
expect_match "the reports finished in date order" \
    "$(printf '%s\n' "$ERR" | grep '^settle: report: done' | sed 's/.*date=\([0-9-]*\).*/\1/' | tr '\n' ' ')" \
    "^2026-03-02 2026-03-03 2026-03-04 $"

# ---------------------------------------------------------------- a report fails in the middle
if setup_db fa && same_cutoffs fa; then ok "failing-report database ready"; else
    fail "failing-report database ready"; finish; exit 1; fi
# A file where 2026-03-03's output directory goes: its report cannot publish.
mkdir -p "$T_TMP/fa/out/$seller"
echo blocker > "$T_TMP/fa/out/$seller/2026-03-03"
S fa run --from $from --to $to --source "dir:$demo/reports"
expect_rc "a failed report in the middle exits 73" 73
expect_match "only the date before it has a summary line" "$(summary_dates "$OUT")" "^2026-03-02$"
expect_match "the error names the report" "$ERR" "report: cannot rename"
st=$(status_of fa)
expect_match "the earlier date is reported, the failed one failed:report" "$st" \
    "^2026-03-02=reported,2026-03-03=failed:report"
case "$st" in
*2026-03-04=reported* | *2026-03-04=failed*)
    fail "the next date stopped cleanly, not reported nor failed" "$st" ;;
*) ok "the next date stopped cleanly ($(echo "$st" | sed 's/.*2026-03-04=/2026-03-04 /'))" ;;
esac
expect_match "the metrics textfile records the failure" "$(cat "$T_TMP/fa/settle.prom")" \
    "settle_run_success\\{seller=\"$seller\",date=\"2026-03-03\"\\} 0"
rm -f "$T_TMP/fa/out/$seller/2026-03-03"
S fa run --from $from --to $to --source "dir:$demo/reports"
expect_rc "the rerun completes" 0
expect_match "and resumes 2026-03-03 at the report" "$ERR" "2026-03-03: resuming at report"
expect_match "all three summary lines, in order" "$(summary_dates "$OUT")" "^$dates\$"
hashes "$T_TMP/fa/out" > "$T_TMP/fa.sha"
expect_same "the repaired outputs are identical to the one-by-one runs'" \
    "$T_TMP/se.sha" "$T_TMP/fa.sha"

# ---------------------------------------------------------------- a database stage fails during a report
if setup_db fb; then ok "failing-normalize database ready"; else
    fail "failing-normalize database ready"; finish; exit 1; fi
cp -r "$demo/reports" "$T_TMP/fb/reports"
sed -i 's/"1500","-59","0","-59","1441"/"15x0","-59","0","-59","1441"/' \
    "$T_TMP/fb/reports/2026-03-04-SETTLEMENT_DATA_41528830442.csv"
S fb run --from $from --to $to --source "dir:$T_TMP/fb/reports"
expect_rc "a bad report of the last date exits 65" 65
expect_match "the dates before it have their lines, in order" \
    "$(summary_dates "$OUT")" "^2026-03-02 2026-03-03$"
expect_match "and are reported; the bad one failed:normalize" "$(status_of fb)" \
    "^2026-03-02=reported,2026-03-03=reported,2026-03-04=failed:normalize$"

# ---------------------------------------------------------------- --serial
if setup_db sr && same_cutoffs sr; then ok "serial database ready"; else
    fail "serial database ready"; finish; exit 1; fi
S sr run --serial --from $from --to $to --source "dir:$demo/reports"
expect_rc "run --serial exits 0" 0
expect_match "--serial: summary lines in date order" "$(summary_dates "$OUT")" "^$dates\$"
hashes "$T_TMP/sr/out" > "$T_TMP/sr.sha"
expect_same "--serial outputs identical too" "$T_TMP/se.sha" "$T_TMP/sr.sha"

finish
