/*
 * test_money.c: lib/core/money, exact integer money. Parsing at the int64
 * limits and in 0-, 2-, 3- and 4-decimal currencies, formatting,
 * overflow-checked sums, conversions rounded half-even once (ties both ways,
 * negative ties), cross rates through EUR against hand-computed exact values,
 * and rates.
 *
 * The expected values of the conversions were computed exactly with
 * rational arithmetic (Python's fractions.Fraction) and rounded half-even
 * by hand; each comment shows the exact quotient.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/money.h"
#include "core/banned.h"

/* ---------------------------------------------------------------- parse */

struct parse_case {
    const char *text;
    int exponent;
    unsigned flags;
    int rc;
    int64_t want;
};

static const struct parse_case parse_cases[] = {
    /* valid */
    {"-1,234.56", 2, ST_MONEY_THOUSANDS, 0, -123456},
    {"1,234,567.89", 2, ST_MONEY_THOUSANDS, 0, 123456789},
    {"999,999", 0, ST_MONEY_THOUSANDS, 0, 999999},
    {"1234.56", 2, ST_MONEY_THOUSANDS, 0, 123456},
    {"-1234.56", 2, 0, 0, -123456},
    {"0", 2, 0, 0, 0},
    {"-0", 2, 0, 0, 0},
    {"0.00", 2, 0, 0, 0},
    {"1500", 0, 0, 0, 1500},    /* JPY */
    {"1500.00", 0, 0, 0, 1500}, /* JPY, zeros only */
    {"1500.0", 0, 0, 0, 1500},  /* JPY */
    {"7.12", 2, 0, 0, 712},     /* USD */
    {"7.1", 2, 0, 0, 710},      /* USD, one decimal */
    {"7.120", 2, 0, 0, 712},    /* a trailing zero is not a decimal */
    {"1.250", 3, 0, 0, 1250},   /* BHD */
    {"1.25", 3, 0, 0, 1250},    /* BHD */
    {"-0.001", 3, 0, 0, -1},    /* BHD */
    {"1.2345", 4, 0, 0, 12345}, /* CLF */
    {"1", 4, 0, 0, 10000},      /* CLF */
    {"007.50", 2, 0, 0, 750},   /* leading zeros */
    /* more decimals than the currency has */
    {"7.125", 2, 0, ST_ERR_DATA, 0},
    {"1500.5", 0, 0, ST_ERR_DATA, 0},
    {"1.2505", 3, 0, ST_ERR_DATA, 0},
    {"1.23456", 4, 0, ST_ERR_DATA, 0},
    /* malformed */
    {"1,23.00", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {"12,3456", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {"1234,567", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {",123", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {"1,,234", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {"1,234,", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {"1,234", 2, 0, ST_ERR_DATA, 0}, /* thousands not asked for */
    {"1.234,56", 2, ST_MONEY_THOUSANDS, ST_ERR_DATA, 0},
    {".5", 2, 0, ST_ERR_DATA, 0},
    {"5.", 2, 0, ST_ERR_DATA, 0},
    {"--1", 2, 0, ST_ERR_DATA, 0},
    {"-", 2, 0, ST_ERR_DATA, 0},
    {"+1", 2, 0, ST_ERR_DATA, 0},
    {"1e5", 2, 0, ST_ERR_DATA, 0},
    {"", 2, 0, ST_ERR_DATA, 0},
    {" 1", 2, 0, ST_ERR_DATA, 0},
    {"1 ", 2, 0, ST_ERR_DATA, 0},
    {"1 000", 2, 0, ST_ERR_DATA, 0},
    {"1.2.3", 2, 0, ST_ERR_DATA, 0},
    {"0x10", 2, 0, ST_ERR_DATA, 0},
    {"NaN", 2, 0, ST_ERR_DATA, 0},
    {"1-", 2, 0, ST_ERR_DATA, 0},
    /* the int64 limits, in minor units */
    {"9223372036854775807", 0, 0, 0, INT64_MAX},
    {"92233720368547758.07", 2, 0, 0, INT64_MAX},
    {"-9223372036854775807", 0, 0, 0, -INT64_MAX},
    {"-92233720368547758.07", 2, 0, 0, -INT64_MAX},
    {"922337203685477.5807", 4, 0, 0, INT64_MAX},
    {"9,223,372,036,854,775,807", 0, ST_MONEY_THOUSANDS, 0, INT64_MAX},
    {"9223372036854775808", 0, 0, ST_ERR_OVERFLOW, 0},
    {"92233720368547758.08", 2, 0, ST_ERR_OVERFLOW, 0},
    {"-9223372036854775808", 0, 0, ST_ERR_OVERFLOW, 0},
    {"92233720368547758", 3, 0, ST_ERR_OVERFLOW, 0}, /* * 1000 */
    {"99999999999999999999999", 0, 0, ST_ERR_OVERFLOW, 0},
    /* 18 digits once padded (the plain case), then 19 (the general one) */
    {"999999999999999999", 0, 0, 0, 999999999999999999},
    {"-9999999999999999.99", 2, 0, 0, -999999999999999999},
    {"99999999999999999.9", 1, 0, 0, 999999999999999999},
    {"999999999999999999.000", 0, 0, 0, 999999999999999999},
    {"0000000000000000001", 2, 0, 0, 100},
    {"1000000000000000000", 0, 0, 0, 1000000000000000000},
    {"9999999999999999999", 0, 0, ST_ERR_OVERFLOW, 0},
    {"99999999999999999.99", 2, 0, ST_ERR_OVERFLOW, 0},
    {"999999999999999999", 1, 0, ST_ERR_OVERFLOW, 0},
    {"999999999999999999.5", 0, 0, ST_ERR_DATA, 0},
};

static void
test_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];
        struct st_err err;
        int64_t v = 42;
        int rc;

        st_err_clear(&err);
        rc = st_money_parse(c->text, strlen(c->text), c->exponent, c->flags, &v,
                            &err);
        print_message("parse '%s' exp %d -> rc %d v %lld\n", c->text,
                      c->exponent, rc, (long long)v);
        assert_int_equal(rc, c->rc);
        assert_true(v == c->want);
        if (rc != 0) {
            assert_int_equal(err.code, rc);
            /* The message quotes the text. */
            assert_non_null(strstr(err.msg, c->text));
        }
    }
}

/* The length bounds the text: bytes after it are not read. */
static void
test_parse_len(void **state)
{
    int64_t v = 0;

    (void)state;
    assert_int_equal(st_money_parse("12.34xyz", 5, 2, 0, &v, NULL), 0);
    assert_true(v == 1234);
    assert_int_equal(st_money_parse("12.34", 0, 2, 0, &v, NULL), ST_ERR_DATA);
    assert_int_equal(st_money_parse("1", 1, 19, 0, &v, NULL), ST_ERR_INTERNAL);
    assert_int_equal(st_money_parse("1", 1, -1, 0, &v, NULL), ST_ERR_INTERNAL);
}

/* ---------------------------------------------------------------- format */

struct format_case {
    int64_t v;
    int exponent;
    char sep;
    const char *want;
};

static const struct format_case format_cases[] = {
    {0, 2, '.', "0.00"},
    {0, 0, '.', "0"},
    {5, 2, '.', "0.05"},
    {-5, 2, '.', "-0.05"},
    {-123450, 2, '.', "-1234.50"},
    {1500, 0, '.', "1500"},
    {-1500, 0, '.', "-1500"},
    {1250, 3, '.', "1.250"},
    {-1, 3, '.', "-0.001"},
    {12345, 4, '.', "1.2345"},
    {1, 4, '.', "0.0001"},
    {123456, 2, ',', "1234,56"},
    {INT64_MAX, 0, '.', "9223372036854775807"},
    {99, 0, '.', "99"},
    {100, 0, '.', "100"},
    {-9, 1, '.', "-0.9"},
    {-10, 1, '.', "-1.0"},
    {999999999999999999, 3, '.', "999999999999999.999"},
    {1000000000000000000, 18, '.', "1.000000000000000000"},
    {INT64_MIN, 0, '.', "-9223372036854775808"},
    {INT64_MAX, 2, '.', "92233720368547758.07"},
    {-INT64_MAX, 2, '.', "-92233720368547758.07"},
    {INT64_MIN, 2, '.', "-92233720368547758.08"},
    {INT64_MAX, 18, '.', "9.223372036854775807"},
    {1, 18, '.', "0.000000000000000001"},
};

static void
test_format(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
        const struct format_case *c = &format_cases[i];
        char out[ST_MONEY_FMT_MAX];
        int n;

        n = st_money_format(c->v, c->exponent, c->sep, out, sizeof(out));
        assert_string_equal(out, c->want);
        assert_int_equal(n, (int)strlen(c->want));
    }
}

/* Every formatted value parses back to itself. */
static void
test_format_round_trip(void **state)
{
    static const int64_t values[] = {0,    1,         -1,        99,
                                     -100, 123456789, INT64_MAX, -INT64_MAX};
    static const int exps[] = {0, 2, 3, 4};
    size_t i;
    size_t j;

    (void)state;
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        for (j = 0; j < sizeof(exps) / sizeof(exps[0]); j++) {
            char out[ST_MONEY_FMT_MAX];
            int64_t back = 0;
            int n = st_money_format(values[i], exps[j], '.', out, sizeof(out));

            assert_true(n > 0);
            assert_int_equal(
                st_money_parse(out, (size_t)n, exps[j], 0, &back, NULL), 0);
            assert_true(back == values[i]);
        }
    }
}

static void
test_format_small_buffer(void **state)
{
    char out[9];

    (void)state;
    memset(out, 'x', sizeof(out));
    /* 8 characters and the NUL fit exactly */
    assert_int_equal(st_money_format(-123456, 2, '.', out, sizeof(out)), 8);
    assert_string_equal(out, "-1234.56");
    /* 9 characters do not */
    assert_int_equal(st_money_format(-1234567, 2, '.', out, sizeof(out)),
                     ST_ERR_TOOLONG);
    assert_string_equal(out, "");
    assert_int_equal(st_money_format(1, 19, '.', out, sizeof(out)),
                     ST_ERR_INTERNAL);
}

/* ---------------------------------------------------------------- add/sub */

/* a + b is sum or add_rc, a - b is diff or sub_rc */
struct arith_case {
    int64_t a;
    int64_t b;
    int64_t sum;
    int64_t diff;
    int add_rc;
    int sub_rc;
};

static const struct arith_case arith_cases[] = {
    {.a = 1, .b = 2, .sum = 3, .diff = -1},
    {.a = -5, .b = 5, .sum = 0, .diff = -10},
    {.a = INT64_MAX, .b = 0, .sum = INT64_MAX, .diff = INT64_MAX},
    {.a = INT64_MAX, .b = 1, .add_rc = ST_ERR_OVERFLOW, .diff = INT64_MAX - 1},
    {.a = INT64_MAX - 1, .b = 1, .sum = INT64_MAX, .diff = INT64_MAX - 2},
    {.a = INT64_MIN, .b = -1, .add_rc = ST_ERR_OVERFLOW, .diff = INT64_MIN + 1},
    {.a = INT64_MIN, .b = 1, .sum = INT64_MIN + 1, .sub_rc = ST_ERR_OVERFLOW},
    {.a = 0, .b = INT64_MIN, .sum = INT64_MIN, .sub_rc = ST_ERR_OVERFLOW},
    {.a = -1, .b = INT64_MIN, .add_rc = ST_ERR_OVERFLOW, .diff = INT64_MAX},
    {.a = INT64_MAX, .b = INT64_MAX, .add_rc = ST_ERR_OVERFLOW, .diff = 0},
    {.a = INT64_MAX, .b = -1, .sum = INT64_MAX - 1, .sub_rc = ST_ERR_OVERFLOW},
};

static void
test_add_sub(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(arith_cases) / sizeof(arith_cases[0]); i++) {
        const struct arith_case *c = &arith_cases[i];
        int64_t out = 77;

        assert_int_equal(st_money_add(c->a, c->b, &out), c->add_rc);
        assert_true(out == (c->add_rc == 0 ? c->sum : 77));
        out = 77;
        assert_int_equal(st_money_sub(c->a, c->b, &out), c->sub_rc);
        assert_true(out == (c->sub_rc == 0 ? c->diff : 77));
    }
}

