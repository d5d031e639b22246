/*
 * test_fx.c: lib/fx/fx and fx_csv (and st_ecb_url), ECB reference
 * rates. Reading the three ECB layouts (the history file's `Date,USD,...,`
 * with N/A and the trailing comma, the daily file's ", " cells and
 * "15 March 2024" date, the Data Portal's SDMX CSV with its columns by
 * name, quoted cells and NaN), an empty answer, bad cells as located
 * problems, and lookups: the latest quote on or before the day, weekends,
 * cross rates on the latest day quoting both currencies, the age limit,
 * half-even rounding once, and the 10-digit display rate.
 *
 * The rates in the tables are invented (except where a comment names the
 * ECB day they come from); expected conversions were computed exactly with
 * bc at scale 20 and rounded half-even by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/currency.h"
#include "core/date.h"
#include "fx/ecb.h"
#include "fx/fx.h"
#include "fx/fx_csv.h"
#include "skip.h"
#include "core/banned.h"

#define HIST "../shared/reference/ecb/eurofxref-hist.csv"

static int32_t
day(const char *s)
{
    int32_t d = 0;
    struct st_err err;

    assert_int_equal(st_date_parse(s, strlen(s), &d, &err), 0);
    return d;
}

/* Loads text (an ECB CSV) into a new table; problems into p. */
static struct st_fx *
load(const char *text, struct st_problems *p)
{
    struct st_fx *fx = NULL;
    struct st_err err;

    st_problems_init(p);
    assert_int_equal(st_fx_new(&fx, &err), 0);
    {
        FILE *f = NULL;
        char path[] = "/tmp/test_fx_XXXXXX";
        int fd = mkstemp(path);

        assert_true(fd >= 0);
        f = fdopen(fd, "w");
        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(st_fx_load_file(fx, path, p, &err), 0);
        unlink(path);
    }
    return fx;
}

static int
count_quote(void *ctx, const struct st_fx_quote *q, struct st_err *err)
{
    (void)ctx;
    (void)q;
    (void)err;
    return 0;
}

/* Invented quotes. Tuesday 2024-03-05 has no JPY (N/A). */
static const char table[] = "Date,USD,JPY,CYP,GBP,\n"
                            "2024-03-06,1.0874,162.67,N/A,0.85498,\n"
                            "2024-03-05,1.0849,N/A,N/A,0.85543,\n"
                            "2024-03-04,1.0846,163.22,N/A,0.85583,\n"
                            "2024-03-01,1.0813,162.82,N/A,0.85588,\n";

struct lookup_case {
    const char *from;
    const char *to;
    const char *on;
    int rc;
    const char *date; /* of the quotes used */
    const char *text; /* display rate */
};

static const struct lookup_case lookups[] = {
    {"USD", "USD", "2024-03-09", 0, "2024-03-09", "1"},
    {"EUR", "USD", "2024-03-06", 0, "2024-03-06", "1.0874"},
    {"USD", "EUR", "2024-03-06", 0, "2024-03-06", "0.9196247931"},
    /* Saturday and Sunday use Friday */
    {"EUR", "USD", "2024-03-02", 0, "2024-03-01", "1.0813"},
    {"EUR", "USD", "2024-03-03", 0, "2024-03-01", "1.0813"},
    /* after the last quote, within the age limit */
    {"EUR", "GBP", "2024-03-13", 0, "2024-03-06", "0.85498"},
    /* cross: JPY is N/A on 03-05, so both come from 03-04 */
    {"JPY", "USD", "2024-03-05", 0, "2024-03-04", "0.006645018993"},
    {"USD", "JPY", "2024-03-05", 0, "2024-03-04", "150.4886594"},
    {"GBP", "USD", "2024-03-06", 0, "2024-03-06", "1.271842616"},
    /* EUR side with a gap: the JPY quote of 03-04 alone */
    {"EUR", "JPY", "2024-03-05", 0, "2024-03-04", "163.22"},
    /* too old: 8 days after the last quote */
    {"EUR", "USD", "2024-03-14", ST_ERR_DATA, NULL, NULL},
    {"JPY", "GBP", "2024-03-14", ST_ERR_DATA, NULL, NULL},
    /* before the first quote */
    {"EUR", "USD", "2024-02-29", ST_ERR_DATA, NULL, NULL},
    /* no quotes at all */
    {"EUR", "CYP", "2024-03-06", ST_ERR_DATA, NULL, NULL},
    {"BHD", "USD", "2024-03-06", ST_ERR_DATA, NULL, NULL},
};

