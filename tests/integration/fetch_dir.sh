#!/bin/sh
# settle fetch --source dir:PATH takes the *.csv of PATH that belong to D
# and to seller_id, archives them like API downloads (source 'dir', the
# file name kept), skips other sellers' reports and files that are not
# settlement reports, and adds nothing the second time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi

mkdir -p "$T_TMP/in"
cp "$FX"/reports/*.csv "$FX"/dir-extra/* "$T_TMP/in/"
export SETTLE_TIMEZONE=America/Los_Angeles

run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/in"
expect_rc "dir fetch exits 0" 0
names=$(db_value "SELECT string_agg(original_name || ' ' || source || ' ' ||
    coalesce(report_id, '-') || ' ' || business_date, ',' ORDER BY
    original_name) FROM settle.raw_report")
expect_match "dir fetch takes D's reports of the seller" "$names" \
    '^50001000002.csv dir - 2024-03-05,50001000003.csv dir - 2024-03-05,50001000005.csv dir - 2024-03-05$'
[ "$(archive_count)" -eq 3 ] && ok "three files archived" ||
    fail "three files archived"
for r in 50001000002 50001000003 50001000005; do
    archived_as $r.csv && ok "$r archived byte for byte" ||
        fail "$r archived byte for byte"
done
expect_match "other seller skipped with a warning" "$ERR" \
    "skipping 'other-seller.csv': SellerId 'A9OTHERSELLER9'"
expect_match "refund report skipped with a warning" "$ERR" \
    "skipping 'refund-report.csv': not a settlement report"

run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/in"
expect_rc "second dir fetch exits 0" 0
[ "$(archive_count)" -eq 3 ] &&
    [ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq 3 ] &&
    ok "second dir fetch adds nothing" || fail "second dir fetch adds nothing"

# The same bytes under another name add nothing either.
cp "$T_TMP/in/50001000002.csv" "$T_TMP/in/copy-of-2.csv"
run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/in"
expect_rc "renamed copy: exit 0" 0
[ "$(archive_count)" -eq 3 ] &&
    [ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq 3 ] &&
    ok "renamed copy adds nothing" || fail "renamed copy adds nothing"

# An archived file is never rewritten: its inode and mtime stay.
h=$(sha256sum "$FX/reports/50001000002.csv" | cut -c1-64)
f="$T_TMP/archive/sha256/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)"
s1=$(stat -c '%i %Y' "$f")
sleep 1
mkdir "$T_TMP/in2"
cp "$FX/reports/50001000002.csv" "$T_TMP/in2/"
psql -X -q -d "$FETCH_DB" -c 'TRUNCATE settle.raw_report' >/dev/null
run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/in2"
expect_rc "refetch after the rows were lost: exit 0" 0
[ "$(stat -c '%i %Y' "$f")" = "$s1" ] && ok "archived file not rewritten" ||
    fail "archived file not rewritten"
[ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq 1 ] &&
    ok "lost row registered again" || fail "lost row registered again"
if find "$T_TMP/archive" -name '.tmp-*' | grep -q .; then
    fail "no temporary files left"
else
    ok "no temporary files left"
fi

# Missing directory: 66. No seller: 78.
run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/nowhere"
expect_rc "missing directory exits 66" 66
run env SETTLE_SELLER_ID='' "$SETTLE" fetch --date 2024-03-05 \
    --source "dir:$T_TMP/in"
expect_rc "dir fetch without seller_id exits 78" 78
run env SETTLE_TIMEZONE=Nowhere/Bad "$SETTLE" fetch --date 2024-03-05 \
    --source "dir:$T_TMP/in"
expect_rc "dir fetch with an unknown timezone exits 78" 78
expect_match "the unknown timezone is named" "$ERR" "timezone 'Nowhere/Bad'"

# An archive that cannot be created (a file where the directory goes): 73.
: > "$T_TMP/blocker"
run env SETTLE_ARCHIVE_DIR="$T_TMP/blocker/archive" "$SETTLE" fetch \
    --date 2024-03-05 --source "dir:$T_TMP/in"
expect_rc "archive under a file exits 73" 73

finish