/* ---------------------------------------------------------------- rates */

struct rate_case {
    const char *text;
    int64_t value;
    int rc;
    int scale;
};

/* an error leaves value and scale 0 */
static const struct rate_case rate_cases[] = {
    {.text = "1.0856", .value = 10856, .scale = 4},
    {.text = "161.23", .value = 16123, .scale = 2},
    {.text = "1", .value = 1, .scale = 0},
    {.text = "0.85775", .value = 85775, .scale = 5},
    {.text = "0.0056", .value = 56, .scale = 4},
    {.text = "007.50", .value = 750, .scale = 2},
    {.text = "123456789012345678", .value = 123456789012345678, .scale = 0},
    {.text = "0.123456789012345678", .value = 123456789012345678, .scale = 18},
    {.text = "0.000000000000000001", .value = 1, .scale = 18},
    {.text = "1234567890123456789", .rc = ST_ERR_DATA},   /* 19 digits */
    {.text = "1.234567890123456789", .rc = ST_ERR_DATA},  /* 19 digits */
    {.text = "0.0000000000000000001", .rc = ST_ERR_DATA}, /* 19 decimals */
    {.text = "0", .rc = ST_ERR_DATA},
    {.text = "0.000", .rc = ST_ERR_DATA},
    {.text = "", .rc = ST_ERR_DATA},
    {.text = "-1.5", .rc = ST_ERR_DATA},
    {.text = "+1.5", .rc = ST_ERR_DATA},
    {.text = ".5", .rc = ST_ERR_DATA},
    {.text = "5.", .rc = ST_ERR_DATA},
    {.text = ".", .rc = ST_ERR_DATA},
    {.text = "1.2.3", .rc = ST_ERR_DATA},
    {.text = "1e3", .rc = ST_ERR_DATA},
    {.text = "1,5", .rc = ST_ERR_DATA},
    {.text = " 1", .rc = ST_ERR_DATA},
    {.text = "N/A", .rc = ST_ERR_DATA},
};

