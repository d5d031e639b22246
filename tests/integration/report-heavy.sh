#!/bin/sh
# report-heavy.sh: one currency with 1,100,000 lines (testdata/report/
# heavy.sql, generate_series) lands on two sheets, "USD" with Excel's
# 1,048,575 data rows and "USD (2)" with the other 51,425. Checked from the
# zip's XML (workbook.xml and each sheet's dimension), not by loading the
# workbook. Runs once, on the plain build (never under sanitizers), with a
# narrow statement layout so that it takes seconds per 100,000 rows.
# Also checks that peak memory stays under 64 MiB when /usr/bin/time is
# there.
. "$(dirname "$0")/../lib.sh"

case "$BUILD" in */san) skip "heavy report" "not under sanitizers"
    finish; exit 0 ;; esac
FIX=$TOP/testdata/report
own_database settle_heavy HEAVY
run psql -q -v ON_ERROR_STOP=1 -f "$FIX/heavy.sql"
expect_rc "load 1,100,000 lines" 0

TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f maxrss=%MkB"
run $TIME "$SETTLE" report --date 2026-11-20 --out "$T_TMP/o" \
    --template-dir "$FIX/narrow"
expect_rc "report exits 0" 0
D=$T_TMP/o/HEAVY/2026-11-20
X=$D/statement.xlsx

sheets=$(unzip -p "$X" xl/workbook.xml | grep -o '<sheet name="[^"]*"' |
    sed 's/<sheet name="//; s/"$//' | tr '\n' ',')
expect_match "sheets" "$sheets" '^Summary,Settlements,USD,USD \(2\),Exceptions,Open items,Disputes,$'
dim() {
    unzip -p "$X" "xl/worksheets/sheet$1.xml" | head -c 2000 |
        grep -o '<dimension ref="[^"]*"' | sed 's/.*ref="//; s/"$//'
}
expect_match "USD: header + 1,048,575 rows" "$(dim 3)" '^A1:C1048576$'
expect_match "USD (2): header + 51,425 rows" "$(dim 4)" '^A1:C51426$'
# the last row of the continuation holds the last line
last=$(unzip -p "$X" xl/worksheets/sheet4.xml | grep -o '<row r="51426"[^>]*>.\{0,80\}' | head -1)
expect_match "USD (2) ends with line 1100000" "$last" '<v>1100000</v>'
n=$(wc -l < "$D/statement-USD.csv")
if [ "$n" -eq 1100001 ]; then ok "CSV holds every line"; else
    fail "CSV holds every line" "$n lines"; fi
expect_match "manifest count" "$(cat "$D/manifest.json")" '"lines": 1100000'
if [ -n "$TIME" ]; then
    kb=$(printf '%s\n' "$ERR" | sed -n 's/^maxrss=\([0-9]*\)kB$/\1/p')
    if [ -n "$kb" ] && [ "$kb" -lt 65536 ]; then
        ok "peak RSS under 64 MiB (${kb} kB)"
    else
        fail "peak RSS under 64 MiB" "${kb:-?} kB"
    fi
fi

finish
