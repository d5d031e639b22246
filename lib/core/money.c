/*
 * money.c: parse, format, add and convert integer money.
 */
#include <string.h>

#include "core/money.h"
#include "core/banned.h"

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

/*
 * The common case of st_money_parse: [-]digits[.digits] with no ',' and
 * at most 18 digits once padded to exponent decimals, so that no multiply
 * can overflow. Returns 1 with *out set, or 0 when the text is anything
 * else (longer, grouped, malformed, extra non-zero decimals): the general
 * parser then decides, with its messages.
 */
static int
parse_plain(const char *s, size_t len, int exponent, int64_t *out)
{
    const char *p = s;
    const char *e = s + len;
    const char *start;
    uint64_t v = 0; /* wraps harmlessly past 19 digits: refused below */
    unsigned d;
    int kept; /* digits pushed into v */
    int frac = 0;

    if (p < e && *p == '-')
        p++;
    start = p;
    while (p < e && (d = (unsigned)(unsigned char)*p - '0') < 10) {
        v = v * 10 + d;
        p++;
    }
    kept = (int)(p - start);
    if (kept == 0 || kept > 18)
        return 0;
    if (p < e) {
        const char *f;

        if (*p != '.' || ++p == e)
            return 0;
        f = p;
        while (p < e && frac < exponent &&
               (d = (unsigned)(unsigned char)*p - '0') < 10) {
            v = v * 10 + d;
            p++;
            frac++;
        }
        while (p < e && *p == '0') /* zeros past the currency's decimals */
            p++;
        if (p < e || p == f)
            return 0;
        kept += frac;
    }
    if (kept + (exponent - frac) > 18)
        return 0;
    for (; frac < exponent; frac++)
        v *= 10;
    *out = s[0] == '-' ? -(int64_t)v : (int64_t)v;
    return 1;
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
    if (parse_plain(s, len, exponent, out))
        return 0;
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

/* "00".."99": two digits per division by 100. */
static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

/* 10^0 .. 10^19 */
static const uint64_t pow10_u64[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

/*
 * Writes mag ending at end, from the last digit back: exactly exponent
 * decimals after sep (none and no sep for 0), then nint integer digits,
 * two per division. Returns the first byte written. Two copies: 32-bit
 * division is the cheaper one, and most amounts fit.
 */
static char *
put_back32(char *end, uint32_t mag, int exponent, int nint, char sep)
{
    char *p = end;
    int k;

    for (k = exponent; k >= 2; k -= 2) {
        p -= 2;
        memcpy(p, digit_pairs + (size_t)2 * (mag % 100), 2);
        mag /= 100;
    }
    if (k == 1) {
        *--p = (char)('0' + (int)(mag % 10));
        mag /= 10;
    }
    if (exponent > 0)
        *--p = sep;
    for (k = nint; k >= 2; k -= 2) {
        p -= 2;
        memcpy(p, digit_pairs + (size_t)2 * (mag % 100), 2);
        mag /= 100;
    }
    if (k == 1)
        *--p = (char)('0' + (int)(mag % 10));
    return p;
}

static char *
put_back64(char *end, uint64_t mag, int exponent, int nint, char sep)
{
    char *p = end;
    int k;

    for (k = exponent; k >= 2; k -= 2) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (mag % 100), 2);
        mag /= 100;
    }
    if (k == 1) {
        *--p = (char)('0' + (int)(mag % 10));
        mag /= 10;
    }
    if (exponent > 0)
        *--p = sep;
    for (k = nint; k >= 2; k -= 2) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (mag % 100), 2);
        mag /= 100;
    }
    if (k == 1)
        *--p = (char)('0' + (int)(mag % 10));
    return p;
}

int
st_money_format(int64_t v, int exponent, char decimal_sep, char *out,
                size_t size)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int ndigits = 1; /* of mag */
    int nint;        /* integer digits written */
    size_t len;
    char *p;

    if (exponent < 0 || exponent > 18)
        return ST_ERR_INTERNAL;
    while (ndigits < 20 && mag >= pow10_u64[ndigits])
        ndigits++;
    /* Exactly exponent decimals, then at least one integer digit. */
    nint = ndigits > exponent ? ndigits - exponent : 1;
    len = (size_t)nint + (size_t)exponent + (exponent > 0) + (v < 0);
    if (len + 1 > size) {
        if (size > 0)
            out[0] = '\0';
        return ST_ERR_TOOLONG;
    }
    out[len] = '\0';
    if (mag <= UINT32_MAX)
        p = put_back32(out + len, (uint32_t)mag, exponent, nint, decimal_sep);
    else
        p = put_back64(out + len, mag, exponent, nint, decimal_sep);
    if (v < 0)
        *--p = '-';
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

/*
 * The sig significant digits of num / den, rounded half-even, into
 * digits[] (most significant first, *nd of them), and the power of ten p
 * they are to be multiplied by.
 */
static int
ratio_digits(const struct st_rate *num, const struct st_rate *den, int sig,
             char *digits, int *nd, int *p)
{
    st_i128 n = num->value;
    st_i128 d = den->value;
    st_i128 lo = 1;
    st_i128 hi;
    st_i128 q;
    int e = 0; /* n / d == (num / den) * 10^e, ignoring the scales */
    int i;

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
    *p = den->scale - num->scale - e;
    for (*nd = 0; q > 0; q /= 10)
        digits[(*nd)++] = (char)('0' + (int)(q % 10));
    for (i = 0; i < *nd / 2; i++) {
        char c = digits[i];

        digits[i] = digits[*nd - 1 - i];
        digits[*nd - 1 - i] = c;
    }
    return 0;
}

int
st_rate_format_ratio(const struct st_rate *num, const struct st_rate *den,
                     int sig, char *out, size_t size)
{
    int p; /* the result is digits * 10^p */
    char digits[40];
    int nd = 0;
    char tmp[128];
    size_t len = 0;
    int intlen;
    int i;
    int rc;

    if (size > 0)
        out[0] = '\0';
    if (sig < 1 || sig > 30 || num->value <= 0 || den->value <= 0)
        return ST_ERR_INTERNAL;
    if ((rc = ratio_digits(num, den, sig, digits, &nd, &p)) != 0)
        return rc;
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
