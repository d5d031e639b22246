#!/bin/sh
# The test runners' bookkeeping: tests/run-unit counts cmocka's passes,
# failures and skips and insists that each skip says why; tests/summarize
# adds the runners' counts into make check's closing line and lists the
# reasons. Fake cmocka binaries stand in for the real ones.
. "$(dirname "$0")/../lib.sh"

# fake NAME PASSED FAILED SKIPPED REASONS...: a script printing what a cmocka
# binary prints, exiting as one would.
fake() {
    f="$T_TMP/$1"
    {
        echo '#!/bin/sh'
        shift
        p=$1 fl=$2 s=$3
        shift 3
        for why in "$@"; do echo "echo '# skipped: $why'"; done
        echo "echo '[==========] $((p + fl + s)) test(s) run.'"
        echo "echo '[  PASSED  ] $p test(s).'"
        [ "$s" -gt 0 ] && echo "echo '[  SKIPPED ] $s test(s), listed below:'"
        [ "$fl" -gt 0 ] && echo "echo '[  FAILED  ] $fl test(s), listed below:'"
        echo "exit $fl"
    } > "$f"
    chmod +x "$f"
}

fake good 3 0 1 "test_vectors: no SDK vectors"
fake bad 2 1 0
fake silent 4 0 1
R="$T_TMP/results"

: > "$R"
run env RESULTS="$R" sh "$TOP/tests/run-unit" "$T_TMP" "$T_TMP/good"
expect_rc "run-unit passes a binary whose skip says why" 0
expect_match "run-unit counts the skip" "$OUT" \
    '^unit: 3 passed, 0 failed, 1 skipped$'
expect_match "run-unit records the counts" "$(cat "$R")" '^unit 3 0 1$'
expect_match "run-unit records the reason" "$(cat "$R")" \
    '^# unit: good: test_vectors: no SDK vectors$'

: > "$R"
run env RESULTS="$R" sh "$TOP/tests/run-unit" "$T_TMP" "$T_TMP/silent"
expect_rc "a skip without a reason fails run-unit" 1
expect_match "and says which binary" "$ERR" 'silent: 1 skipped, 0 said why'
expect_match "counted as one failure" "$OUT" \
    '^unit: 4 passed, 1 failed, 1 skipped$'

: > "$R"
run env RESULTS="$R" sh "$TOP/tests/run-unit" "$T_TMP/san" "$T_TMP/good" \
    "$T_TMP/bad"
expect_rc "a failing binary fails run-unit" 1
expect_match "sums over binaries, labelled unit-san" "$OUT" \
    '^unit-san: 5 passed, 1 failed, 1 skipped$'

printf '%s\n' 'unit 10 0 2' '# unit: a: no x' '# unit: b: no y' \
    'integration 7 0 1' '# integration: c: d: no z' 'analyze 1 0' > "$R"
run sh "$TOP/tests/summarize" "$R"
expect_rc "summarize: nothing failed" 0
expect_match "summarize: the closing line" "$(echo "$OUT" | head -1)" \
    '^18 passed, 0 failed, 3 skipped$'
expect_match "summarize: every reason listed" "$OUT" \
    '^  skipped: integration: c: d: no z$'
expect_match "summarize: three reasons" "$(echo "$OUT" | grep -c skipped:)" '^3$'

printf '%s\n' 'unit 10 0 0' 'fmt-check 0 1' > "$R"
run sh "$TOP/tests/summarize" "$R"
expect_rc "summarize: a failure fails" 1
expect_match "summarize: counted" "$OUT" '^10 passed, 1 failed, 0 skipped$'

: > "$R"
run sh "$TOP/tests/summarize" "$R"
expect_rc "summarize: no counts at all is a failure" 1

finish
