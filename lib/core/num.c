/*
 * num.c: bounded integer parsing, overflow checked before every step.
 */
#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"

int
st_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    int neg = 0;
    uint64_t v = 0;
    int64_t r;

    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (*s == '\0')
        return ST_ERR_DATA;
    for (; *s != '\0'; s++) {
        unsigned d = (unsigned)(*s - '0');

        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return ST_ERR_DATA;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return ST_ERR_DATA;
    r = neg ? (int64_t)(0 - v) : (int64_t)v;
    if (r < min || r > max)
        return ST_ERR_DATA;
    *out = r;
    return 0;
}
