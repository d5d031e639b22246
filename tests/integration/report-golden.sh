#!/bin/sh
# report-golden.sh: `settle report` on a hand-written date (testdata/report/
# fixture.sql) in a database of its own: golden CSVs, the workbook read
# back with openpyxl (tests/xlsx_check.py), the same bytes on a second run,
# the formula guard, the German templates, an empty date, and the errors
# (no seller 78, bad template 78 naming file and line, usage 64).
# GOLDEN_UPDATE=1 (make golden) rewrites testdata/report/expected/; check
# the differences by hand, as testdata/report/expected/README says.
. "$(dirname "$0")/../lib.sh"

FIX=$TOP/testdata/report
EXP=$FIX/expected
PY=/usr/bin/python3
own_database settle_report A1TESTSELLER
run psql -q -v ON_ERROR_STOP=1 -f "$FIX/fixture.sql"
expect_rc "load fixture" 0

# --- help and usage
run "$SETTLE" report --help
expect_rc "report --help exits 0" 0
expect_match "report --help on stdout" "$OUT" "usage: settle report --date D"
run "$SETTLE" report
expect_rc "report without --date is a usage error" 64
run "$SETTLE" report --date 2026-13-01
expect_rc "report with a bad date is a usage error" 64
run "$SETTLE" report --date 2026-11-20 --bogus
expect_rc "report with an unknown option is a usage error" 64

# --- seller_id is required
run env -u SETTLE_SELLER_ID "$SETTLE" report --date 2026-11-20 \
    --out "$T_TMP/none"
expect_rc "report without seller_id exits 78" 78
expect_match "and says seller_id" "$ERR" "seller_id"

# --- the fixture
OUTD=$T_TMP/out
D=$OUTD/A1TESTSELLER/2026-11-20
run "$SETTLE" report --date 2026-11-20 --out "$OUTD"
expect_rc "report exits 0" 0
expect_match "logs where it wrote" "$ERR" "wrote '.*2026-11-20'"
for f in statement.xlsx statement-USD.csv statement-EUR.csv \
    statement-JPY.csv statement-BHD.csv summary.csv exceptions.csv \
    open-items.csv disputes.csv manifest.json; do
    if [ -s "$D/$f" ]; then ok "wrote $f"; else fail "wrote $f"; fi
done
if ls -a "$OUTD/A1TESTSELLER" | grep -q '^\.'"2026-11-20"; then
    fail "no temporary directory left behind" "$(ls -a "$OUTD/A1TESTSELLER")"
else
    ok "no temporary directory left behind"
fi

