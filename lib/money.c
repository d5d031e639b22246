/*
 * money.c: parse, format, add and convert integer money.
 */
#include <string.h>

#include "money.h"
#include "banned.h"

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* v = v * 10 + d, or -1 on overflow past INT64_MAX. */
static int
push_digit(int64_t *v, int d)
{
    if (*v > (INT64_MAX - d) / 10)
        return -1;
    *v = *v * 10 + d;
    return 0;
}

int
st_money_parse(const char *s, size_t len, int exponent, unsigned flags,
               int64_t *out, struct st_err *err)
{
    size_t i = 0;
    int neg = 0;
    int64_t v = 0;
    int ndigits = 0; /* integer digits */
    int group = -1;  /* digits since the last ',' (-1: none seen) */
    int frac = 0;    /* fraction digits kept */
    int i_len = (int)(len > 64 ? 64 : len);

    *out = 0;
    if (exponent < 0 || exponent > 18)
        return st_err_set(err, ST_ERR_INTERNAL, "bad exponent %d", exponent);
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    for (; i < len && s[i] != '.'; i++) {
        if (s[i] == ',' && (flags & ST_MONEY_THOUSANDS)) {
            /* first group 1-3 digits, later groups exactly 3 */
            if (ndigits == 0 || (group >= 0 && group != 3) ||
                (group < 0 && ndigits > 3))
                goto junk;
            group = 0;
            continue;
        }
        if (!is_digit(s[i]))
            goto junk;
        if (push_digit(&v, s[i] - '0') != 0)
            goto overflow;
        ndigits++;
        if (group >= 0)
            group++;
    }
    if (ndigits == 0 || (group >= 0 && group != 3))
        goto junk;
    if (i < len) {
        i++; /* '.' */
        if (i == len)
            goto junk;
        for (; i < len; i++) {
            if (!is_digit(s[i]))
                goto junk;
            if (frac < exponent) {
                if (push_digit(&v, s[i] - '0') != 0)
                    goto overflow;
                frac++;
            } else if (s[i] != '0') {
                return st_err_set(err, ST_ERR_DATA,
                                  "amount '%.*s' has more than %d decimal%s",
                                  i_len, s, exponent, exponent == 1 ? "" : "s");
            }
        }
    }
    for (; frac < exponent; frac++)
        if (push_digit(&v, 0) != 0)
            goto overflow;
    *out = neg ? -v : v;
    return 0;
junk:
    return st_err_set(err, ST_ERR_DATA, "invalid amount '%.*s'", i_len, s);
overflow:
    return st_err_set(err, ST_ERR_OVERFLOW, "amount '%.*s' is out of range",
                      i_len, s);
}

int
st_money_format(int64_t v, int exponent, char decimal_sep, char *out,
                size_t size)
{
    char tmp[ST_MONEY_FMT_MAX];
    size_t n = 0;
    size_t len;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int digits = 0;
    size_t i;

    if (exponent < 0 || exponent > 18)
        return ST_ERR_INTERNAL;
    /* Digits in reverse, with the point after `exponent` of them. */
    do {
        tmp[n++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
        digits++;
        if (digits == exponent)
            tmp[n++] = decimal_sep;
    } while (mag > 0 || digits <= exponent);
    if (v < 0)
        tmp[n++] = '-';
    len = n;
    if (len + 1 > size) {
        if (size > 0)
            out[0] = '\0';
        return ST_ERR_TOOLONG;
    }
    for (i = 0; i < len; i++)
        out[i] = tmp[len - 1 - i];
    out[len] = '\0';
    return (int)len;
}

int
st_money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r))
        return ST_ERR_OVERFLOW;
    *out = r;
    return 0;
}

int
st_money_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;

    if (__builtin_sub_overflow(a, b, &r))
        return ST_ERR_OVERFLOW;
    *out = r;
    return 0;
}

int
st_rate_parse(const char *s, size_t len, struct st_rate *out,
              struct st_err *err)
{
    size_t i = 0;
    int64_t v = 0;
    int digits = 0;
    int scale = 0;
    int seen_point = 0;
    int i_len = (int)(len > 64 ? 64 : len);

    out->value = 0;
    out->scale = 0;
    if (len == 0)
        goto junk;
    for (; i < len; i++) {
        if (s[i] == '.' && !seen_point && i > 0 && i + 1 < len) {
            seen_point = 1;
            continue;
        }
        if (!is_digit(s[i]))
            goto junk;
        if (v == 0 && s[i] == '0' && !seen_point)
            continue; /* leading zeros */
        if (digits == 18 || push_digit(&v, s[i] - '0') != 0)
            return st_err_set(err, ST_ERR_DATA,
                              "rate '%.*s' has too many digits", i_len, s);
        if (v > 0)
            digits++;
        if (seen_point && ++scale > 18)
            return st_err_set(err, ST_ERR_DATA,
                              "rate '%.*s' has too many decimals", i_len, s);
    }
    if (v == 0)
        return st_err_set(err, ST_ERR_DATA, "rate '%.*s' is zero", i_len, s);
    out->value = v;
    out->scale = scale;
    return 0;
junk:
    return st_err_set(err, ST_ERR_DATA, "invalid rate '%.*s'", i_len, s);
}

