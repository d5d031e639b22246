#!/bin/sh
# settle fetch --source api survives the stand-in's injected faults (429
# with Retry-After, 500, 503, a body cut short, an expired document URL, a
# slow body, Get Report Document answering 202 "not ready") and archives
# exactly the same bytes; documents served gzipped (compressionAlgorithm
# GZIP) are archived as the same CSV bytes, under the same sha256; past the
# retries it exits 75 (throttled, not ready) or 69 (unavailable) and
# archives nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi

# check_ok NAME: the run succeeded and archived exactly reports 2 and 5.
check_ok() {
    expect_rc "$1: exit 0" 0
    if [ "$(archive_count)" -eq 2 ] && archived_as 50001000002.csv &&
        archived_as 50001000005.csv &&
        [ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq 2 ]; then
        ok "$1: exactly D's reports, byte for byte"
    else
        fail "$1: exactly D's reports, byte for byte" \
            "$(find "$T_TMP/archive" -type f 2>/dev/null)"
    fi
}

# The plain run's hashes, for the GZIP run below.
reset_archive
start_standin
run "$SETTLE" fetch --date 2024-03-05
check_ok "plain documents"
plain=$(db_value "SELECT string_agg(report_id || ' ' || sha256 || ' ' ||
    bytes, ',' ORDER BY report_id) FROM settle.raw_report")

# Documents served gzipped with compressionAlgorithm GZIP: the archive holds
# the report's own bytes, under the plain run's sha256.
reset_archive
start_standin --gzip
run "$SETTLE" fetch --date 2024-03-05
check_ok "GZIP documents"
gz=$(db_value "SELECT string_agg(report_id || ' ' || sha256 || ' ' ||
    bytes, ',' ORDER BY report_id) FROM settle.raw_report")
[ -n "$plain" ] && [ "$gz" = "$plain" ] &&
    ok "GZIP: same sha256 and size as the plain run" ||
    fail "GZIP: same sha256 and size as the plain run" "$plain / $gz"
[ "$(grep -c '^GET /download/.* 200 (gzip)$' "$T_TMP/standin.log")" -ge 2 ] &&
    ok "GZIP: the stand-in served gzipped documents" ||
    fail "GZIP: the stand-in served gzipped documents" \
        "$(cat "$T_TMP/standin.log")"

# Get Report Document answers 202 ("not ready") twice per document: asked
# again with backoff, then the documents arrive.
reset_archive
start_standin --not-ready 2
run "$SETTLE" fetch --date 2024-03-05
check_ok "202 twice per document"
expect_match "202: retries logged" "$ERR" \
    'HTTP 202 \(report document not ready\), retry 2'
[ "$(grep -c '^GET /live/v2/report-documents/.* 202$' \
    "$T_TMP/standin.log")" -ge 4 ] &&
    ok "202: two not-ready answers per document seen" ||
    fail "202: two not-ready answers per document seen" \
        "$(cat "$T_TMP/standin.log")"

# 429 twice with Retry-After: 1; the client waits at least that long.
reset_archive
start_standin --fail-429 2 --retry-after 1
t0=$(date +%s%N)
run "$SETTLE" fetch --date 2024-03-05
t1=$(date +%s%N)
check_ok "429 with Retry-After"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -ge 2000 ] && ok "429: Retry-After honoured (${ms} ms)" ||
    fail "429: Retry-After honoured" "took ${ms} ms, want >= 2000"
expect_match "429: retries logged" "$ERR" 'HTTP 429 TooManyRequests, retry 1'
[ "$(grep -c ' 429$' "$T_TMP/standin.log")" -eq 2 ] &&
    ok "429: two throttled answers seen" || fail "429: two throttled answers seen"

# 500 and 503.
reset_archive
start_standin --fail-500 2
run "$SETTLE" fetch --date 2024-03-05
check_ok "500 twice"
expect_match "500: retry logged" "$ERR" 'HTTP 500 InternalServerError, retry'
reset_archive
start_standin --fail-503 3
run "$SETTLE" fetch --date 2024-03-05
check_ok "503 three times"

# A body cut off half way, twice: retried, then whole.
reset_archive
start_standin --cut-body 2
run "$SETTLE" fetch --date 2024-03-05
check_ok "cut-off body"
[ "$(grep -c '(cut)$' "$T_TMP/standin.log")" -eq 2 ] &&
    ok "cut-off body: two cut downloads seen" ||
    fail "cut-off body: two cut downloads seen" "$(cat "$T_TMP/standin.log")"

# An expired document URL: a new one is asked for.
reset_archive
start_standin --expire-urls 2
run "$SETTLE" fetch --date 2024-03-05
check_ok "expired document URL"
expect_match "expired URL: new URL asked for" "$ERR" 'URL expired \(HTTP 403\)'

# Every URL expired: three URLs asked for, then a clear error (77).
reset_archive
start_standin --expire-urls 100
run "$SETTLE" fetch --date 2024-03-05
expect_rc "URLs always expired exits 77" 77
expect_match "URLs always expired: names the download" "$ERR" \
    'GET http://127.0.0.1:[0-9]+/download/[0-9]+: HTTP 403$'