static void
test_rate_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rate_cases) / sizeof(rate_cases[0]); i++) {
        const struct rate_case *c = &rate_cases[i];
        struct st_rate r = {99, 99};
        struct st_err err;
        int rc;

        st_err_clear(&err);
        rc = st_rate_parse(c->text, strlen(c->text), &r, &err);
        print_message("rate '%s' -> rc %d %lld e-%d\n", c->text, rc,
                      (long long)r.value, r.scale);
        assert_int_equal(rc, c->rc);
        assert_true(r.value == c->value);
        assert_int_equal(r.scale, c->scale);
        if (rc != 0)
            assert_non_null(strstr(err.msg, c->text));
    }
}

/* ---------------------------------------------------------------- convert */

struct convert_case {
    const char *what;
    int64_t amount;
    int from_exp;
    int to_exp;
    const char *num;
    const char *den;
    int rc;
    int64_t want;
};

static const struct convert_case convert_cases[] = {
    /* ties, half-even both ways, at rate 1 from 3 to 2 decimals */
    {"0.125 -> 0.12", 125, 3, 2, "1", "1", 0, 12},
    {"0.135 -> 0.14", 135, 3, 2, "1", "1", 0, 14},
    {"0.145 -> 0.14", 145, 3, 2, "1", "1", 0, 14},
    {"-0.125 -> -0.12", -125, 3, 2, "1", "1", 0, -12},
    {"-0.135 -> -0.14", -135, 3, 2, "1", "1", 0, -14},
    {"0.126 -> 0.13", 126, 3, 2, "1", "1", 0, 13},
    {"0.124 -> 0.12", 124, 3, 2, "1", "1", 0, 12},
    {"-0.126 -> -0.13", -126, 3, 2, "1", "1", 0, -13},
    /* ties made by the rate: 0.05 * 0.5 = 0.025 -> 0.02, 0.07*0.5 -> 0.04 */
    {"0.05 * 0.5", 5, 2, 2, "0.5", "1", 0, 2},
    {"0.07 * 0.5", 7, 2, 2, "0.5", "1", 0, 4},
    {"-0.07 * 0.5", -7, 2, 2, "0.5", "1", 0, -4},
    /* ties to 0 decimals: 2.5 -> 2, 3.5 -> 4 (JPY) */
    {"2.50 -> 2", 250, 2, 0, "1", "1", 0, 2},
    {"3.50 -> 4", 350, 2, 0, "1", "1", 0, 4},
    {"-2.50 -> -2", -250, 2, 0, "1", "1", 0, -2},
    /* widening exponents are exact */
    {"JPY 1500 -> 2 decimals", 1500, 0, 2, "1", "1", 0, 150000},
    {"USD 1.00 -> CLF 4", 100, 2, 4, "1", "1", 0, 10000},
    /* direct rates */
    {"100.00 * 1.0856", 10000, 2, 2, "1.0856", "1", 0, 10856},
    {"EUR 100.00 -> JPY at 161.23", 10000, 2, 0, "161.23", "1", 0, 16123},
    /*
     * Cross rates through EUR: from USD (1.0856 per EUR) to GBP (0.85775
     * per EUR) is amount * 0.85775 / 1.0856, rounded once.
     * 1234.56 USD: 123456 * 0.85775 / 1.0856 = 97544.568901989...
     */
    {"USD 1234.56 -> GBP", 123456, 2, 2, "0.85775", "1.0856", 0, 97545},
    {"USD -1234.56 -> GBP", -123456, 2, 2, "0.85775", "1.0856", 0, -97545},
    /* 100.00 USD -> JPY (161.23 per EUR): 14851.6949152542... */
    {"USD 100.00 -> JPY", 10000, 2, 0, "161.23", "1.0856", 0, 14852},
    /*
     * Where rounding twice differs. 0.03 USD -> GBP exactly is
     * 3 * 0.85775 / 1.0856 = 2.37034819... -> 0.02 GBP. Rounding through
     * EUR first gives 3 / 1.0856 = 2.763... -> 0.03 EUR, then
     * 3 * 0.85775 = 2.57325 -> 0.03 GBP: one cent too much.
     */
    {"USD 0.03 -> GBP single rounding", 3, 2, 2, "0.85775", "1.0856", 0, 2},
    /*
     * 0.01 USD -> JPY: 1 * 161.23 / 1.0856 / 100 = 1.48516949... -> 1 JPY;
     * through EUR: 0.01 EUR, then 1.6123 -> 2 JPY.
     */
    {"USD 0.01 -> JPY single rounding", 1, 2, 0, "161.23", "1.0856", 0, 1},
    /* limits */
    {"INT64_MAX at 1", INT64_MAX, 2, 2, "1", "1", 0, INT64_MAX},
    {"-INT64_MAX at 1", -INT64_MAX, 2, 2, "1", "1", 0, -INT64_MAX},
    {"INT64_MAX * 2", INT64_MAX, 2, 2, "2", "1", ST_ERR_OVERFLOW, 0},
    {"INT64_MAX to more decimals", INT64_MAX, 0, 2, "1", "1", ST_ERR_OVERFLOW,
     0},
    {"INT64_MAX * 0.5", INT64_MAX, 2, 2, "0.5", "1", 0,
     4611686018427387904}, /* ...903.5 -> even */
    {"big * big rate", INT64_MAX, 2, 2, "999999999999999999", "1",
     ST_ERR_OVERFLOW, 0},
};

