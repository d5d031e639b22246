#!/bin/sh
# hostile.sh: hostile report files.
# Refused with FILE:LINE and nothing written: a NUL byte, invalid UTF-8, a
# 10 MB field, a row of 10^6 fields, a report of another seller. (A gzip
# bomb as a GZIP document is refused by its size: test_api.)
# Neutralized: every text column of the demo's reports of one date carries
# a formula prefix (=, +, -, @, tab, CR), =HYPERLINK(...) or a DDE string;
# the run succeeds and LibreOffice, converting every workbook and CSV it
# wrote, finds no formula cell. A control CSV with one bare =1+1 proves
# the check sees formulas when there are.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faults.inc"

PY=/usr/bin/python3
src=$REPORTS/2026-03-02-SETTLEMENT_DATA_41528830227.csv
h=$T_TMP/files
mkdir -p "$h"

# ------------------------------------------------------------ refused
"$PY" - "$src" "$h" <<'PYEOF'
import sys
src = open(sys.argv[1], 'rb').read()
lines = src.split(b'\n')
out = sys.argv[2]

def field(name, col, val):
    l = list(lines)
    f = l[7].split(b'","')
    f[col] = val
    l[7] = b'","'.join(f)
    open(out + '/' + name, 'wb').write(b'\n'.join(l))

field('nul.csv', 9, b'bad\x00byte')
field('utf8.csv', 9, b'bad\xff\xfebyte')
field('big.csv', 9, b'x' * (10 * 1024 * 1024))
l = list(lines)
l[7] = l[7] + b',' + b','.join([b'"y"'] * 1000000)
open(out + '/wide.csv', 'wb').write(b'\n'.join(l))
open(out + '/seller.csv', 'wb').write(
    src.replace(b'A1DEMOSELLER0X', b'A9OTHERSELLER9'))
PYEOF
for c in "nul:8:10: TransactionDescription: invalid UTF-8" \
    "utf8:8:10: TransactionDescription: invalid UTF-8" \
    "big:8: row longer than" "wide:8: too many fields" \
    "seller:3:2: SellerId 'A9OTHERSELLER9' differs"; do
    f=${c%%:*}
    run env SETTLE_SELLER_ID=$SELLER "$SETTLE" normalize "$h/$f.csv" \
        --out "$h/$f.out"
    expect_rc "$f: refused with 65" 65
    expect_match "$f: naming file and line" "$ERR" "^$h/$f.csv:${c#*:}"
    [ ! -e "$h/$f.out" ] && ok "$f: nothing written" ||
        fail "$f: nothing written"
done

# ------------------------------------------------------------ neutralized
mkdir -p "$h/reports"
cp "$REPORTS"/*.csv "$h/reports/"
"$PY" - "$h/reports" <<'PYEOF'
import glob, sys
payloads = [b'=1+1', b'+1+1', b'-1+1', b'@SUM(A1)', b'\t=1+1', b'\r=1+1',
            b'=HYPERLINK(""http://evil.example/"",""click"")',
            b"=cmd|' /C calc'!A0", b'=2+3 DDE', b'@cmd']
# SellerReferenceId, StoreName, TransactionDescription (1-based 4, 8, 10)
cols = [3, 7, 9]
for name in glob.glob(sys.argv[1] + '/2026-03-02-*.csv'):
    lines = open(name, 'rb').read().split(b'\n')
    for i in range(6, len(lines)):
        if not lines[i].startswith(b'"'):
            continue
        f = lines[i].split(b'","')
        for k, c in enumerate(cols):
            f[c] = payloads[(i + k) % len(payloads)] + b' row' + str(i).encode()
        lines[i] = b'","'.join(f)
    open(name, 'wb').write(b'\n'.join(lines))
PYEOF
fault_db hostile || fail "database"
run "$SETTLE" --config "$F_CONF" run --date "$FROM" --source "dir:$h/reports"
expect_rc "hostile text columns: the run succeeds" 0
D=$F_OUT/$SELLER/$FROM
grep -q 'HYPERLINK' "$D/statement-EUR.csv" &&
    ok "the hostile texts reach the statements" ||
    fail "the hostile texts reach the statements"

if ! command -v soffice >/dev/null; then
    skip "no formula cell" "LibreOffice (soffice) is not installed"
    finish
    exit
fi
lo() {
    soffice -env:UserInstallation="file://$T_TMP/lo" --headless "$@" \
        >>"$T_TMP/lo.log" 2>&1
}
mkdir -p "$T_TMP/fods"
printf 'a,b\n=1+1,x\n' > "$T_TMP/control.csv"
lo --infilter="CSV:44,34,76,1" --convert-to fods --outdir "$T_TMP/fods" \
    "$T_TMP/control.csv"
grep -q 'table:formula=' "$T_TMP/fods/control.fods" &&
    ok "control: LibreOffice reads a bare =1+1 as a formula" ||
    fail "control: LibreOffice reads a bare =1+1 as a formula" "$(cat "$T_TMP/lo.log")"
n=0
for f in "$D"/*.csv "$D"/*.xlsx; do
    case $f in
    *.csv) lo --infilter="CSV:44,34,76,1" --convert-to fods \
        --outdir "$T_TMP/fods" "$f" ;;
    *) lo --convert-to fods --outdir "$T_TMP/fods" "$f" ;;
    esac
    g=$T_TMP/fods/$(basename "${f%.*}").fods
    n=$((n + 1))
    if [ ! -s "$g" ]; then
        fail "$(basename "$f"): LibreOffice reads it" "$(tail -3 "$T_TMP/lo.log")"
    elif grep -q 'table:formula=' "$g"; then
        fail "$(basename "$f"): no formula cell" \
            "$(grep -o 'table:formula="[^"]*"' "$g" | head -5)"
    else
        ok "$(basename "$f"): no formula cell"
    fi
    rm -f "$g"
done
want=$(find "$D" -name '*.csv' -o -name '*.xlsx' | wc -l)
[ "$n" -eq "$want" ] && [ "$n" -ge 7 ] && ok "all $n outputs read back" ||
    fail "every output read back" "$n of $want"
finish
