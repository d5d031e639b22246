#!/bin/sh
# journal.sh: journal.csv (README "The journal") on the demo sample: golden
# journals in the built-in, Xero and QuickBooks layouts
# (testdata/demo/expected-journal/, checked by hand as its README says),
# every journal balanced in both currencies, each settlement's clearing
# and bank movements equal to its tie-out, the EUR settlement split at the
# February month end, a period's journal equal to its days', a reporting
# currency whose rounding needs the fx_rounding line, the German layout,
# verify and rerun over the journal, an account map missing an account
# (78), and months that do not add up to their settlement (70, nothing
# written).
. "$(dirname "$0")/../lib.sh"

demo="$TOP/testdata/demo"
EXP="$demo/expected-journal"
seller=A1DEMOSELLER0X
check="$TOP/tests/journal_check.py"
own_database settle_journal
if demo_setup "$T_TMP/j.conf"; then ok "demo books loaded"; else
    fail "demo books loaded"; finish; exit 1; fi
run "$SETTLE" -q run --from 2026-03-02 --to 2026-03-04 --source "dir:$demo/reports"
expect_rc "the three demo dates run" 0

O=$T_TMP/out/$seller
P=$O/period/2026-03-02_2026-03-04
run "$SETTLE" -q report --from 2026-03-02 --to 2026-03-04
expect_rc "report of the period exits 0" 0
for l in xero quickbooks; do
    run "$SETTLE" -q report --from 2026-03-02 --to 2026-03-04 \
        --template-dir "$TOP/templates/$l" --out "$T_TMP/$l"
    expect_rc "report with the $l layout exits 0" 0
    cp "$T_TMP/$l/$seller/period/2026-03-02_2026-03-04/journal.csv" \
        "$T_TMP/journal-$l.csv"
done
cp "$P/journal.csv" "$T_TMP/journal.csv"
if [ -n "${GOLDEN_UPDATE:-}" ]; then
    mkdir -p "$EXP"
    cp "$T_TMP"/journal*.csv "$EXP/"
fi
for f in journal.csv journal-xero.csv journal-quickbooks.csv; do
    expect_same "golden $f" "$EXP/$f" "$T_TMP/$f"
done

# The invariants, in exact decimals.
run python3 "$check" "$P/journal.csv" "$P/settlements.csv"
expect_rc "every journal balances and each settlement moves clearing by its tie-out" 0
expect_match "over the period's journals" "$OUT" "^ok 9 journals, 59 lines$"
: > "$T_TMP/days.jnl"
for d in 2026-03-02 2026-03-03 2026-03-04; do
    run python3 "$check" "$O/$d/journal.csv" "$O/$d/settlements.csv"
    expect_rc "the journal of $d balances" 0
    sed '1d' "$O/$d/journal.csv" >> "$T_TMP/days.jnl"
done
sed '1d' "$P/journal.csv" > "$T_TMP/period.jnl"
expect_same "the period's journal is its days' journals, in order" \
    "$T_TMP/days.jnl" "$T_TMP/period.jnl"

# The EUR settlement runs from 16 February to 2 March (Berlin): two
# journals, the first dated the last day of February.
eur=$(grep '^41528830227-' "$P/journal.csv" | tr -d '\r' |
    awk -F, '{ print $1 "," $2 "," $NF }' | sort -u | tr '\n' ' ')
expect_match "the EUR settlement is cut at the month end" "$eur" \
    "^41528830227-EUR-2602,2026-02-28,1 of 2 41528830227-EUR-2603,2026-03-02,2 of 2 $"
sales=$(grep '^41528830227-' "$P/journal.csv" | grep ',Sales,' |
    awk -F, '{ s += $7 } END { printf "%.2f", s }')
expect_match "its two parts' sales are the settlement's" "$sales" "^1890.75$"

# The reporting currency JPY: no decimals, so rounding is left over.
export SETTLE_REPORTING_CURRENCY=JPY
run "$SETTLE" -q report --date 2026-03-04 --out "$T_TMP/jpy"
unset SETTLE_REPORTING_CURRENCY
expect_rc "report in JPY exits 0" 0
J=$T_TMP/jpy/$seller/2026-03-04/journal.csv
run python3 "$check" "$J"
expect_rc "every journal balances in JPY too" 0
expect_match "with the rounding posted to fx_rounding" \
    "$(grep -c ',7900,Exchange rounding,' "$J")" "^[1-9]"
expect_match "at the ECB rate of the journal's date" \
    "$(sed -n 2p "$J")" ",JPY,[0-9.]+,2026-03-0[0-9],"

# German: semicolons, decimal commas, dd/mm/yyyy.
run "$SETTLE" -q report --date 2026-03-02 --template-dir "$TOP/templates/de" \
    --out "$T_TMP/de"
expect_rc "report with the German templates exits 0" 0
expect_match "the German journal" \
    "$(sed -n 2p "$T_TMP/de/$seller/2026-03-02/journal.csv")" \
    "^41528830227-EUR-2602;28/02/2026;1;8400;Erlöse;;506,90;EUR;"

# The manifest covers the journal: verify sees a changed line, rerun
# rebuilds the same bytes.
run "$SETTLE" rerun --date 2026-03-03 --out "$T_TMP/rerun"
expect_rc "rerun of a date with its journal exits 0" 0
expect_match "and is identical" "$OUT" "^identical$"
cp "$O/2026-03-03/journal.csv" "$T_TMP/j.bak"
sed -i 's/,848.45,/,848.46,/' "$O/2026-03-03/journal.csv"
run "$SETTLE" verify --date 2026-03-03
expect_rc "verify of a changed journal exits 1" 1
expect_match "naming it" "$OUT" "journal.csv"
cp "$T_TMP/j.bak" "$O/2026-03-03/journal.csv"