static void
test_lookup(void **state)
{
    struct st_problems p;
    struct st_fx *fx = load(table, &p);
    size_t i;

    (void)state;
    assert_int_equal(p.total, 0);
    assert_int_equal(st_fx_count(fx), 3 * 4 - 1);
    for (i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
        const struct lookup_case *t = &lookups[i];
        struct st_fx_rate r;
        struct st_err err;
        char d[ST_DATE_LEN + 1];
        int rc;

        st_err_clear(&err);
        rc = st_fx_lookup(fx, t->from, t->to, day(t->on), 7, &r, &err);
        if (rc != t->rc)
            fail_msg("%s->%s on %s: rc %d (%s)", t->from, t->to, t->on, rc,
                     err.msg);
        if (rc != 0) {
            assert_true(strlen(err.msg) > 0);
            continue;
        }
        st_date_format(r.date, d);
        if (strcmp(d, t->date) != 0 || strcmp(r.text, t->text) != 0)
            fail_msg("%s->%s on %s: %s %s", t->from, t->to, t->on, d, r.text);
    }
    st_fx_free(fx);
}

struct apply_case {
    const char *from;
    const char *to;
    const char *on;
    int64_t amount;
    int64_t want;
};

static const struct apply_case applies[] = {
    /* 14460 JPY * 1.0846 / 163.22 = 96.0868... USD */
    {"JPY", "USD", "2024-03-04", 14460, 9609},
    /* -10000.00 EUR * 1.0874 = -10874.00 USD */
    {"EUR", "USD", "2024-03-06", -1000000, -1087400},
    /* 1 cent USD in EUR: 0.01 / 1.0874 = 0.0091963... -> 0.01 */
    {"USD", "EUR", "2024-03-06", 1, 1},
    /* -1 yen into GBP: -0.85583 / 163.22 = -0.00524 -> -0.01 */
    {"JPY", "GBP", "2024-03-04", -1, -1},
    /* 0.46 EUR * 1.0874 = 0.500204 USD -> 0.50 (ties: test_half_even) */
    {"EUR", "USD", "2024-03-06", 46, 50},
    {"USD", "USD", "2024-03-06", -123, -123},
};

static void
test_apply(void **state)
{
    struct st_problems p;
    struct st_fx *fx = load(table, &p);
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(applies) / sizeof(applies[0]); i++) {
        const struct apply_case *t = &applies[i];
        const struct st_currency *from = st_currency_find(t->from, 3);
        const struct st_currency *to = st_currency_find(t->to, 3);
        struct st_fx_rate r;
        struct st_err err;
        int64_t out = 0;

        assert_int_equal(
            st_fx_lookup(fx, t->from, t->to, day(t->on), 7, &r, &err), 0);
        assert_int_equal(st_fx_apply(&r, from, to, t->amount, &out, &err), 0);
        if (out != t->want)
            fail_msg("%lld %s -> %s: %lld, want %lld", (long long)t->amount,
                     t->from, t->to, (long long)out, (long long)t->want);
    }
    st_fx_free(fx);
}

/* A tie rounds to even: 0.25 EUR at 1.1 = 0.275 -> 0.28; at 1.3: 0.325 ->
 * 0.32; never -0.00. */