# golden CSVs (checked by hand once: see testdata/report/expected/README)
if [ -n "${GOLDEN_UPDATE:-}" ]; then
    mkdir -p "$EXP"
    cp "$D"/*.csv "$EXP/"
fi
for f in "$EXP"/*.csv; do
    expect_same "golden $(basename "$f")" "$f" "$D/$(basename "$f")"
done

# CSV conventions
if head -c 3 "$D/summary.csv" | od -An -tx1 | grep -q 'ef bb bf'; then
    ok "CSV starts with a UTF-8 BOM"
else
    fail "CSV starts with a UTF-8 BOM"
fi
lf=$(tr -d '\r' < "$D/statement-USD.csv" | wc -l)
crlf=$(grep -c "$(printf '\r')\$" "$D/statement-USD.csv")
if [ "$lf" -eq "$crlf" ] && [ "$lf" -eq 8 ]; then ok "CRLF line ends"; else
    fail "CRLF line ends" "lines $lf, CRLF $crlf"; fi
expect_match "=SUM(A1) is neutralized" "$(cat "$D/statement-USD.csv")" ",'=SUM\(A1\),"
expect_match "@x is neutralized" "$(cat "$D/statement-USD.csv")" ",'@x,"
expect_match "+1 is neutralized" "$(cat "$D/statement-USD.csv")" ",'\+1,"
expect_match "-1 text is neutralized" "$(cat "$D/statement-USD.csv")" ",'-1 text,"
expect_match "negative amounts stay numbers" "$(cat "$D/statement-USD.csv")" ",-50.00,1.45,"
expect_match "quotes are doubled" "$(cat "$D/statement-USD.csv")" '"Chargeback, ""quoted"""'
expect_match "JPY has no decimals" "$(cat "$D/statement-JPY.csv")" ",1500,-54,-40,-94,1406,"
expect_match "BHD has three decimals" "$(cat "$D/statement-BHD.csv")" ",1.250,-0.036,-0.010,-0.046,1.204,"

# the workbook, read back
if [ -x "$PY" ] && "$PY" -c 'import openpyxl' 2>/dev/null; then
    "$PY" "$TOP/tests/xlsx_check.py" "$D/statement.xlsx" fixture > "$T_TMP/py"
    rc=$?
    cat "$T_TMP/py"
    T_PASS=$((T_PASS + $(grep -c '^ok' "$T_TMP/py")))
    T_FAIL=$((T_FAIL + $(grep -c '^not ok' "$T_TMP/py")))
    [ "$rc" -eq 0 ] || [ "$(grep -c '^not ok' "$T_TMP/py")" -gt 0 ] ||
        fail "xlsx_check.py exited $rc"
else
    skip "xlsx read-back" "no /usr/bin/python3 with openpyxl"
fi

# the manifest
M=$(cat "$D/manifest.json")
expect_match "manifest: seller" "$M" '"seller_id": "A1TESTSELLER"'
expect_match "manifest: cutoff" "$M" '"ledger_cutoff": "2026-11-21T03:00:00.000000Z"'
expect_match "manifest: input with report id" "$M" '"report_id": "R-77"'
expect_match "manifest: fx rate" "$M" '"fx_rate": "0.9211"'
expect_match "manifest: USD net" "$M" '"net": "3.72"'
expect_match "manifest: schema version" "$M" '"schema_version": [0-9]+'
expect_match "manifest: config digest" "$M" '"config_digest": "[0-9a-f]{64}"'
for f in statement.xlsx summary.csv disputes.csv; do
    want=$(sha256sum "$D/$f" | cut -d' ' -f1)
    expect_match "manifest: sha256 of $f" "$M" "\"$want\""
done
if [ -x "$PY" ]; then
    run "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); s=json.dumps(d, indent=2, sort_keys=True, ensure_ascii=False); sys.exit(0 if s + "\n" == open(sys.argv[1]).read() else 1)' "$D/manifest.json"
    expect_rc "manifest: keys sorted, stable layout" 0
fi

# --- the same bytes again, replacing the first output atomically
(cd "$D" && sha256sum ./*) > "$T_TMP/sums1"
run "$SETTLE" report --date 2026-11-20 --out "$OUTD"
expect_rc "second report exits 0" 0
(cd "$D" && sha256sum ./*) > "$T_TMP/sums2"
expect_same "second run: same sha256 for every file" "$T_TMP/sums1" "$T_TMP/sums2"
n=$(ls -a "$OUTD/A1TESTSELLER" | grep -vc '^\.\.\?$')
if [ "$n" -eq 1 ]; then ok "old output replaced, nothing left over"; else
    fail "old output replaced, nothing left over" "$(ls -a "$OUTD/A1TESTSELLER")"; fi

# --- the German templates: ; and decimal comma, renamed and reordered
DE=$T_TMP/de
run "$SETTLE" report --date 2026-11-20 --out "$DE" \
    --template-dir "$TOP/templates/de"
expect_rc "German report exits 0" 0
G=$DE/A1TESTSELLER/2026-11-20
expect_match "German header" "$(head -1 "$G/statement-USD.csv")" \
    "^.Buchungszeit \(UTC\);Art;Betrag;"
expect_match "German: ; and decimal comma" "$(cat "$G/statement-USD.csv")" \
    ";capture;100,00;-3,20;96,80;USD;matched;"
expect_match "German summary" "$(cat "$G/summary.csv")" \
    "^USD;total;7;21,51;-17,79;-2,19;-15,60;3,72;-30,00;-5,00;38,72;EUR;3,44;"
expect_match "German rates with a decimal comma" "$(cat "$G/summary.csv")" \
    ";2026-11-19 0,9211"
expect_match "German guard" "$(cat "$G/statement-USD.csv")" ";'=SUM\(A1\);"
if [ -x "$PY" ] && "$PY" -c 'import openpyxl' 2>/dev/null; then
    run "$PY" -c 'import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); print(",".join(wb.sheetnames)); print(wb["USD"]["C2"].value, wb["USD"]["C2"].number_format)' "$G/statement.xlsx"
    expect_match "German sheets" "$OUT" "^Übersicht,Abrechnungen,BHD,EUR,JPY,USD,Abweichungen,Offene Posten,Streitfälle$"
    expect_match "German workbook stays numeric" "$OUT" "^100 #,##0.00$"
fi

# --- template_dir from the configuration, too
run env SETTLE_TEMPLATE_DIR="$TOP/templates/de" "$SETTLE" report \
    --date 2026-11-20 --out "$T_TMP/de2"
expect_rc "template_dir from the environment" 0
expect_same "same as --template-dir" "$G/summary.csv" \
    "$T_TMP/de2/A1TESTSELLER/2026-11-20/summary.csv"

# --- an invalid template exits 78 naming file and line
BAD=$T_TMP/bad
mkdir -p "$BAD"
cp "$TOP"/templates/*.tmpl "$BAD/"
printf 'column no_such_field text 10 Whatever\n' >> "$BAD/exceptions.tmpl"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/b" --template-dir "$BAD"
expect_rc "unknown field exits 78" 78
line=$(wc -l < "$BAD/exceptions.tmpl")
expect_match "names file and line" "$ERR" "exceptions.tmpl:$line:8: unknown field 'no_such_field'"
cp "$TOP"/templates/exceptions.tmpl "$BAD/"
printf 'column amount amount 300 Too wide\n' >> "$BAD/summary.tmpl"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/b" --template-dir "$BAD"
expect_rc "bad width exits 78" 78
expect_match "bad width named" "$ERR" "summary.tmpl:[0-9]+:[0-9]+: width '300'"
cp "$TOP"/templates/summary.tmpl "$BAD/"
printf 'column amount amount 12\n' >> "$BAD/statement.tmpl"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/b" --template-dir "$BAD"
expect_rc "missing header exits 78" 78
expect_match "missing header named" "$ERR" "statement.tmpl:[0-9]+:[0-9]+: column needs a header"
cp "$TOP"/templates/statement.tmpl "$BAD/"
printf 'sheet USD\n' >> "$BAD/exceptions.tmpl"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/b" --template-dir "$BAD"
expect_rc "a sheet named like a currency exits 78" 78
expect_match "and names file and sheet" "$ERR" "exceptions.tmpl: sheet name 'USD' could clash"
printf 'sheet summary\n' >> "$BAD/disputes.tmpl"
cp "$TOP"/templates/exceptions.tmpl "$BAD/"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/b" --template-dir "$BAD"
expect_rc "two sheets of one name exit 78" 78
expect_match "and names them" "$ERR" "disputes.tmpl: sheet name 'Summary' is also the sheet of summary.tmpl"
cp "$TOP"/templates/disputes.tmpl "$BAD/"
cp "$TOP"/templates/exceptions.tmpl "$BAD/"
if [ -e "$T_TMP/b/A1TESTSELLER/2026-11-20" ]; then
    fail "nothing written after a template error"
else ok "nothing written after a template error"; fi
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/b" --template-dir "$T_TMP/nowhere"
expect_rc "missing template directory exits 78" 78
expect_match "and says so" "$ERR" "is not a directory"
# A template directory made for an older version, without the newer
# files: those come from the built-in templates.
OLD=$T_TMP/oldtmpl
mkdir -p "$OLD"
for f in statement summary exceptions open_items disputes; do
    cp "$TOP/templates/$f.tmpl" "$OLD/"
done
sed 's/^column amount  *amount  *14 Amount$/column amount amount 14 Gross/' \
    "$TOP/templates/statement.tmpl" > "$OLD/statement.tmpl"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/old" --template-dir "$OLD"
expect_rc "an older template directory still works" 0
expect_match "its own files are used" \
    "$(head -1 "$T_TMP/old/A1TESTSELLER/2026-11-20/statement-USD.csv")" ",Gross,"
expect_same "the missing ones come from the built-in templates" \
    "$EXP/settlements.csv" "$T_TMP/old/A1TESTSELLER/2026-11-20/settlements.csv"

# --- an output directory that cannot be made exits 73
: > "$T_TMP/afile"
run "$SETTLE" report --date 2026-11-20 --out "$T_TMP/afile"
expect_rc "out dir under a file exits 73" 73

# --- a date without lines: exit 0, empty statements, a warning
run "$SETTLE" report --date 2026-11-21 --out "$OUTD"
expect_rc "empty date exits 0" 0
expect_match "empty date warns" "$ERR" "warning: no settlement lines"
E=$OUTD/A1TESTSELLER/2026-11-21
for f in statement.xlsx summary.csv exceptions.csv open-items.csv disputes.csv manifest.json; do
    if [ -s "$E/$f" ]; then ok "empty date: $f"; else fail "empty date: $f"; fi
done
if ls "$E" | grep -q '^statement-'; then
    fail "empty date: no currency files"
else ok "empty date: no currency files"; fi
n=$(tr -d '\r' < "$E/summary.csv" | wc -l)
if [ "$n" -eq 1 ]; then ok "empty summary has its header only"; else
    fail "empty summary has its header only" "$n lines"; fi
if [ -x "$PY" ] && "$PY" -c 'import openpyxl' 2>/dev/null; then
    run "$PY" "$TOP/tests/xlsx_check.py" "$E/statement.xlsx" empty 2026-11-21
    expect_rc "empty workbook reads back" 0
fi

# --- the lock: another session holding (seller, date) makes it exit 75
days=$(( $(date -u -d 2026-11-20 +%s) / 86400 ))
psql -q -c "SELECT pg_advisory_lock(hashtext('A1TESTSELLER'), $days)" \
    -c "SELECT pg_sleep(20)" >/dev/null 2>&1 &
holder=$!
i=0
while [ $i -lt 100 ]; do
    n=$(psql -At -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.1
    i=$((i + 1))
done
run "$SETTLE" report --date 2026-11-20 --out "$OUTD"
expect_rc "a held lock exits 75" 75
psql -q -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null 2>&1
wait "$holder" 2>/dev/null

finish
