/*
 * num.h: the bounded integer parser every settings file, template and
 * database value goes through. Money has its own parser (lib/core/money.h),
 * which knows decimals and currencies.
 */
#ifndef ST_NUM_H
#define ST_NUM_H

#include <stdint.h>

/*
 * Parses s, a whole "[-]digits" decimal with nothing around it, into *out
 * when it lies within [min, max]. Returns 0, or ST_ERR_DATA (*out then
 * untouched) for junk, overflow or a value out of bounds.
 */
int st_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
