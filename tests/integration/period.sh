#!/bin/sh
# period.sh: the period statement (settle report --from/--to, --month) on
# the demo sample: golden CSVs (testdata/demo/expected-period/, checked by
# hand as its README says), the same bytes twice, the manifest's days,
# verify and rerun of a period, a tampered daily manifest, the refusal of a
# period with a date not reconciled (66), usage errors (64), the workbook
# read by openpyxl and by LibreOffice, the German templates, and that the
# period reads the stored sums, not the lines.
. "$(dirname "$0")/../lib.sh"

demo="$TOP/testdata/demo"
EXP="$demo/expected-period"
seller=A1DEMOSELLER0X
own_database settle_period
if demo_setup "$T_TMP/p.conf"; then ok "demo books loaded"; else
    fail "demo books loaded"; finish; exit 1; fi
run "$SETTLE" -q run --from 2026-03-02 --to 2026-03-04 --source "dir:$demo/reports"
expect_rc "the three demo dates run" 0

P=$T_TMP/out/$seller/period/2026-03-02_2026-03-04
run "$SETTLE" report --from 2026-03-02 --to 2026-03-04
expect_rc "report --from --to exits 0" 0
expect_match "and says where" "$ERR" "wrote '.*/period/2026-03-02_2026-03-04'"
for f in statement.xlsx summary.csv days.csv settlements.csv exceptions.csv \
    disputes.csv manifest.json; do
    [ -s "$P/$f" ] && ok "period $f written" || fail "period $f written"
done
if [ -n "${GOLDEN_UPDATE:-}" ]; then # journal.csv: journal.sh
    mkdir -p "$EXP"
    for f in summary days settlements exceptions disputes; do
        cp "$P/$f.csv" "$EXP/"
    done
