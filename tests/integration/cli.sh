#!/bin/sh
# The command line itself: help, version, unknown commands, exit codes,
# configuration precedence as seen from outside.
. "$(dirname "$0")/../lib.sh"

run "$SETTLE" --help
expect_rc "--help exits 0" 0
for c in run fetch normalize reconcile report rerun verify fx db disputes config; do
    expect_match "--help lists $c" "$OUT" "^  $c "
done
[ -z "$ERR" ] && ok "--help writes nothing to stderr" || fail "--help writes nothing to stderr" "$ERR"

run "$SETTLE" --version
expect_rc "--version exits 0" 0
expect_match "--version names the ISO 4217 edition" "$OUT" "^settle [0-9.]+ \(ISO 4217 list one of 2024-06-25\)$"

run "$SETTLE" frobnicate
expect_rc "unknown command exits 64" 64
expect_match "unknown command is named" "$ERR" "unknown command 'frobnicate'"

run "$SETTLE"
expect_rc "no command exits 64" 64

run "$SETTLE" --log-format xml config show
expect_rc "bad --log-format exits 64" 64

run "$SETTLE" --no-such-option
expect_rc "unknown global option exits 64" 64

cat > "$T_TMP/settle.conf" <<EOC
# a comment
seller_id = FROMFILE
region = eu
lookback_days = 30
EOC
run env SETTLE_REGION=jp "$SETTLE" --config "$T_TMP/settle.conf" config show
expect_rc "config show exits 0" 0
expect_match "file value shown with its source" "$OUT" "^seller_id += FROMFILE  # file$"
expect_match "environment beats the file" "$OUT" "^region += jp  # env$"
expect_match "defaults shown" "$OUT" "^timezone += UTC  # default$"

run env SETTLE_CONFIG="$T_TMP/settle.conf" "$SETTLE" config show
expect_match "SETTLE_CONFIG names the file" "$OUT" "^lookback_days += 30  # file$"

run env SETTLE_DATABASE='host=x password=hunter2 dbname=y' "$SETTLE" config show
expect_match "database password masked" "$OUT" "password=\*\*\*\*"
if printf '%s' "$OUT" | grep -q hunter2; then
    fail "the secret never appears" "$OUT"
else
    ok "the secret never appears"
fi

printf 'region = mars\n' > "$T_TMP/bad.conf"
run "$SETTLE" --config "$T_TMP/bad.conf" config show
expect_rc "invalid config value exits 78" 78
expect_match "invalid value names file and line" "$ERR" "bad.conf:1: invalid region 'mars'"

run "$SETTLE" --config "$T_TMP/none.conf" config show
expect_rc "missing config file exits 78" 78

printf 'nonsense line\n' > "$T_TMP/bad2.conf"
run "$SETTLE" --config "$T_TMP/bad2.conf" config show
expect_rc "malformed config line exits 78" 78

run "$SETTLE" --log-format json --config "$T_TMP/bad.conf" config show
if printf '%s\n' "$ERR" | /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' 2>/dev/null; then
    ok "json log lines parse as JSON"
else
    fail "json log lines parse as JSON" "$ERR"
fi

# stdout that cannot be written is an I/O error (74).
if [ -w /dev/full ]; then
    run sh -c "'$SETTLE' --help > /dev/full"
    expect_rc "a full stdout exits 74" 74
fi

finish