static void
test_convert(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(convert_cases) / sizeof(convert_cases[0]); i++) {
        const struct convert_case *c = &convert_cases[i];
        struct st_rate num;
        struct st_rate den;
        struct st_err err;
        int64_t out = 42;
        int rc;

        st_err_clear(&err);
        assert_int_equal(st_rate_parse(c->num, strlen(c->num), &num, NULL), 0);
        assert_int_equal(st_rate_parse(c->den, strlen(c->den), &den, NULL), 0);
        rc = st_money_convert(c->amount, c->from_exp, c->to_exp, &num, &den,
                              &out, &err);
        print_message("%s -> rc %d out %lld\n", c->what, rc, (long long)out);
        assert_int_equal(rc, c->rc);
        assert_true(out == c->want);
        if (rc != 0)
            assert_int_equal(err.code, rc);
    }
}

/* The case above where two roundings differ really does differ. */
static void
test_convert_double_rounding_differs(void **state)
{
    struct st_rate usd = {10856, 4};
    struct st_rate gbp = {85775, 5};
    struct st_rate one = {1, 0};
    int64_t eur = 0;
    int64_t twice = 0;
    int64_t once = 0;

    (void)state;
    assert_int_equal(st_money_convert(3, 2, 2, &one, &usd, &eur, NULL), 0);
    assert_int_equal(st_money_convert(eur, 2, 2, &gbp, &one, &twice, NULL), 0);
    assert_int_equal(st_money_convert(3, 2, 2, &gbp, &usd, &once, NULL), 0);
    assert_true(eur == 3);
    assert_true(twice == 3);
    assert_true(once == 2);
}