static void
test_half_even(void **state)
{
    struct st_fx *fx = NULL;
    struct st_fx_rate r;
    struct st_err err;
    struct st_rate a = {11, 1};
    struct st_rate b = {13, 1};
    struct st_rate c = {1000, 0};
    const struct st_currency *eur = st_currency_find("EUR", 3);
    const struct st_currency *usd = st_currency_find("USD", 3);
    const struct st_currency *jpy = st_currency_find("JPY", 3);
    int64_t out;

    (void)state;
    assert_int_equal(st_fx_new(&fx, &err), 0);
    assert_int_equal(st_fx_add(fx, 100, "USD", &a, &err), 0);
    assert_int_equal(st_fx_add(fx, 101, "USD", &b, &err), 0);
    assert_int_equal(st_fx_add(fx, 101, "JPY", &c, &err), 0);
    /* a later quote of the same day replaces the first */
    assert_int_equal(st_fx_add(fx, 100, "USD", &a, &err), 0);
    assert_int_equal(st_fx_add(fx, 100, "EUR", &a, &err), 0); /* ignored */
    st_fx_sort(fx);
    assert_int_equal(st_fx_count(fx), 3);
    assert_int_equal(st_fx_lookup(fx, "EUR", "USD", 100, 7, &r, &err), 0);
    assert_int_equal(st_fx_apply(&r, eur, usd, 25, &out, &err), 0);
    assert_int_equal(out, 28);
    assert_int_equal(st_fx_apply(&r, eur, usd, -25, &out, &err), 0);
    assert_int_equal(out, -28);
    assert_int_equal(st_fx_lookup(fx, "EUR", "USD", 101, 7, &r, &err), 0);
    assert_int_equal(st_fx_apply(&r, eur, usd, 25, &out, &err), 0);
    assert_int_equal(out, 32);
    /* -1 yen is -0.0013 USD: rounds to 0, an integer, never -0.00 */
    assert_int_equal(st_fx_lookup(fx, "JPY", "USD", 101, 7, &r, &err), 0);
    assert_int_equal(st_fx_apply(&r, jpy, usd, -1, &out, &err), 0);
    assert_int_equal(out, 0);
    assert_string_equal(r.text, "0.0013");
    st_fx_free(fx);
}

#define SDMX_HEAD                                                           \
    "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_" \
    "VALUE"
#define SDMX_HEAD_NO_VALUE \
    "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD"

struct bad_case {
    const char *name;
    const char *text;
    long line;
    long col;
    const char *msg;
};

static const struct bad_case bads[] = {
    {"no header", "2024-03-06,1.0874,\n", 1, 1, "expected an ECB header"},
    {"empty", "", 0, 0, "no ECB header row"},
    {"bad code", "Date,US1,\n2024-03-06,1.0874,\n", 1, 2,
     "not a currency code"},
    {"bad date", "Date,USD,\n2024-02-30,1.0874,\n", 2, 1, "invalid date"},
    {"bad rate", "Date,USD,\n2024-03-06,1.08x4,\n", 2, 2, "invalid rate"},
    {"zero rate", "Date,USD,\n2024-03-06,0,\n", 2, 2, "zero"},
    {"negative", "Date,USD,\n2024-03-06,-1.2,\n", 2, 2, "invalid rate"},
    {"too few cells", "Date,USD,JPY,\n2024-03-06,1.0874\n", 2, 0,
     "row has 2 cells"},
    {"too many cells", "Date,USD,\n2024-03-06,1.0874,1,2\n", 2, 0,
     "row has 4 cells"},
    {"malformed", "Date,USD,\n\"2024-03-06\"x,1\n", 2, 0, "malformed"},
    /* the Data Portal's long layout */
    {"SDMX without OBS_VALUE", SDMX_HEAD_NO_VALUE "\n", 1, 1,
     "expected an ECB header"},
    {"SDMX against USD", SDMX_HEAD "\nK,D,JPY,USD,SP00,A,2024-03-06,150\n", 2,
     4, "CURRENCY_DENOM 'USD': want EUR"},
    {"SDMX monthly", SDMX_HEAD "\nK,M,USD,EUR,SP00,A,2024-03,1.08\n", 2, 2,
     "FREQ 'M': want D"},
    {"SDMX not a reference rate",
     SDMX_HEAD "\nK,D,USD,EUR,SP00,E,2024-03-06,1.08\n", 2, 6,
     "EXR_SUFFIX 'E': want A"},
    {"SDMX bad code", SDMX_HEAD "\nK,D,usd,EUR,SP00,A,2024-03-06,1.08\n", 2, 3,
     "CURRENCY 'usd' is not a currency code"},
    {"SDMX bad period", SDMX_HEAD "\nK,D,USD,EUR,SP00,A,2024-03,1.08\n", 2, 7,
     "invalid TIME_PERIOD '2024-03'"},
    {"SDMX bad rate", SDMX_HEAD "\nK,D,USD,EUR,SP00,A,2024-03-06,1,08\n", 2, 0,
     "row has 9 cells, the header has 8"},
    {"SDMX zero", SDMX_HEAD "\nK,D,USD,EUR,SP00,A,2024-03-06,0\n", 2, 8,
     "zero"},
};

