#!/bin/sh
# The secrets and configuration rules of settle fetch: a key Amazon does not
# know is refused (clear error, exit 77, archive unchanged); a key file with
# group/world access is refused before anything (77); no seller_id is 78;
# http:// only to loopback (78); the key never appears in the output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi
start_standin || fail "stand-in starts"

# A first, good fetch so that "unchanged" means something.
run "$SETTLE" fetch --date 2024-03-05
expect_rc "good key: exit 0" 0
find "$T_TMP/archive" -type f | sort > "$T_TMP/before"
rows_before=$(db_value 'SELECT count(*) FROM settle.raw_report')

# The wrong key: Amazon (the stand-in) answers 401 InvalidRequestSignature.
run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/wrong.pem" "$SETTLE" fetch \
    --date 2024-03-06
expect_rc "wrong key exits 77" 77
expect_match "wrong key: says HTTP 401 InvalidRequestSignature" "$ERR" \
    'HTTP 401 InvalidRequestSignature'
expect_match "wrong key: shows Amazon's message" "$ERR" \
    'Unable to verify signature'
expect_match "wrong key: hints at the key settings" "$ERR" \
    'check public_key_id, private_key_file'
find "$T_TMP/archive" -type f | sort > "$T_TMP/after"
expect_same "wrong key: archive unchanged" "$T_TMP/before" "$T_TMP/after"
[ "$(db_value 'SELECT count(*) FROM settle.raw_report')" -eq "$rows_before" ] &&
    ok "wrong key: no row added" || fail "wrong key: no row added"
[ "$(grep -c ' 401$' "$T_TMP/standin.log")" -eq 1 ] &&
    ok "wrong key: not retried" || fail "wrong key: not retried"

# Key material never reaches stderr.
keyline=$(sed -n 2p "$T_TMP/wrong.pem")
case "$ERR" in
*"$keyline"*) fail "the key is not in the output" ;;
*) ok "the key is not in the output" ;;
esac

# Mode 0644: refused before any request (root reads it anyway; the mode
# check is settle's own).
cp "$T_TMP/key.pem" "$T_TMP/open.pem"
chmod 644 "$T_TMP/open.pem"
n0=$(wc -l < "$T_TMP/standin.log")
run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/open.pem" "$SETTLE" fetch \
    --date 2024-03-06
expect_rc "key file mode 0644 exits 77" 77
expect_match "key file mode 0644: says why" "$ERR" \
    'group or world access \(mode 0644\)'
[ "$(wc -l < "$T_TMP/standin.log")" -eq "$n0" ] &&
    ok "key file mode 0644: no request sent" ||
    fail "key file mode 0644: no request sent"
chmod 604 "$T_TMP/open.pem"
run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/open.pem" "$SETTLE" fetch \
    --date 2024-03-06
expect_rc "key file mode 0604 exits 77" 77

# Not a key at all: a clear error, not a crash.
echo "not a key" > "$T_TMP/junk.pem"
chmod 600 "$T_TMP/junk.pem"
run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/junk.pem" "$SETTLE" fetch \
    --date 2024-03-06
[ "$RC" -ne 0 ] && ok "junk key file fails" || fail "junk key file fails"
expect_match "junk key file: named" "$ERR" \
    "junk.pem.*not an unencrypted PEM private key"

# An encrypted key is refused at once, never prompting for a passphrase.
if openssl pkey -in "$T_TMP/key.pem" -aes256 -passout pass:secret \
    -out "$T_TMP/enc.pem" 2>/dev/null; then
    chmod 600 "$T_TMP/enc.pem"
    run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/enc.pem" timeout 10 "$SETTLE" \
        fetch --date 2024-03-06 </dev/null
    [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] &&
        ok "encrypted key refused without a prompt" ||
        fail "encrypted key refused without a prompt" "exit $RC: $ERR"
else
    skip "encrypted key refused without a prompt" "openssl cannot encrypt"
fi

# Missing key file: 66.
run env SETTLE_PRIVATE_KEY_FILE="$T_TMP/none.pem" "$SETTLE" fetch \
    --date 2024-03-06
expect_rc "missing key file exits 66" 66

# No seller_id: 78, before anything.
run env SETTLE_SELLER_ID='' "$SETTLE" fetch --date 2024-03-06
expect_rc "no seller_id exits 78" 78
expect_match "no seller_id: says so" "$ERR" 'seller_id is not set'

# No public_key_id: 78.
run env SETTLE_PUBLIC_KEY_ID='' "$SETTLE" fetch --date 2024-03-06
expect_rc "no public_key_id exits 78" 78

# http:// is for loopback only.
run env SETTLE_API_BASE_URL=http://pay-api.example.com/live "$SETTLE" fetch \
    --date 2024-03-06
expect_rc "http:// to another host exits 78" 78
expect_match "http:// to another host: says so" "$ERR" \
    "refusing URL 'http://pay-api.example.com/live"
run env SETTLE_API_BASE_URL=ftp://127.0.0.1/live "$SETTLE" fetch \
    --date 2024-03-06
expect_rc "ftp:// exits 78" 78

stop_standin
finish
