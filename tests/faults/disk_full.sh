#!/bin/sh
# disk_full.sh: out_dir and archive_dir on a small tmpfs that fills up.
# The report of a date rerun with no room left at three points (the first
# CSV, a later CSV, the workbook's zip) exits 73/74 naming the reason (No
# space left on device), leaves the date's previous statements as they
# were and no temporary directory; with room again it writes the same
# bytes. An archive that fills during fetch: the same, and a run with room
# again gives the statements of an uninterrupted run. Needs root (mount).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faults.inc"

small=$T_TMP/small
mkdir -p "$small"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=1m tmpfs "$small" 2>/dev/null; then
    skip "disk full" "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
    finish
    exit
fi
trap 'umount "$small" 2>/dev/null; rm -rf "$T_TMP"' EXIT

# fill KB: leaves about KB kilobytes free on the tmpfs.
fill() {
    avail=$(df -k --output=avail "$small" | tail -1)
    dd if=/dev/zero of="$small/filler" bs=1k count=$((avail - $1)) \
        2>/dev/null
}

fault_db ref || { fail "reference database"; finish; exit 1; }
settle_run
expect_rc "an uninterrupted run" 0
want=$(digest "$F_OUT")

# ------------------------------------------------------------ the report
fault_db full || fail "database"
sed -i "s|^out_dir = .*|out_dir = $small/out|" "$F_CONF"
F_OUT=$small/out
settle_run
expect_rc "a run with room" 0
before=$(digest "$F_OUT")
for leave in 0 12 44; do
    fill "$leave"
    run "$SETTLE" --config "$F_CONF" report --date "$TO"
    case $RC in 73 | 74) ok "$leave KB left: the report exits $RC" ;;
    *) fail "$leave KB left: the report exits 73 or 74" "exit $RC: $ERR" ;; esac
    expect_match "$leave KB left: naming the reason" "$ERR" \
        "No space left on device"
    rm -f "$small/filler"
    if [ "$(digest "$F_OUT")" = "$before" ]; then
        ok "$leave KB left: the previous statements intact"
    else
        fail "$leave KB left: the previous statements intact"
    fi
    left=$(leftovers)
    if [ -z "$left" ]; then ok "$leave KB left: no temporary directory"; else
        fail "$leave KB left: no temporary directory" "$left"; fi
done
expect_match "the workbook's zip error says why" "$ERR" \
    'cannot write the workbook: .*ZIP_ERRNO.*: No space left on device'
# A file-size limit (ulimit -f): the write fails with EFBIG, not a signal.
run sh -c 'ulimit -f 8 && exec "$@"' sh "$SETTLE" --config "$F_CONF" \
    report --date "$TO"
expect_rc "a file-size limit: the report exits 74" 74
expect_match "naming the reason" "$ERR" "File too large"
if [ "$(digest "$F_OUT")" = "$before" ] && [ -z "$(leftovers)" ]; then
    ok "a file-size limit: the previous statements intact, nothing left"
else
    fail "a file-size limit: the previous statements intact, nothing left"
fi
run "$SETTLE" --config "$F_CONF" report --date "$TO"
expect_rc "room again: the report exits 0" 0
if [ "$(digest "$F_OUT")" = "$want" ]; then
    ok "room again: the bytes of an uninterrupted run"
else
    fail "room again: the bytes of an uninterrupted run"
fi

# ------------------------------------------------------------ the archive
rm -rf "${small:?}/out"
fault_db arch || fail "database"
sed -i "s|^archive_dir = .*|archive_dir = $small/archive|" "$F_CONF"
F_ARCHIVE=$small/archive
fill 0
settle_run
case $RC in 73 | 74) ok "a full archive: the run exits $RC" ;;
*) fail "a full archive: the run exits 73 or 74" "exit $RC: $ERR" ;; esac
expect_match "naming the reason" "$ERR" "No space left on device"
rm -f "$small/filler"
partial=$(find "$F_ARCHIVE" -type f -size 0 2>/dev/null; leftovers)
if [ -z "$partial" ]; then ok "no partial or temporary archive file"; else
    fail "no partial or temporary archive file" "$partial"; fi
settle_run
expect_rc "room again: the run exits 0" 0
if [ "$(digest "$F_OUT")" = "$want" ]; then
    ok "room again: the statements of an uninterrupted run"
else
    fail "room again: the statements of an uninterrupted run"
fi
finish