st_i128
st_i128_div_half_even(st_i128 n, st_i128 d)
{
    st_i128 q = n / d;
    st_i128 r = n % d;
    st_i128 ar = r < 0 ? -r : r;
    st_i128 ad = d < 0 ? -d : d;
    int neg = (n < 0) != (d < 0);

    /* ar > ad - ar is 2 * ar > ad without overflowing near 2^127. */
    if (ar > ad - ar || (ar == ad - ar && (q % 2) != 0))
        q += neg ? -1 : 1;
    return q;
}

/* *v *= 10^k, or -1 on overflow. */
static int
mul_pow10(st_i128 *v, int k)
{
    while (k-- > 0)
        if (__builtin_mul_overflow(*v, (st_i128)10, v))
            return -1;
    return 0;
}

int
st_money_convert(int64_t amount, int from_exp, int to_exp,
                 const struct st_rate *num, const struct st_rate *den,
                 int64_t *out, struct st_err *err)
{
    st_i128 n = amount;
    st_i128 d = den->value;
    st_i128 q;
    int k = to_exp - from_exp - num->scale + den->scale;

    *out = 0;
    if (num->value <= 0 || den->value <= 0)
        return st_err_set(err, ST_ERR_INTERNAL, "conversion by a zero rate");
    if (__builtin_mul_overflow(n, (st_i128)num->value, &n) ||
        mul_pow10(k >= 0 ? &n : &d, k >= 0 ? k : -k) != 0)
        goto overflow;
    q = st_i128_div_half_even(n, d);
    if (q > INT64_MAX || q < -INT64_MAX)
        goto overflow;
    *out = (int64_t)q;
    return 0;
overflow:
    return st_err_set(err, ST_ERR_OVERFLOW,
                      "conversion of %lld minor units overflows",
                      (long long)amount);
}

int
st_rate_format_ratio(const struct st_rate *num, const struct st_rate *den,
                     int sig, char *out, size_t size)
{
    st_i128 n;
    st_i128 d;
    st_i128 lo = 1;
    st_i128 hi;
    st_i128 q;
    int e = 0; /* n / d == (num / den) * 10^e, ignoring the scales */
    int p;     /* the result is digits * 10^p */
    char digits[40];
    int nd = 0;
    char tmp[128];
    size_t len = 0;
    int intlen;
    int i;

    if (size > 0)
        out[0] = '\0';
    if (sig < 1 || sig > 30 || num->value <= 0 || den->value <= 0)
        return ST_ERR_INTERNAL;
    n = num->value;
    d = den->value;
    if (mul_pow10(&lo, sig - 1) != 0)
        return ST_ERR_OVERFLOW;
    hi = lo * 10;
    /* Scale so that lo <= n / d < hi: q gets exactly sig digits. */
    while (n / d < lo) {
        if (mul_pow10(&n, 1) != 0)
            return ST_ERR_OVERFLOW;
        e++;
    }
    while (n / d >= hi) {
        if (mul_pow10(&d, 1) != 0)
            return ST_ERR_OVERFLOW;
        e--;
    }
    q = st_i128_div_half_even(n, d);
    if (q == hi) { /* 9.99..95 rounded up to 10.00..0 */
        q /= 10;
        e--;
    }
    p = den->scale - num->scale - e;
    /* Most significant digit first. */
    for (; q > 0; q /= 10)
        digits[nd++] = (char)('0' + (int)(q % 10));
    for (i = 0; i < nd / 2; i++) {
        char c = digits[i];

        digits[i] = digits[nd - 1 - i];
        digits[nd - 1 - i] = c;
    }
    /* Trailing zeros after the decimal point go. */
    while (p < 0 && nd > 1 && digits[nd - 1] == '0') {
        nd--;
        p++;
    }
    intlen = nd + p; /* digits before the decimal point */
    if ((size_t)nd + (size_t)(p < 0 ? -p : p) + 3 > sizeof(tmp))
        return ST_ERR_TOOLONG;
    if (p >= 0) {
        memcpy(tmp, digits, (size_t)nd);
        len = (size_t)nd;
        for (i = 0; i < p; i++)
            tmp[len++] = '0';
    } else if (intlen > 0) {
        memcpy(tmp, digits, (size_t)intlen);
        len = (size_t)intlen;
        tmp[len++] = '.';
        memcpy(tmp + len, digits + intlen, (size_t)(nd - intlen));
        len += (size_t)(nd - intlen);
    } else {
        tmp[len++] = '0';
        tmp[len++] = '.';
        for (i = 0; i < -intlen; i++)
            tmp[len++] = '0';
        memcpy(tmp + len, digits, (size_t)nd);
        len += (size_t)nd;
    }
    if (len + 1 > size)
        return ST_ERR_TOOLONG;
    memcpy(out, tmp, len);
    out[len] = '\0';
    return (int)len;
}