# An account map without a required account: 78, naming the file.
mkdir -p "$T_TMP/bad"
grep -v '^account fees ' "$TOP/templates/journal.tmpl" > "$T_TMP/bad/journal.tmpl"
run "$SETTLE" report --date 2026-03-02 --template-dir "$T_TMP/bad" --out "$T_TMP/b"
expect_rc "a journal template without the fees account exits 78" 78
expect_match "naming the file and the account" "$ERR" \
    "bad/journal.tmpl.*no account 'fees'"

# max_lines: the period's 59 lines in files of at most 20, no journal cut,
# the same rows in the same order; bad values name the file and line.
mkdir -p "$T_TMP/cap"
{ cat "$TOP/templates/journal.tmpl"; echo "max_lines 20"; } >"$T_TMP/cap/journal.tmpl"
run "$SETTLE" -q report --from 2026-03-02 --to 2026-03-04 \
    --template-dir "$T_TMP/cap" --out "$T_TMP/c"
expect_rc "a report with max_lines 20 exits 0" 0
C=$T_TMP/c/$seller/period/2026-03-02_2026-03-04
files=$(cd "$C" && ls journal*.csv | tr '\n' ' ')
expect_match "the journal in four files" "$files" \
    "^journal-2.csv journal-3.csv journal-4.csv journal.csv $"
: >"$T_TMP/cap.jnl"
big=0
for f in journal.csv journal-2.csv journal-3.csv journal-4.csv; do
    head -1 "$P/journal.csv" >"$T_TMP/h1"
    head -1 "$C/$f" >"$T_TMP/h2"
    expect_same "$f has the header" "$T_TMP/h1" "$T_TMP/h2"
    [ "$(sed 1d "$C/$f" | wc -l)" -le 20 ] || big=1
    sed 1d "$C/$f" | cut -d, -f1 | sort -u | sed "s|\$| $f|" >>"$T_TMP/cap.owners"
    sed 1d "$C/$f" >>"$T_TMP/cap.jnl"
done
if [ "$big" -eq 0 ]; then ok "no file over 20 lines"; else fail "no file over 20 lines"; fi
expect_same "the same rows in the same order" "$T_TMP/period.jnl" "$T_TMP/cap.jnl"
expect_match "no journal in two files" \
    "$(cut -d' ' -f1 "$T_TMP/cap.owners" | sort | uniq -d | wc -l)" "^0$"
expect_match "the manifest lists them" "$(cat "$C/manifest.json")" '"journal-4.csv"'
for v in "0" "x" "3"; do
    { cat "$TOP/templates/journal.tmpl"; echo "max_lines $v"; } >"$T_TMP/cap/journal.tmpl"
    run "$SETTLE" -q report --from 2026-03-02 --to 2026-03-04 \
        --template-dir "$T_TMP/cap" --out "$T_TMP/c3"
    expect_rc "max_lines $v exits 78" 78
done
expect_match "a journal longer than max_lines is named" "$ERR" \
    "journal 4152883[0-9]*-[A-Z]*-[0-9]* has [0-9]+ lines, more than the template's max_lines 3"
{ cat "$TOP/templates/journal.tmpl"; echo "max_lines 0"; } >"$T_TMP/cap/journal.tmpl"
run "$SETTLE" -q report --date 2026-03-02 --template-dir "$T_TMP/cap" --out "$T_TMP/c4"
expect_match "a bad max_lines names the file and line" "$ERR" \
    "cap/journal.tmpl:[0-9]+:[0-9]+.*max_lines must be 1 to 1000000"
rm -rf "$T_TMP/cap" && mkdir -p "$T_TMP/cap"
{ cat "$TOP/templates/summary.tmpl"; echo "max_lines 5"; } >"$T_TMP/cap/summary.tmpl"
run "$SETTLE" -q report --date 2026-03-02 --template-dir "$T_TMP/cap" --out "$T_TMP/c5"
expect_rc "max_lines in another template exits 78" 78
expect_match "saying it is for the journal" "$ERR" "max_lines is for journal.tmpl only"

# Months that do not add up to their settlement: 70, nothing published.
before=$(cd "$O/2026-03-02" && sha256sum ./* | sha256sum)
psql -X -q -v ON_ERROR_STOP=1 -c "UPDATE settle.settlement_part
    SET sales = sales + 1 WHERE settlement_id = '41528830227'
    AND month = '2026-02-01'"
run "$SETTLE" report --date 2026-03-02
expect_rc "a settlement whose months do not add up exits 70" 70
expect_match "naming the settlement" "$ERR" \
    "months of settlement 41528830227 \\(EUR\\) do not add up"
after=$(cd "$O/2026-03-02" && sha256sum ./* | sha256sum)
expect_match "the published statements are left as they were" "$after" "^$before$"
if ls -a "$O" | grep -q '^\.2026-03-02'; then
    fail "no temporary directory left behind" "$(ls -a "$O")"
else
    ok "no temporary directory left behind"
fi
run "$SETTLE" report --date 2026-03-02 --out "$T_TMP/none"
expect_rc "also into a new directory" 70
if [ -e "$T_TMP/none/$seller/2026-03-02" ]; then
    fail "which stays without the date"
else
    ok "which stays without the date"
fi

finish
