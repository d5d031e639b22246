/*
 * test_path.c: DIR/NAME, bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/path.h"
#include "core/banned.h"

static void
test_join(void **state)
{
    char out[ST_PATH_MAX];
    char small[8];
    struct st_err err;

    (void)state;
    st_err_clear(&err);
    assert_int_equal(st_path_join(out, sizeof(out), "var/out", "S1", &err), 0);
    assert_string_equal(out, "var/out/S1");
    /* No clean-up: the configured text is kept as it was written. */
    assert_int_equal(st_path_join(out, sizeof(out), "out/", "a", &err), 0);
    assert_string_equal(out, "out//a");
    assert_int_equal(st_path_join(small, sizeof(small), "abcd", "efg", &err),
                     ST_ERR_CANTCREAT);
    assert_string_equal(small, "");
    assert_non_null(strstr(err.msg, "abcd/efg"));
    /* Exactly fits: 7 characters and the NUL. */
    assert_int_equal(st_path_join(small, sizeof(small), "abc", "def", &err), 0);
    assert_string_equal(small, "abc/def");
}

static void
test_add(void **state)
{
    struct st_buf b;

    (void)state;
    st_buf_init(&b, 16);
    st_path_add(&b, "dir", "name");
    assert_int_equal(b.err, 0);
    assert_string_equal(b.data, "dir/name");
    st_path_add(&b, "more", "than-sixteen");
    assert_int_not_equal(b.err, 0);
    st_buf_release(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join),
        cmocka_unit_test(test_add),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
