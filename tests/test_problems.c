/*
 * test_problems.c: the FILE:LINE[:COL] prefix and the bounded problem list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/location.h"
#include "core/problems.h"
#include "core/banned.h"

static void
test_prefix(void **state)
{
    char b[ST_LOCATION_MAX];
    char tiny[8];

    (void)state;
    assert_string_equal(st_location_prefix(b, sizeof(b), "a.csv", 3, 7),
                        "a.csv:3:7: ");
    assert_string_equal(st_location_prefix(b, sizeof(b), "a.csv", 3, 0),
                        "a.csv:3: ");
    assert_string_equal(st_location_prefix(b, sizeof(b), "a.csv", 0, 7),
                        "a.csv: ");
    assert_string_equal(st_location_prefix(b, sizeof(b), "", 3, 7), "");
    assert_string_equal(st_location_prefix(b, sizeof(b), NULL, 3, 7), "");
    /* Cut short, never overflowing. */
    assert_string_equal(
        st_location_prefix(tiny, sizeof(tiny), "long.csv", 1, 1), "long.cs");
}

static void
test_keep_and_count(void **state)
{
    struct st_problems p;
    char line[ST_LOCATION_MAX + 256];
    int i;

    (void)state;
    st_problems_init(&p);
    for (i = 1; i <= ST_PROBLEMS_KEEP + 5; i++)
        st_problems_add(&p, "r.csv", i, i % 3, "bad amount '%d'", i);
    assert_int_equal(p.total, ST_PROBLEMS_KEEP + 5);
    assert_int_equal(p.nkept, ST_PROBLEMS_KEEP);
    assert_string_equal(st_problem_format(&p.kept[0], line, sizeof(line)),
                        "r.csv:1:1: bad amount '1'");
    assert_string_equal(st_problem_format(&p.kept[2], line, sizeof(line)),
                        "r.csv:3: bad amount '3'");
    st_problems_add(&p, NULL, 0, 0, "no file");
    assert_int_equal(p.total, ST_PROBLEMS_KEEP + 6);
    st_problems_init(&p);
    st_problems_add(&p, NULL, 0, 0, "no file");
    assert_string_equal(st_problem_format(&p.kept[0], line, sizeof(line)),
                        "no file");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_keep_and_count),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
