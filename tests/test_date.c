/*
 * test_date.c: lib/core/date. Calendar dates (leap years, impossible dates),
 * both of Amazon's timestamp styles plus "+hh:mm" and "Z", malformed
 * timestamps, round trips through format and parse, and instants before
 * 1970. Expected epochs were computed with Python's calendar.timegm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/err.h"
#include "core/banned.h"

struct date_case {
    const char *text;
    int rc;
    int32_t days;
};

static const struct date_case date_cases[] = {
    {"1970-01-01", 0, 0},
    {"1970-01-02", 0, 1},
    {"1969-12-31", 0, -1},
    {"1900-01-01", 0, -25567},
    {"2024-02-29", 0, 19782}, /* leap year */
    {"2000-02-29", 0, 11016}, /* divisible by 400 */
    {"9999-12-31", 0, 2932896},
    {"2023-02-29", ST_ERR_DATA, 0}, /* not a leap year */
    {"1900-02-29", ST_ERR_DATA, 0}, /* divisible by 100 */
    {"2024-02-30", ST_ERR_DATA, 0},
    {"2024-04-31", ST_ERR_DATA, 0},
    {"2024-13-01", ST_ERR_DATA, 0},
    {"2024-00-10", ST_ERR_DATA, 0},
    {"2024-01-00", ST_ERR_DATA, 0},
    {"2024-01-32", ST_ERR_DATA, 0},
    {"1899-12-31", ST_ERR_DATA, 0},
    {"2024-1-01", ST_ERR_DATA, 0},
    {"2024/01/01", ST_ERR_DATA, 0},
    {"20240101", ST_ERR_DATA, 0},
    {"2024-01-01 ", ST_ERR_DATA, 0},
    {"2024-01-0x", ST_ERR_DATA, 0},
    {"-024-01-01", ST_ERR_DATA, 0},
    {"yesterday", ST_ERR_DATA, 0},
    {"", ST_ERR_DATA, 0},
};

static void
test_date_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
        const struct date_case *c = &date_cases[i];
        struct st_err err;
        int32_t days = 99;
        int rc;

        st_err_clear(&err);
        rc = st_date_parse(c->text, strlen(c->text), &days, &err);
        print_message("'%s' -> %d %d\n", c->text, rc, (int)days);
        assert_int_equal(rc, c->rc);
        assert_int_equal(days, c->days);
        if (rc == 0) {
            char out[ST_DATE_LEN + 1];

            st_date_format(days, out);
            assert_string_equal(out, c->text);
        } else {
            assert_non_null(strstr(err.msg, c->text));
        }
    }
}

struct dt_case {
    const char *text;
    int rc;
    int64_t epoch;
};

static const struct dt_case dt_cases[] = {
    /* Amazon's two styles */
    {"2015-10-01T11:10:34 -0700", 0, 1443723034},
    {"2015-05-18T15:48:50-0000", 0, 1431964130},
    {"2015-05-18T15:48:50+0000", 0, 1431964130},
    {"2015-05-18T15:48:50 +0000", 0, 1431964130},
    /* +hh:mm and Z */
    {"2015-10-01T23:40:34+05:30", 0, 1443723034},
    {"2015-10-01T11:10:34-07:00", 0, 1443723034},
    {"2015-10-01T18:10:34Z", 0, 1443723034},
    {"2015-10-01T18:10:34 Z", 0, 1443723034},
    /* the offset moves the date */
    {"2024-03-01T01:00:00+0200", 0, 1709164800 + 82800}, /* 02-29 23:00Z */
    {"2038-01-19T03:14:08Z", 0, 2147483648},             /* past int32 */
    {"2099-12-31T23:59:59Z", 0, 4102444799},
    /* before 1970 */
    {"1969-12-31T23:59:59Z", 0, -1},
    {"1970-01-01T00:00:00+0000", 0, 0},
    {"1970-01-01T00:59:59+0100", 0, -1},
    {"1900-01-01T00:00:00Z", 0, -2208988800},
    /* malformed */
    {"2015-10-01T11:10:34", ST_ERR_DATA, 0}, /* no zone */
    {"2015-10-01 11:10:34Z", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34z", ST_ERR_DATA, 0},
    {"2015-10-01T24:00:00Z", ST_ERR_DATA, 0},
    {"2015-10-01T23:60:00Z", ST_ERR_DATA, 0},
    {"2015-10-01T23:59:61Z", ST_ERR_DATA, 0},
    {"2015-02-30T00:00:00Z", ST_ERR_DATA, 0},
    {"2015-13-01T00:00:00Z", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 -07", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 -070", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 -07000", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 -7:00", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 -07:0", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 +2400", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 +0060", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34  -0700", ST_ERR_DATA, 0}, /* two spaces */
    {"2015-10-01T11:10:34 -0700 ", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34Zjunk", ST_ERR_DATA, 0},
    {"2015-10-01T11:10:34 ", ST_ERR_DATA, 0},
    {"2015-10-01T1:10:34Z", ST_ERR_DATA, 0},
    {"2015-10-01T11-10-34Z", ST_ERR_DATA, 0},
    {"2015-10-01", ST_ERR_DATA, 0},
    {"", ST_ERR_DATA, 0},
    {"not a timestamp at all", ST_ERR_DATA, 0},
};

static void
test_datetime_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(dt_cases) / sizeof(dt_cases[0]); i++) {
        const struct dt_case *c = &dt_cases[i];
        struct st_err err;
        int64_t epoch = 99;
        int rc;

        st_err_clear(&err);
        rc = st_datetime_parse(c->text, strlen(c->text), &epoch, &err);
        print_message("'%s' -> %d %lld\n", c->text, rc, (long long)epoch);
        assert_int_equal(rc, c->rc);
        assert_true(epoch == c->epoch);
        if (rc != 0)
            assert_non_null(strstr(err.msg, c->text));
    }
}