fi
for f in "$EXP"/*.csv; do
    expect_same "golden period $(basename "$f")" "$f" "$P/$(basename "$f")"
done

# The Settlements of the period are the daily ones, in the same rows.
for d in 2026-03-02 2026-03-03 2026-03-04; do
    sed '1d' "$T_TMP/out/$seller/$d/settlements.csv"
done | LC_ALL=C sort > "$T_TMP/daily.set"
sed '1d' "$P/settlements.csv" | LC_ALL=C sort > "$T_TMP/period.set"
expect_same "the period's settlements are the days' settlements" \
    "$T_TMP/daily.set" "$T_TMP/period.set"

# The manifest: the period, each day with its own manifest's hash.
m=$(cat "$P/manifest.json")
expect_match "the manifest names the period" "$m" '"from": "2026-03-02"'
want=$(sha256sum "$T_TMP/out/$seller/2026-03-03/manifest.json" | cut -d' ' -f1)
expect_match "and the hash of each day's manifest" "$m" "\"sha256\": \"$want\""
expect_match "counts for the period" "$m" '"lines": 63'

# Same data, same bytes; verify and rerun of the period.
(cd "$P" && sha256sum ./*) > "$T_TMP/first.sha"
run "$SETTLE" -q report --from 2026-03-02 --to 2026-03-04
(cd "$P" && sha256sum ./*) > "$T_TMP/second.sha"
expect_same "a second period report gives the same bytes" "$T_TMP/first.sha" "$T_TMP/second.sha"
run "$SETTLE" verify --from 2026-03-02 --to 2026-03-04
expect_rc "verify of the period exits 0" 0
run "$SETTLE" rerun --from 2026-03-02 --to 2026-03-04 --out "$T_TMP/rerun"
expect_rc "rerun of the period exits 0" 0
expect_match "rerun of the period is identical" "$OUT" "^identical$"
cp "$T_TMP/out/$seller/2026-03-03/manifest.json" "$T_TMP/m.bak"
printf ' ' >> "$T_TMP/out/$seller/2026-03-03/manifest.json"
run "$SETTLE" verify --from 2026-03-02 --to 2026-03-04
expect_rc "a changed daily manifest fails the period's verify (1)" 1
expect_match "and is named" "$OUT" "daily manifest .*2026-03-03/manifest.json"
cp "$T_TMP/m.bak" "$T_TMP/out/$seller/2026-03-03/manifest.json"

# --month: March is not all reconciled; nor is a period with 2026-03-01.
run "$SETTLE" report --month 2026-03
expect_rc "a month with dates not reconciled exits 66" 66
expect_match "naming the dates" "$ERR" "has 28 dates not reconciled: 2026-03-01 \\(never run\\), 2026-03-05"
run "$SETTLE" report --from 2026-03-01 --to 2026-03-04
expect_rc "a period starting a day early exits 66" 66
expect_match "names the one date" "$ERR" "has 1 date not reconciled: 2026-03-01 \\(never run\\)"
[ -d "$T_TMP/out/$seller/period/2026-03-01_2026-03-04" ] &&
    fail "a refused period writes nothing" ||
    ok "a refused period writes nothing"
run "$SETTLE" report --month 2026-13
expect_rc "a bad month is a usage error" 64
run "$SETTLE" report --from 2026-03-04 --to 2026-03-02
expect_rc "a period ending before it starts is a usage error" 64
run "$SETTLE" report --date 2026-03-04 --from 2026-03-02 --to 2026-03-04
expect_rc "a date and a period at once is a usage error" 64
run "$SETTLE" report --from 2026-03-02
expect_rc "--from without --to is a usage error" 64
run "$SETTLE" verify --month 2026-02
expect_rc "verify of a period never written exits 66" 66

# The workbook, read back.
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import openpyxl' 2>/dev/null; then
    run "$PY" -c 'import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); print(",".join(wb.sheetnames)); s=wb["Summary"]; print([r for r in s.iter_rows(values_only=True) if r[1]=="consolidated"][0][12]); d=wb["Days"]; print(d.max_row, d["A2"].value.date(), d["F3"].value)' "$P/statement.xlsx"
    expect_match "period sheets" "$OUT" "^Summary,Days,Settlements,Open exceptions,Disputes$"
    expect_match "the consolidated net is a number" "$OUT" "^-1525.54$"
    expect_match "the days are dates and amounts numbers" "$OUT" "^9 2026-03-02 -633.9$"
else
    skip "period workbook with openpyxl" "python3-openpyxl is not installed"
fi
if command -v soffice >/dev/null; then
    soffice -env:UserInstallation="file://$T_TMP/lo" --headless \
        --convert-to fods --outdir "$T_TMP/fods" "$P/statement.xlsx" \
        >"$T_TMP/lo.log" 2>&1
    f=$T_TMP/fods/statement.fods
    if [ -s "$f" ]; then
        ok "LibreOffice opens the period workbook"
        n=$(grep -o 'table:name="[^"]*"' "$f" | grep -c -e '"Summary"' -e '"Days"' -e '"Settlements"' -e '"Open exceptions"' -e '"Disputes"')
        [ "$n" -eq 5 ] && ok "LibreOffice sees its five sheets" ||
            fail "LibreOffice sees its five sheets" "$(grep -o 'table:name="[^"]*"' "$f")"
        expect_match "LibreOffice reads the consolidated net as a number" \
            "$(cat "$f")" 'office:value="-1525.54"'
    else
        fail "LibreOffice opens the period workbook" "$(tail -5 "$T_TMP/lo.log")"
    fi
else
    skip "period workbook in LibreOffice" "LibreOffice (soffice) is not installed"
fi

# German layouts.
run "$SETTLE" report --from 2026-03-02 --to 2026-03-04 \
    --template-dir "$TOP/templates/de" --out "$T_TMP/de"
expect_rc "the German period report exits 0" 0
G=$T_TMP/de/$seller/period/2026-03-02_2026-03-04
expect_match "German days" "$(cat "$G/days.csv")" "^2026-03-02;USD;12;-604,12;-29,78;-633,90;-1482,35;-25,00;25,00;EUR;-541,88;3;1"

# The period reads the stored sums, not the lines: without the lines of a
# date its Summary and Days are the same bytes.
psql -q -c "DELETE FROM settle.settlement_line WHERE business_date = '2026-03-03'"
run "$SETTLE" -q report --from 2026-03-02 --to 2026-03-04 --out "$T_TMP/nolines"
expect_rc "the period report without the lines of a date" 0
N=$T_TMP/nolines/$seller/period/2026-03-02_2026-03-04
expect_same "the same summary without the lines" "$P/summary.csv" "$N/summary.csv"
expect_same "the same days without the lines" "$P/days.csv" "$N/days.csv"
finish
