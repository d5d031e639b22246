#!/bin/sh
# settle fetch --source api against the stand-in: exactly D's reports,
# byte for byte, across three pages; the time zone decides the date; a
# second run adds nothing; the signatures the stand-in received verify
# with `openssl pkeyutl` (PSS, salt 32) and fail with salt 20.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi

run "$SETTLE" fetch --help
expect_rc "fetch --help exits 0" 0
expect_match "fetch --help shows usage" "$OUT" 'usage: settle fetch --date D'
run "$SETTLE" fetch
expect_rc "fetch without --date is a usage error" 64
run "$SETTLE" fetch --date 2024-02-30
expect_rc "fetch with a bad date is a usage error" 64
run "$SETTLE" fetch --date 2024-03-05 --source ftp:x
expect_rc "fetch with a bad --source is a usage error" 64
run "$STANDIN" --help
expect_rc "stand-in --help exits 0" 0
expect_match "stand-in --help lists the faults" "$OUT" '--fail-429 N'

mkdir -p "$T_TMP/rec"
start_standin --page-cap 2 --record "$T_TMP/rec" || fail "stand-in starts"

run "$SETTLE" fetch --date 2024-03-05
expect_rc "fetch 2024-03-05 (UTC) exits 0" 0
[ -z "$OUT" ] && ok "fetch prints nothing on stdout" ||
    fail "fetch prints nothing on stdout" "$OUT"
n=$(grep -c 'GET /live/v2/reports ' "$T_TMP/standin.log")
[ "$n" -eq 3 ] && ok "three pages of reports read" ||
    fail "three pages of reports read" "$(cat "$T_TMP/standin.log")"
[ "$(archive_count)" -eq 2 ] && ok "two files archived" ||
    fail "two files archived" "$(find "$T_TMP/archive" -type f)"
archived_as 50001000002.csv && ok "report 2 archived byte for byte" ||
    fail "report 2 archived byte for byte"
archived_as 50001000005.csv && ok "report 5 archived byte for byte" ||
    fail "report 5 archived byte for byte"
rows=$(db_value "SELECT string_agg(report_id || ' ' || source || ' ' ||
    settlement_id || ' ' || business_date || ' ' || bytes, ',' ORDER BY
    report_id) FROM settle.raw_report")
expect_match "raw_report rows" "$rows" \
    "^50001000002 api 7000000002 2024-03-05 [0-9]+,50001000005 api 7000000005 2024-03-05 [0-9]+$"
ends=$(db_value "SELECT string_agg(to_char(settlement_end AT TIME ZONE 'UTC',
    'YYYY-MM-DD HH24:MI:SS'), ',' ORDER BY report_id) FROM settle.raw_report")
expect_match "settlement end from the preamble" "$ends" \
    '^2024-03-05 09:00:00,2024-03-05 20:00:00$'

# The follow-up pages carry nextToken alone (the stand-in answers 400
# otherwise), percent-encoded: the token holds '+', '/' and '='.
expect_match "follow-up page sends only nextToken" \
    "$(cat "$T_TMP/standin.log")" 'GET /live/v2/reports 200'
if grep -q ' 400$' "$T_TMP/standin.log"; then
    fail "no request refused" "$(cat "$T_TMP/standin.log")"
else
    ok "no request refused"
fi

# Twice adds nothing, and does not download D's reports again (other
# dates' candidates are downloaded again: only their preamble tells).
before=$(grep -cE '^GET /download/5000100000[25]' "$T_TMP/standin.log")
run "$SETTLE" fetch --date 2024-03-05
expect_rc "second fetch exits 0" 0
[ "$(archive_count)" -eq 2 ] && ok "second fetch adds no file" ||
    fail "second fetch adds no file"
[ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq 2 ] &&
    ok "second fetch adds no row" || fail "second fetch adds no row"
after=$(grep -cE '^GET /download/5000100000[25]' "$T_TMP/standin.log")
[ "$before" -eq 2 ] && [ "$after" -eq 2 ] &&
    ok "second fetch does not download archived reports again" ||
    fail "second fetch does not download archived reports again" \
        "$before -> $after"

# Another zone, another set: Los Angeles adds report 3 to 2024-03-05.
reset_archive
run env SETTLE_TIMEZONE=America/Los_Angeles "$SETTLE" fetch \
    --date 2024-03-05
