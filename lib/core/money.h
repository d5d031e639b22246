/*
 * money.h: exact money. An amount is an int64_t count of minor units of its
 * currency (cents for USD, yen for JPY, fils for BHD); a currency's exponent
 * comes from lib/core/currency.h. No function here uses floating point.
 *
 * Parsing accepts [-]digits[.digits] only (and ',' thousands groups when
 * asked), refuses more non-zero decimals than the currency has, and checks
 * overflow before every multiply-add. Sums go through st_money_add/sub,
 * which fail with ST_ERR_OVERFLOW instead of wrapping.
 *
 * An exchange rate is an exact decimal, value * 10^-scale (ECB quotes such
 * as 1.0856 or 161.23). A conversion computes in 128-bit integers and rounds
 * half-even exactly once, at the end.
 */
#ifndef ST_MONEY_H
#define ST_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

__extension__ typedef __int128 st_i128;

/* The longest formatted amount: sign, 19 digits, point, NUL, spare. */
#define ST_MONEY_FMT_MAX 32

enum st_money_parse_flags {
    ST_MONEY_THOUSANDS = (1 << 0) /* accept 1,234,567.89 */
};

/* An exact positive decimal: value * 10^-scale. */
struct st_rate {
    int64_t value;
    int scale; /* 0..18 */
};

/*
 * Parses the len bytes at s as an amount with exponent decimals into *out
 * (minor units). Extra decimals are accepted only when they are zeros
 * ("1500.00" for JPY). Fails with ST_ERR_DATA (junk, too many decimals) or
 * ST_ERR_OVERFLOW (beyond +-INT64_MAX minor units); err's message quotes
 * the text. *out is 0 on failure.
 */
int st_money_parse(const char *s, size_t len, int exponent, unsigned flags,
                   int64_t *out, struct st_err *err);

/*
 * Writes v with exactly exponent decimals ("-1234.50", "1500", "1.250") to
 * out, using decimal_sep as the decimal point. Returns the length written,
 * or ST_ERR_TOOLONG when size is too small (out is then empty).
 */
int st_money_format(int64_t v, int exponent, char decimal_sep, char *out,
                    size_t size);

/* *out = a + b, or ST_ERR_OVERFLOW (then *out is untouched). */
int st_money_add(int64_t a, int64_t b, int64_t *out);

/* *out = a - b, or ST_ERR_OVERFLOW (then *out is untouched). */
int st_money_sub(int64_t a, int64_t b, int64_t *out);

/*
 * Parses a positive decimal rate ("1.0856", "161.23", "1") into *out: at
 * most 18 significant digits and 18 decimals. ST_ERR_DATA for junk, zero or
 * too many digits.
 */
int st_rate_parse(const char *s, size_t len, struct st_rate *out,
                  struct st_err *err);

/*
 * Converts amount (minor units, from_exp decimals) into minor units of a
 * currency with to_exp decimals at the rate num / den, rounding half-even
 * once: result = amount * num / den. For an ECB cross rate from A to B, num
 * is B's quote and den A's (both "units per EUR"); for a direct rate den is
 * 1 (value 1, scale 0). ST_ERR_OVERFLOW when the result does not fit.
 */
int st_money_convert(int64_t amount, int from_exp, int to_exp,
                     const struct st_rate *num, const struct st_rate *den,
                     int64_t *out, struct st_err *err);

/*
 * Writes num / den rounded half-even to sig significant digits (1..30),
 * trailing zeros stripped ("1.0856", "0.006213545", "161.23"), to out.
 * Returns the length, or ST_ERR_TOOLONG / ST_ERR_OVERFLOW.
 */
int st_rate_format_ratio(const struct st_rate *num, const struct st_rate *den,
                         int sig, char *out, size_t size);

/* Rounds n / d half-even (d != 0, any signs). */
st_i128 st_i128_div_half_even(st_i128 n, st_i128 d);

#endif