expect_match "URLs always expired: hints why" "$ERR" 'hint: .*expired'
[ "$(grep -c '^GET /download/.* 403$' "$T_TMP/standin.log")" -eq 3 ] &&
    ok "URLs always expired: three URLs tried" ||
    fail "URLs always expired: three URLs tried" "$(cat "$T_TMP/standin.log")"

# A slow body (50 ms per 64 bytes) still arrives whole.
reset_archive
start_standin --slow-ms 50
run "$SETTLE" fetch --date 2024-03-05
check_ok "slow body"

# A body slower than http_timeout_s: each attempt times out; 69.
reset_archive
start_standin --slow-ms 400
run env SETTLE_HTTP_TIMEOUT_S=1 SETTLE_HTTP_MAX_ATTEMPTS=2 "$SETTLE" fetch \
    --date 2024-03-05
expect_rc "body slower than the timeout exits 69" 69
expect_match "timeout: says so" "$ERR" 'gave up after 2 attempts: .*timed out'
[ "$(archive_count)" -eq 0 ] && ok "timeout: nothing archived" ||
    fail "timeout: nothing archived"

# Throttled past every attempt: 75, nothing archived.
reset_archive
start_standin --fail-429 100 --retry-after 0
run "$SETTLE" fetch --date 2024-03-05
expect_rc "429 past the retries exits 75" 75
expect_match "429 past the retries: says so" "$ERR" \
    'gave up after 4 attempts: GET http://127.0.0.1:[0-9]+/live/v2/reports: HTTP 429'
[ "$(archive_count)" -eq 0 ] && ok "429 past the retries: nothing archived" ||
    fail "429 past the retries: nothing archived"

# Not ready past every attempt: 75, a clear message, nothing archived.
reset_archive
start_standin --not-ready 100
run "$SETTLE" fetch --date 2024-03-05
expect_rc "202 past the retries exits 75" 75
expect_match "202 past the retries: says so" "$ERR" \
    "report document 'amzn1\.tortuga\.0\.[0-9]+' not ready after 4 attempts"
[ "$(archive_count)" -eq 0 ] && ok "202 past the retries: nothing archived" ||
    fail "202 past the retries: nothing archived"

# 503 past every attempt: 69.
start_standin --fail-503 100
run "$SETTLE" fetch --date 2024-03-05
expect_rc "503 past the retries exits 69" 69
[ "$(grep -c ' 503$' "$T_TMP/standin.log")" -ge 4 ] &&
    ok "503: http_max_attempts attempts made" || fail "503: attempts made"

# Connections reset (TCP RST, no response) twice: retried, then whole.
reset_archive
start_standin --reset 2
run "$SETTLE" fetch --date 2024-03-05
check_ok "connection reset"
[ "$(grep -c ' reset$' "$T_TMP/standin.log")" -eq 2 ] &&
    ok "connection reset: two resets seen" ||
    fail "connection reset: two resets seen" "$(cat "$T_TMP/standin.log")"

# Reset past every attempt: 69, saying so, nothing archived.
reset_archive
start_standin --reset 100
run "$SETTLE" fetch --date 2024-03-05
expect_rc "reset past the retries exits 69" 69
expect_match "naming the reset" "$ERR" '[Rr]eset|[Rr]ecv failure|Empty reply'
[ "$(archive_count)" -eq 0 ] && ok "reset past the retries: nothing archived" ||
    fail "reset past the retries: nothing archived"

# A report of the same settlement with other bytes (Amazon never changes
# one): refused with 65 naming both, the archive as it was.
reset_archive
start_standin
run "$SETTLE" fetch --date 2024-03-05
check_ok "before the changed copy"
before=$(find "$T_TMP/archive" -type f | LC_ALL=C sort | xargs sha256sum)
mkdir -p "$T_TMP/changed"
sed 's/,"0\.00",/,"0.01",/' "$FX/reports/50001000002.csv" \
    > "$T_TMP/changed/50001000002.csv"
cmp -s "$FX/reports/50001000002.csv" "$T_TMP/changed/50001000002.csv" &&
    printf '\n' >> "$T_TMP/changed/50001000002.csv"
run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/changed"
expect_rc "a settlement's report with other bytes exits 65" 65
expect_match "naming both files" "$ERR" \
    "'50001000002.csv' \([0-9a-f]{12}\) has other bytes than settlement [^ ]+ as archived \([0-9a-f]{12}, '"
if [ "$(find "$T_TMP/archive" -type f | LC_ALL=C sort | xargs sha256sum)" = "$before" ] &&
    [ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq 2 ]; then
    ok "the archive as it was"
else
    fail "the archive as it was" "$(find "$T_TMP/archive" -type f)"
fi
cp "$FX/reports/50001000002.csv" "$T_TMP/changed/50001000002.csv"
run "$SETTLE" fetch --date 2024-03-05 --source "dir:$T_TMP/changed"
expect_rc "the same bytes again from a folder: exit 0" 0

# Nobody listening: 69 after the retries.
stop_standin
export SETTLE_API_BASE_URL="http://127.0.0.1:9/live"
run "$SETTLE" fetch --date 2024-03-05
expect_rc "no server exits 69" 69

finish