static void
test_bad_files(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        struct st_problems p;
        struct st_fx *fx = load(bads[i].text, &p);

        if (p.total == 0 || p.kept[0].line != bads[i].line ||
            p.kept[0].col != bads[i].col ||
            strstr(p.kept[0].msg, bads[i].msg) == NULL)
            fail_msg("%s: %zu problems, first %ld:%ld: %s", bads[i].name,
                     p.total, p.total ? p.kept[0].line : 0,
                     p.total ? p.kept[0].col : 0, p.total ? p.kept[0].msg : "");
        st_fx_free(fx);
    }
}

static void
test_daily_layout(void **state)
{
    struct st_problems p;
    struct st_fx *fx = NULL;
    struct st_fx_rate r;
    struct st_err err;

    (void)state;
    fx = load("Date, USD, JPY, BGN, \n"
              "15 March 2024, 1.0892, 162.03, 1.9558, \n",
              &p);
    assert_int_equal(p.total, 0);
    assert_int_equal(st_fx_count(fx), 3);
    assert_int_equal(
        st_fx_lookup(fx, "EUR", "JPY", day("2024-03-17"), 7, &r, &err), 0);
    assert_string_equal(r.text, "162.03");
    assert_int_equal(r.date, day("2024-03-15"));
    st_fx_free(fx);
    fx = load("Date, USD, \n31 February 2024, 1.0892, \n", &p);
    assert_int_equal(p.total, 1);
    st_fx_free(fx);
}

/*
 * The Data Portal's answer: columns found by name in any order, quoted
 * cells, an attribute column holding commas, NaN and empty values skipped;
 * the same lookups as the wide file gives.
 */
static void
test_sdmx_layout(void **state)
{
    struct st_problems p;
    struct st_fx *fx = NULL;
    struct st_fx_rate r;
    struct st_err err;

    (void)state;
    fx = load("KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,"
              "TIME_PERIOD,OBS_VALUE,OBS_STATUS,TITLE_COMPL\r\n"
              "EXR.D.JPY.EUR.SP00.A,D,JPY,EUR,SP00,A,2024-03-04,163.22,A,"
              "\"ECB reference exchange rate, Japanese yen/Euro\"\r\n"
              "\"EXR.D.JPY.EUR.SP00.A\",\"D\",\"JPY\",\"EUR\",\"SP00\",\"A\","
              "\"2024-03-05\",\"NaN\",\"A\",\"x\"\r\n"
              "EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,2024-03-04,1.0846,A,x\r\n"
              "EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,2024-03-05,1.0849,A,x\r\n"
              "EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,2024-03-06,,A,x\r\n",
              &p);
    assert_int_equal(p.total, 0);
    assert_int_equal(st_fx_count(fx), 3);
    assert_int_equal(
        st_fx_lookup(fx, "USD", "JPY", day("2024-03-05"), 7, &r, &err), 0);
    assert_string_equal(r.text, "150.4886594");
    assert_int_equal(r.date, day("2024-03-04"));
    st_fx_free(fx);
    /* columns in another order */
    fx = load("TIME_PERIOD,OBS_VALUE,CURRENCY,CURRENCY_DENOM,FREQ,EXR_TYPE,"
              "EXR_SUFFIX\n2024-03-06,0.85498,GBP,EUR,D,SP00,A\n",
              &p);
    assert_int_equal(p.total, 0);
    assert_int_equal(
        st_fx_lookup(fx, "EUR", "GBP", day("2024-03-06"), 0, &r, &err), 0);
    assert_string_equal(r.text, "0.85498");
    st_fx_free(fx);
}

/* An empty answer is no quotes when the caller says so, else a problem. */
static void
test_empty_answer(void **state)
{
    struct st_problems p;
    struct st_fx_csv *r = NULL;
    struct st_err err;
    int i;

    (void)state;
    for (i = 0; i < 2; i++) {
        st_problems_init(&p);
        assert_int_equal(
            st_fx_csv_new("answer", count_quote, NULL, &p, &r, &err), 0);
        assert_int_equal(st_fx_csv_feed(r, "", 0, &err), 0);
        assert_int_equal(st_fx_csv_finish(r, i, &err), 0);
        assert_int_equal(p.total, i == 1 ? 0 : 1);
        assert_int_equal(st_fx_csv_quotes(r), 0);
        st_fx_csv_free(r);
    }
}

