#!/bin/sh
# The committed lib/core/currency_table.c is exactly what ops/gen-currencies makes
# of ISO 4217 List One in ../shared; a hand edit or a stale table fails.
# Skips when ../shared or python3 is absent.
. "$(dirname "$0")/../lib.sh"

list=$SHARED/reference/iso4217/list-one.xml
if [ ! -f "$list" ]; then
    skip "currency table is generated from list one" "no $list"
elif ! command -v python3 >/dev/null 2>&1; then
    skip "currency table is generated from list one" "no python3"
else
    run python3 "$TOP/ops/gen-currencies" "$list"
    expect_rc "gen-currencies runs" 0
    printf '%s\n' "$OUT" > "$T_TMP/table.c"
    expect_same "committed table equals the generated one" \
        "$TOP/lib/core/currency_table.c" "$T_TMP/table.c"
    expect_match "edition in the generated table" "$OUT" \
        'st_currency_edition\[\] = "2024-06-25"'

    # The generator must notice a change: drop JPY from a copy of the list.
    grep -v '<Ccy>JPY</Ccy>' "$list" > "$T_TMP/list.xml"
    run python3 "$TOP/ops/gen-currencies" "$T_TMP/list.xml"
    printf '%s\n' "$OUT" > "$T_TMP/table2.c"
    if cmp -s "$TOP/lib/core/currency_table.c" "$T_TMP/table2.c"; then
        fail "a changed list gives a different table"
    else
        ok "a changed list gives a different table"
    fi
fi
finish