struct div_case {
    int64_t n;
    int64_t d;
    int64_t want;
};

static const struct div_case div_cases[] = {
    {5, 2, 2},
    {7, 2, 4},
    {-5, 2, -2},
    {-7, 2, -4},
    {5, -2, -2},
    {-5, -2, 2},
    {1, 3, 0},
    {2, 3, 1},
    {-2, 3, -1},
    {0, 7, 0},
    {10, 4, 2},
    {14, 4, 4},
    {15, 10, 2},
    {25, 10, 2},
    {-25, 10, -2},
    {1, 1, 1},
    {INT64_MAX, 1, INT64_MAX},
    {INT64_MAX, 2, 4611686018427387904},
};

static void
test_div_half_even(void **state)
{
    size_t i;
    st_i128 big;

    (void)state;
    for (i = 0; i < sizeof(div_cases) / sizeof(div_cases[0]); i++) {
        const struct div_case *c = &div_cases[i];

        assert_true(st_i128_div_half_even(c->n, c->d) == c->want);
    }
    /* Near 2^127 the tie test must not overflow: (2^126 + 1) / 2^126. */
    big = (st_i128)1 << 126;
    assert_true(st_i128_div_half_even(big + 1, big) == 1);
    assert_true(st_i128_div_half_even(big + (big - 1), big) == 2);
    assert_true(st_i128_div_half_even(big - 1, big) == 1);
    /* 2^126 / (3 * 2^125) = 0.67: 2 * remainder would be 2^127 */
    assert_true(st_i128_div_half_even(big, 3 * (big / 2)) == 1);
    assert_true(st_i128_div_half_even(-big, 3 * (big / 2)) == -1);
}

