#!/bin/sh
# normalize-golden: `settle normalize FILE...` (no database) against the
# project's report fixtures in testdata/normalize/, byte for byte.
#
# Good fixtures: stdout must equal testdata/normalize/golden/NAME.csv.
# Bad fixtures (one per validation rule): exit 65, stdout empty, stderr
# equal to golden/NAME.err. GOLDEN_UPDATE=1 (make golden) rewrites the
# golden files instead of comparing; how they were checked by hand is in
# testdata/normalize/README.
. "$(dirname "$0")/../lib.sh"

D=$TOP/testdata/normalize
G=$D/golden
RATES=$TOP/testdata/fx/ecb-2024-03.csv
# No configuration from the environment may change the output.
unset SETTLE_CONFIG SETTLE_SELLER_ID SETTLE_REPORTING_CURRENCY
cd "$TOP" || exit 1

# golden NAME WANT_RC ARGS...: runs settle normalize ARGS, compares stdout
# (rc 0) or stderr (rc != 0) with golden/NAME.csv or .err.
golden() {
    name=$1
    want=$2
    shift 2
    "$SETTLE" normalize "$@" > "$T_TMP/out" 2> "$T_TMP/err"
    RC=$?
    ERR=$(cat "$T_TMP/err")
    expect_rc "$name: exit $want" "$want"
    if [ "$want" -eq 0 ]; then ext=csv; got=$T_TMP/out; else ext=err; got=$T_TMP/err; fi
    if [ -n "${GOLDEN_UPDATE:-}" ]; then
        cp "$got" "$G/$name.$ext"
        ok "$name: golden rewritten"
    else
        expect_same "$name: $ext as golden" "$G/$name.$ext" "$got"
    fi
    if [ "$want" -ne 0 ]; then
        if [ -s "$T_TMP/out" ]; then fail "$name: nothing on stdout"; else
            ok "$name: nothing on stdout"; fi
    fi
}

for f in us-2024-03-all-types jp-2024-03-jpy bh-2024-03-bhd \
         de-2024-03-eur-extra-column gb-2024-03-gbp-no-bom empty-report; do
    if [ "$f" = de-2024-03-eur-extra-column ]; then
        golden "$f" 0 "testdata/normalize/$f.csv"
        expect_match "$f: extra column warned" "$ERR" \
            "warning: testdata/normalize/$f.csv:6:16: extra column 'PresentmentCurrency' ignored"
    else
        golden "$f" 0 "testdata/normalize/$f.csv"
    fi
done

# Several files, argument order, converted into USD (cross rates through
# EUR for JPY and GBP, direct for EUR, rate 1 for USD).
golden multi-usd 0 --reporting-currency USD --rates testdata/fx/ecb-2024-03.csv \
    testdata/normalize/us-2024-03-all-types.csv \
    testdata/normalize/jp-2024-03-jpy.csv \
    testdata/normalize/de-2024-03-eur-extra-column.csv \
    testdata/normalize/gb-2024-03-gbp-no-bom.csv

for f in "$D"/bad-*.csv; do
    name=$(basename "$f" .csv)
    golden "$name" 65 "testdata/normalize/$name.csv"
done

# SellerId against the configured seller_id.
export SETTLE_SELLER_ID=A9OTHERSELLER
golden bad-seller 65 testdata/normalize/us-2024-03-all-types.csv
unset SETTLE_SELLER_ID
# No ECB quote for BHD: refused, not converted with a made-up rate.
golden bad-no-rate 65 --reporting-currency USD --rates "$RATES" \
    testdata/normalize/bh-2024-03-bhd.csv
# A good file and a bad one: the whole run is refused.
golden bad-second-file 65 testdata/normalize/us-2024-03-all-types.csv \
    testdata/normalize/bad-net.csv

finish
