/*
 * currency.c: lookup in the generated ISO 4217 table.
 */
#include <string.h>

#include "core/currency.h"
#include "core/banned.h"

const struct st_currency *
st_currency_find(const char *code, size_t len)
{
    size_t lo = 0;
    size_t hi = st_currency_count;

    if (len != 3)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(code, st_currency_table[mid].code, 3);

        if (c == 0)
            return &st_currency_table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
