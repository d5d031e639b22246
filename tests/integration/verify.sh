#!/bin/sh
# settle verify on a hand-built date directory: a clean check, a tampered
# output, a missing output, a tampered archived input, a broken manifest.
. "$(dirname "$0")/../lib.sh"

out="$T_TMP/out"
arch="$T_TMP/archive"
d="$out/SELLER1/2026-03-02"
mkdir -p "$d"
printf 'a,b\r\n1,2\r\n' > "$d/summary.csv"
printf 'x\r\n' > "$d/exceptions.csv"
printf 'raw report bytes\n' > "$T_TMP/raw.csv"
h=$(sha256sum "$T_TMP/raw.csv" | cut -c1-64)
mkdir -p "$arch/sha256/$(echo "$h" | cut -c1-2)"
cp "$T_TMP/raw.csv" "$arch/sha256/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)"

entry() {
    printf '{"path": "%s", "sha256": "%s", "bytes": %s}' "$1" \
        "$(sha256sum "$d/$1" | cut -c1-64)" "$(wc -c < "$d/$1")"
}
cat > "$d/manifest.json" <<EOM
{"tool_version": "0.1.0", "seller_id": "SELLER1", "business_date": "2026-03-02",
 "inputs": [{"name": "raw.csv", "sha256": "$h", "bytes": $(wc -c < "$T_TMP/raw.csv"), "report_id": null}],
 "outputs": [$(entry summary.csv), $(entry exceptions.csv)]}
EOM

V() { run env SETTLE_SELLER_ID=SELLER1 SETTLE_OUT_DIR="$out" SETTLE_ARCHIVE_DIR="$arch" "$SETTLE" verify "$@"; }

V --date 2026-03-02
expect_rc "clean date verifies (exit 0)" 0
[ -z "$OUT" ] && ok "nothing on stdout when clean" || fail "nothing on stdout when clean" "$OUT"

cp "$d/summary.csv" "$T_TMP/keep"
printf 'a,b\r\n1,3\r\n' > "$d/summary.csv"
V --date 2026-03-02
expect_rc "tampered output exits 1" 1
expect_match "tampered output is named" "$OUT" "^output '.*/summary.csv': sha256 "
cp "$T_TMP/keep" "$d/summary.csv"

rm "$d/exceptions.csv"
V --date 2026-03-02
expect_rc "missing output exits 1" 1
expect_match "missing output is named" "$OUT" "exceptions.csv': missing"
printf 'x\r\n' > "$d/exceptions.csv"

a="$arch/sha256/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)"
printf 'raw report bytez\n' > "$a"
V --date 2026-03-02
expect_rc "tampered archived input exits 1" 1
expect_match "tampered input is named" "$OUT" "^input '"
cp "$T_TMP/raw.csv" "$a"

V --date 2026-03-02
expect_rc "restored date verifies again" 0

cp "$d/manifest.json" "$T_TMP/m"
printf '{"outputs": [' > "$d/manifest.json"
V --date 2026-03-02
expect_rc "broken manifest exits 65" 65
expect_match "broken manifest names file and position" "$ERR" "manifest.json:1:"
cp "$T_TMP/m" "$d/manifest.json"

V --date 2026-03-03
expect_rc "a date without outputs exits 66" 66

V --date 2026-02-30
expect_rc "an invalid date exits 64" 64

run env SETTLE_OUT_DIR="$out" "$SETTLE" verify --date 2026-03-02
expect_rc "no seller_id exits 78" 78

finish