/* The request URL: the period and the CSV format after fx_url. */
static void
test_ecb_url(void **state)
{
    struct st_buf b;

    (void)state;
    st_buf_init(&b, 4096);
    st_ecb_url("https://data-api.ecb.europa.eu/service/data/EXR/D..EUR.SP00.A",
               day("2024-03-01"), day("2024-03-19"), &b);
    assert_string_equal(b.data,
                        "https://data-api.ecb.europa.eu/service/data/EXR/"
                        "D..EUR.SP00.A?startPeriod=2024-03-01&endPeriod="
                        "2024-03-19&format=csvdata&detail=dataonly");
    st_buf_reset(&b);
    st_ecb_url("http://127.0.0.1:1/x?key=1", day("2024-03-01"),
               day("2024-03-01"), &b);
    assert_string_equal(b.data,
                        "http://127.0.0.1:1/x?key=1&startPeriod=2024-03-01"
                        "&endPeriod=2024-03-01&format=csvdata&detail=dataonly");
    st_buf_release(&b);
}

static void
test_missing_file(void **state)
{
    struct st_fx *fx = NULL;
    struct st_problems p;
    struct st_err err;

    (void)state;
    st_problems_init(&p);
    assert_int_equal(st_fx_new(&fx, &err), 0);
    assert_int_equal(st_fx_load_file(fx, "testdata/fx/no-such.csv", &p, &err),
                     ST_ERR_NOINPUT);
    st_fx_free(fx);
    st_fx_free(NULL);
}

/* The real history file, when ../shared is there. */
static void
test_ecb_history(void **state)
{
    struct st_fx *fx = NULL;
    struct st_problems p;
    struct st_fx_rate r;
    struct st_err err;
    const struct st_currency *usd = st_currency_find("USD", 3);
    const struct st_currency *gbp = st_currency_find("GBP", 3);
    int64_t out = 0;
    FILE *f = fopen(HIST, "r");

    (void)state;
    if (f == NULL) {
        SKIP_BECAUSE("no ECB history at " HIST);
        return;
    }
    assert_int_equal(fclose(f), 0);
    st_problems_init(&p);
    assert_int_equal(st_fx_new(&fx, &err), 0);
    assert_int_equal(st_fx_load_file(fx, HIST, &p, &err), 0);
    assert_int_equal(p.total, 0);
    assert_true(st_fx_count(fx) > 100000);
    /* ECB 2015-10-01: USD 1.1153, GBP 0.7367 */
    assert_int_equal(
        st_fx_lookup(fx, "USD", "GBP", day("2015-10-03"), 7, &r, &err), 0);
    assert_int_equal(r.date, day("2015-10-02"));
    assert_int_equal(
        st_fx_lookup(fx, "USD", "GBP", day("2015-10-01"), 7, &r, &err), 0);
    assert_int_equal(r.date, day("2015-10-01"));
    assert_string_equal(r.text, "0.6605397651");
    /* 9.41 USD * 0.7367 / 1.1153 = 6.2156... GBP */
    assert_int_equal(st_fx_apply(&r, usd, gbp, 941, &out, &err), 0);
    assert_int_equal(out, 622);
    /* CYP left in 2008: far too old for 2015 */
    assert_int_equal(
        st_fx_lookup(fx, "EUR", "CYP", day("2015-10-01"), 7, &r, &err),
        ST_ERR_DATA);
    assert_non_null(strstr(err.msg, "older than 7 days"));
    st_fx_free(fx);
}

static void
test_nomem(void **state)
{
    long nth;

    (void)state;
    for (nth = 1; nth < 40; nth++) {
        struct st_fx *fx = NULL;
        struct st_problems p;
        struct st_err err;
        int rc;

        st_problems_init(&p);
        st_alloc_fail_at(nth);
        rc = st_fx_new(&fx, &err);
        if (rc == 0)
            rc = st_fx_load_file(fx, "testdata/fx/ecb-2024-03.csv", &p, &err);
        st_alloc_fail_at(0);
        st_fx_free(fx);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
        if (rc == 0)
            break;
    }
    assert_true(nth < 40);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),       cmocka_unit_test(test_apply),
        cmocka_unit_test(test_half_even),    cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_daily_layout), cmocka_unit_test(test_sdmx_layout),
        cmocka_unit_test(test_empty_answer), cmocka_unit_test(test_ecb_url),
        cmocka_unit_test(test_missing_file), cmocka_unit_test(test_ecb_history),
        cmocka_unit_test(test_nomem),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
