/*
 * test_num.c: the bounded integer parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/num.h"
#include "core/banned.h"

struct case_ {
    const char *in;
    int64_t min, max;
    int rc;
    int64_t want;
};

static const struct case_ cases[] = {
    {"0", INT64_MIN, INT64_MAX, 0, 0},
    {"-0", INT64_MIN, INT64_MAX, 0, 0},
    {"42", 0, 100, 0, 42},
    {"9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX},
    {"-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN},
    {"9223372036854775808", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"-9223372036854775809", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"99999999999999999999", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"101", 0, 100, ST_ERR_DATA, 0},
    {"-1", 0, 100, ST_ERR_DATA, 0},
    {"", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"-", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"+1", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {" 1", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"1 ", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"1.0", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
    {"0x10", INT64_MIN, INT64_MAX, ST_ERR_DATA, 0},
};

static void
test_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = 7;
        int rc = st_parse_i64(cases[i].in, cases[i].min, cases[i].max, &v);

        if (rc != cases[i].rc)
            fail_msg("'%s': rc %d, want %d", cases[i].in, rc, cases[i].rc);
        /* On failure the output is left alone. */
        assert_int_equal(v, rc == 0 ? cases[i].want : 7);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
    };

    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
