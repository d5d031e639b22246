/*
 * currency.h: ISO 4217 currencies and their minor units.
 *
 * The table is generated from ISO 4217 List One by ops/gen-currencies into
 * lib/core/currency_table.c (committed); st_currency_edition names the list's
 * publication date. A code that is not in the table is not money settle can
 * book: callers report it as an unknown currency naming code, file and line.
 * Entries are static: pointers returned here live for the whole program.
 */
#ifndef ST_CURRENCY_H
#define ST_CURRENCY_H

#include <stddef.h>

struct st_currency {
    char code[4];     /* "USD" */
    int number;       /* ISO numeric code, 840 */
    int exponent;     /* minor units: 0, 2, 3 or 4 */
    const char *name; /* "US Dollar" */
};

extern const struct st_currency st_currency_table[];
extern const size_t st_currency_count;
extern const char st_currency_edition[];

/*
 * Returns the currency whose alphabetic code is the len bytes at code
 * (exact, upper case), or NULL when there is none.
 */
const struct st_currency *st_currency_find(const char *code, size_t len);

#endif
