#!/bin/sh
# TLS verification is always on: an https:// API whose certificate no
# trusted CA signed is refused (exit 78, not retried), and ca_file makes
# the same server trusted. The server is `openssl s_server` with a
# certificate made here for 127.0.0.1 (its -www page is not the API, so the
# trusted run then fails on the answer: exit 65, after the handshake).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fetch_env.inc"

if ! command -v openssl >/dev/null 2>&1; then
    skip "TLS verification" "no openssl"
    finish
    exit
fi
if ! fetch_setup; then
    fail "fetch test set-up"
    finish
    exit
fi

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/tls-key.pem" \
    -out "$T_TMP/tls-cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
openssl s_server -accept 127.0.0.1:0 -cert "$T_TMP/tls-cert.pem" \
    -key "$T_TMP/tls-key.pem" -www > "$T_TMP/s_server.out" 2>&1 &
# shellcheck disable=SC2034 # fetch_cleanup (fetch_env.inc) stops it
STANDIN_PID=$!
i=0
while ! grep -q '^ACCEPT' "$T_TMP/s_server.out" && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T_TMP/s_server.out")
if [ -z "$port" ]; then
    fail "openssl s_server starts" "$(cat "$T_TMP/s_server.out")"
    finish
    exit
fi
export SETTLE_API_BASE_URL="https://127.0.0.1:$port/live"

run "$SETTLE" fetch --date 2024-03-05
expect_rc "untrusted certificate exits 78" 78
expect_match "untrusted certificate: says so" "$ERR" \
    'GET https://127.0.0.1:[0-9]+/live/v2/reports: .*certificate'
expect_match "untrusted certificate: hints at ca_file" "$ERR" 'set ca_file'
if printf '%s\n' "$ERR" | grep -q 'retry'; then
    fail "untrusted certificate: not retried" "$ERR"
else
    ok "untrusted certificate: not retried"
fi

run env SETTLE_CA_FILE="$T_TMP/tls-cert.pem" "$SETTLE" fetch --date 2024-03-05
expect_rc "with ca_file the handshake succeeds (then the page is no API: 65)" 65
expect_match "with ca_file: the answer is what fails" "$ERR" \
    'Get Reports: answer is not JSON'
[ "$(archive_count)" -eq 0 ] && ok "nothing archived" ||
    fail "nothing archived"

finish