expect_rc "fetch in America/Los_Angeles exits 0" 0
ids=$(db_value "SELECT string_agg(report_id, ',' ORDER BY report_id)
    FROM settle.raw_report")
expect_match "Los Angeles business date takes reports 2, 3 and 5" "$ids" \
    '^50001000002,50001000003,50001000005$'
archived_as 50001000003.csv && ok "report 3 archived byte for byte" ||
    fail "report 3 archived byte for byte"

# A date with no report is not an error.
reset_archive
run "$SETTLE" fetch --date 2024-03-20
expect_rc "a date without reports exits 0" 0
[ "$(archive_count)" -eq 0 ] && ok "nothing archived for an empty date" ||
    fail "nothing archived for an empty date"

# The stand-in kept what it verified: check one signature independently.
sts=$(find "$T_TMP/rec" -name '*.sts' | sort | head -1)
if [ -z "$sts" ]; then
    fail "stand-in recorded a signed request"
elif ! command -v openssl >/dev/null 2>&1; then
    skip "openssl pkeyutl verifies the signature" "no openssl"
else
    sig=${sts%.sts}.sig
    head -1 "$sts" | grep -qx 'AMZN-PAY-RSASSA-PSS-V2' &&
        ok "string to sign names AMZN-PAY-RSASSA-PSS-V2" ||
        fail "string to sign names AMZN-PAY-RSASSA-PSS-V2" "$(cat "$sts")"
    openssl base64 -d -A -in "$sig" -out "$T_TMP/sig.bin"
    openssl dgst -sha256 -binary "$sts" > "$T_TMP/sts.sha256"
    run openssl pkeyutl -verify -pubin -inkey "$KEYS/test-only-public.pem" \
        -in "$T_TMP/sts.sha256" -sigfile "$T_TMP/sig.bin" \
        -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss \
        -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256
    expect_rc "openssl pkeyutl verifies the signature (PSS, salt 32)" 0
    run openssl pkeyutl -verify -pubin -inkey "$KEYS/test-only-public.pem" \
        -in "$T_TMP/sts.sha256" -sigfile "$T_TMP/sig.bin" \
        -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss \
        -pkeyopt rsa_pss_saltlen:20 -pkeyopt rsa_mgf1_md:sha256
    [ "$RC" -ne 0 ] && ok "openssl refuses it with salt 20" ||
        fail "openssl refuses it with salt 20"
fi

# A request signed by openssl alone (canonical request built by hand in
# shell) is accepted by the stand-in: GET /v2/reports/{id} and pageSize.
# signed_get PATH QUERY [SENT]: QUERY already canonical (encoded, sorted);
# SENT, when given, is the query actually sent instead.
signed_get() {
    host=127.0.0.1:$(cat "$T_TMP/port")
    d=${SIGN_DATE:-20240115T010203Z}
    printf 'GET\n%s\n%s\naccept:application/json\ncontent-type:application/json\nx-amz-pay-date:%s\nx-amz-pay-host:%s\nx-amz-pay-region:na\n\naccept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region\n%s' \
        "$1" "$2" "$d" "$host" \
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 \
        > "$T_TMP/canon"
    printf 'AMZN-PAY-RSASSA-PSS-V2\n%s' \
        "$(sha256sum "$T_TMP/canon" | cut -c1-64)" > "$T_TMP/sts"
    openssl dgst -sha256 -binary "$T_TMP/sts" > "$T_TMP/sts.bin"
    sig=$(openssl pkeyutl -sign -inkey "$T_TMP/key.pem" -in "$T_TMP/sts.bin" \
        -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss \
        -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256 |
        openssl base64 -A)
    url="http://$host$1"
    q=${3:-$2}
    [ -n "$q" ] && url="$url?$q"
    curl -s -H 'accept: application/json' \
        -H 'content-type: application/json' -H "x-amz-pay-date: $d" \
        -H "x-amz-pay-host: $host" -H 'x-amz-pay-region: na' \
        -H "authorization: AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=K, SignedHeaders=accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region, Signature=$sig" \
        "$url"
}
if command -v curl >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
    out=$(signed_get /live/v2/reports/50001000002 '')
    expect_match "openssl-signed GET /v2/reports/{id} accepted" "$out" \
        '"reportId":"50001000002".*"reportDocumentId":"amzn1.tortuga.0.50001000002"'
    out=$(signed_get /live/v2/reports \
        'createdSince=20240304T000000Z&createdUntil=20240309T000000Z&pageSize=1')
    expect_match "pageSize=1: one report and a nextToken" "$out" \
        '^\{"reports":\[\{[^]]*\}\],"nextToken":"[^"]+"\}$'
    out=$(signed_get /live/v2/reports/50001000002 '' 'x=1')
    expect_match "a query the signature did not cover is refused" "$out" \
        'InvalidRequestSignature'
    # a signed date in the future is refused, as Amazon does
    SIGN_DATE=20991231T000000Z
    out=$(signed_get /live/v2/reports/50001000002 '')
    SIGN_DATE=
    expect_match "a date in the future is refused" "$out" \
        '"reasonCode":"InvalidHeaderValue"'
else
    skip "openssl-signed requests" "no curl or openssl"
fi

# The older algorithm works end to end too.
reset_archive
run env SETTLE_SIGNATURE_ALGORITHM=AMZN-PAY-RSASSA-PSS "$SETTLE" fetch \
    --date 2024-03-05
expect_rc "fetch signed with AMZN-PAY-RSASSA-PSS exits 0" 0
[ "$(archive_count)" -eq 2 ] && ok "salt-20 fetch archives the same" ||
    fail "salt-20 fetch archives the same"

stop_standin
finish