/* ---------------------------------------------------------------- ratio */

struct ratio_case {
    const char *num;
    const char *den;
    int sig;
    const char *want;
};

static const struct ratio_case ratio_cases[] = {
    {"0.85775", "1.0856", 10, "0.7901160648"},
    {"161.23", "1.0856", 10, "148.5169492"},
    {"1.0856", "1", 10, "1.0856"},
    {"1", "161.23", 10, "0.006202319668"},
    {"161.23", "1", 10, "161.23"},
    {"1", "1", 10, "1"},
    {"2", "3", 10, "0.6666666667"},
    {"1", "3", 10, "0.3333333333"},
    {"1", "8", 10, "0.125"},
    {"123456789012", "1", 10, "123456789000"},
    {"1", "0.0001", 10, "10000"},
    {"9.9999999999", "1", 10, "10"},           /* rounds up a digit */
    {"9.99999999949", "1", 10, "9.999999999"}, /* rounds down */
    {"0.000000000000000001", "1", 10, "0.000000000000000001"},
    {"1", "0.000000000000000001", 10, "1000000000000000000"},
    {"2", "3", 1, "0.7"},
    {"25", "100", 1, "0.2"}, /* tie, to even */
    {"35", "100", 1, "0.4"}, /* tie, to even */
    {"1.0856", "1", 3, "1.09"},
};

static void
test_rate_format_ratio(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ratio_cases) / sizeof(ratio_cases[0]); i++) {
        const struct ratio_case *c = &ratio_cases[i];
        struct st_rate num;
        struct st_rate den;
        char out[64];
        int n;

        assert_int_equal(st_rate_parse(c->num, strlen(c->num), &num, NULL), 0);
        assert_int_equal(st_rate_parse(c->den, strlen(c->den), &den, NULL), 0);
        n = st_rate_format_ratio(&num, &den, c->sig, out, sizeof(out));
        print_message("%s / %s sig %d -> %s\n", c->num, c->den, c->sig,
                      n > 0 ? out : "(error)");
        assert_int_equal(n, (int)strlen(c->want));
        assert_string_equal(out, c->want);
    }
}

static void
test_rate_format_ratio_errors(void **state)
{
    struct st_rate one = {1, 0};
    struct st_rate zero = {0, 0};
    struct st_rate third = {3, 0};
    char out[4];

    (void)state;
    assert_int_equal(st_rate_format_ratio(&one, &zero, 10, out, sizeof(out)),
                     ST_ERR_INTERNAL);
    assert_int_equal(st_rate_format_ratio(&one, &one, 0, out, sizeof(out)),
                     ST_ERR_INTERNAL);
    assert_int_equal(st_rate_format_ratio(&one, &one, 31, out, sizeof(out)),
                     ST_ERR_INTERNAL);
    /* "0.3333333333" does not fit in 4 bytes */
    assert_int_equal(st_rate_format_ratio(&one, &third, 10, out, sizeof(out)),
                     ST_ERR_TOOLONG);
    assert_string_equal(out, "");
    assert_int_equal(st_rate_format_ratio(&one, &third, 2, out, sizeof(out)),
                     ST_ERR_TOOLONG);
    assert_int_equal(st_rate_format_ratio(&one, &third, 1, out, sizeof(out)),
                     3);
    assert_string_equal(out, "0.3");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_len),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_format_small_buffer),
        cmocka_unit_test(test_add_sub),
        cmocka_unit_test(test_rate_parse),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_convert_double_rounding_differs),
        cmocka_unit_test(test_div_half_even),
        cmocka_unit_test(test_rate_format_ratio),
        cmocka_unit_test(test_rate_format_ratio_errors),
    };

    return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
