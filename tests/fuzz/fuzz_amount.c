/*
 * fuzz_amount.c: libFuzzer target for the exact-number parsers: amounts
 * (lib/core/money, with and without thousands separators, exponents 0..4),
 * ECB rates and report date-times. Beyond "no crash" it checks a round
 * trip: an amount that parses, formatted and parsed again, is the same
 * number; a date-time that parses formats as a valid UTC instant.
 *
 * The first byte picks the exponent and flags; the rest is the text.
 * Built and run by tests/fuzz/run (make fuzz).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/money.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct st_err err;
    const char *s;
    size_t n;
    int exponent;
    unsigned flags;
    int64_t v = 0;
    int64_t again = 0;
    int64_t epoch = 0;
    struct st_rate rate;
    char buf[ST_MONEY_FMT_MAX];
    char dt[ST_DATETIME_LEN + 1];
    int len;

    if (size < 1)
        return 0;
    exponent = data[0] % 5;
    flags = (data[0] & 0x80) ? ST_MONEY_THOUSANDS : 0;
    s = (const char *)data + 1;
    n = size - 1;
    if (st_money_parse(s, n, exponent, flags, &v, &err) == 0) {
        len = st_money_format(v, exponent, '.', buf, sizeof(buf));
        if (len <= 0 ||
            st_money_parse(buf, (size_t)len, exponent, 0, &again, &err) != 0 ||
            again != v)
            abort();
    } else if (v != 0) {
        abort(); /* *out is 0 on failure */
    }
    if (st_rate_parse(s, n, &rate, &err) == 0 &&
        (rate.value <= 0 || rate.scale < 0 || rate.scale > 18))
        abort();
    if (st_datetime_parse(s, n, &epoch, &err) == 0) {
        st_datetime_format(epoch, dt);
        if (strlen(dt) != ST_DATETIME_LEN ||
            st_datetime_parse(dt, ST_DATETIME_LEN, &again, &err) != 0 ||
            again != epoch)
            abort();
    }
    return 0;
}