/* Only len bytes are read. */
static void
test_datetime_len(void **state)
{
    int64_t epoch = 0;

    (void)state;
    assert_int_equal(
        st_datetime_parse("2015-10-01T18:10:34Zxyz", 20, &epoch, NULL), 0);
    assert_true(epoch == 1443723034);
    assert_int_equal(
        st_datetime_parse("2015-10-01T18:10:34Z", 19, &epoch, NULL),
        ST_ERR_DATA);
}

struct fmt_case {
    int64_t epoch;
    const char *text;
    int32_t date;
};

static const struct fmt_case fmt_cases[] = {
    {0, "1970-01-01T00:00:00Z", 0},
    {-1, "1969-12-31T23:59:59Z", -1},
    {-86400, "1969-12-31T00:00:00Z", -1},
    {-86401, "1969-12-30T23:59:59Z", -2},
    {1443723034, "2015-10-01T18:10:34Z", 16709},
    {1709251199, "2024-02-29T23:59:59Z", 19782},
    {-2208988800, "1900-01-01T00:00:00Z", -25567},
    {4102444799, "2099-12-31T23:59:59Z", 47481},
};

static void
test_datetime_format(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
        const struct fmt_case *c = &fmt_cases[i];
        char out[ST_DATETIME_LEN + 1];
        int64_t back = 0;

        st_datetime_format(c->epoch, out);
        assert_string_equal(out, c->text);
        assert_int_equal(st_datetime_date(c->epoch), c->date);
        assert_int_equal(st_datetime_parse(out, strlen(out), &back, NULL), 0);
        assert_true(back == c->epoch);
    }
}

/* Every day from 1900 to 2200: civil -> days -> civil, format -> parse. */
static void
test_round_trip_days(void **state)
{
    int32_t first = st_date_from_civil(1900, 1, 1);
    int32_t last = st_date_from_civil(2200, 12, 31);
    int32_t d;
    int py = 1899;
    int pm = 12;
    int pd = 31;

    (void)state;
    assert_int_equal(first, -25567);
    for (d = first; d <= last; d++) {
        char text[ST_DATE_LEN + 1];
        int32_t back = 0;
        int y;
        int m;
        int dd;

        st_date_to_civil(d, &y, &m, &dd);
        assert_int_equal(st_date_from_civil(y, m, dd), d);
        /* consecutive: the next day of the previous one */
        if (dd == 1)
            assert_true((m == pm + 1 && y == py) ||
                        (m == 1 && pm == 12 && y == py + 1));
        else
            assert_true(dd == pd + 1 && m == pm && y == py);
        py = y;
        pm = m;
        pd = dd;
        st_date_format(d, text);
        assert_int_equal(st_date_parse(text, strlen(text), &back, NULL), 0);
        assert_int_equal(back, d);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_datetime_parse),
        cmocka_unit_test(test_datetime_len),
        cmocka_unit_test(test_datetime_format),
        cmocka_unit_test(test_round_trip_days),
    };

    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
