/*
 * test_err.c: lib/core/err and lib/core/alloc. Every code has its own text;
 * messages longer than struct st_err's arrays are cut short, never overflowed;
 * NULL error records are accepted; the allocation wrappers check overflow and
 * fail on the Nth call when told to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/banned.h"

static int
teardown(void **state)
{
    (void)state;
    st_alloc_fail_at(0);
    return 0;
}

static void
test_strerror(void **state)
{
    int i;
    int j;

    (void)state;
    assert_string_equal(st_strerror(0), "success");
    assert_string_equal(st_strerror(ST_ERR_NOMEM), "out of memory");
    assert_string_equal(st_strerror(ST_ERR_PERM), "permission denied");
    /* every code has a text of its own */
    for (i = 1; i < ST_ERR_CODE_COUNT; i++) {
        assert_string_not_equal(st_strerror(-i), "unknown error");
        for (j = 1; j < i; j++)
            assert_string_not_equal(st_strerror(-i), st_strerror(-j));
    }
    assert_string_equal(st_strerror(-ST_ERR_CODE_COUNT), "unknown error");
    assert_string_equal(st_strerror(1), "unknown error");
    assert_string_equal(st_strerror(-1000), "unknown error");
}

static void
test_set_and_prefix(void **state)
{
    struct st_err err;

    (void)state;
    assert_int_equal(st_err_set(&err, ST_ERR_DATA, "bad '%s'", "x"),
                     ST_ERR_DATA);
    assert_int_equal(err.code, ST_ERR_DATA);
    assert_string_equal(err.msg, "bad 'x'");
    st_err_detail(&err, "d%d", 1);
    st_err_hint(&err, "h%d", 2);
    st_err_at(&err, "f.csv", 3, 4);
    st_err_prefix(&err, "cannot read '%s'", "f.csv");
    assert_string_equal(err.msg, "cannot read 'f.csv': bad 'x'");
    assert_string_equal(err.detail, "d1");
    assert_string_equal(err.hint, "h2");
    assert_string_equal(err.file, "f.csv");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 4);
    /* a new error clears detail, hint and location */
    st_err_set(&err, ST_ERR_IO, "again");
    assert_string_equal(err.detail, "");
    assert_string_equal(err.hint, "");
    assert_string_equal(err.file, "");
    assert_int_equal(err.line, 0);
    st_err_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.msg, "");
    /* NULL is accepted everywhere */
    assert_int_equal(st_err_set(NULL, ST_ERR_IO, "x"), ST_ERR_IO);
    st_err_detail(NULL, "x");
    st_err_hint(NULL, "x");
    st_err_at(NULL, "x", 1, 1);
    st_err_prefix(NULL, "x");
    st_err_clear(NULL);
}

/* Texts longer than the arrays are cut short and stay NUL-terminated. */
static void
test_truncation(void **state)
{
    static char big[2000];
    struct st_err err;

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    st_err_set(&err, ST_ERR_DATA, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
    st_err_detail(&err, "%s", big);
    assert_int_equal(strlen(err.detail), sizeof(err.detail) - 1);
    st_err_hint(&err, "%s", big);
    assert_int_equal(strlen(err.hint), sizeof(err.hint) - 1);
    st_err_at(&err, big, 1, 2);
    assert_int_equal(strlen(err.file), sizeof(err.file) - 1);
    st_err_set(&err, ST_ERR_DATA, "tail");
    /* a long context is cut (to 255 bytes) so that the cause survives */
    st_err_prefix(&err, "%s", big);
    assert_int_equal(strlen(err.msg), 255 + strlen(": tail"));
    assert_int_equal(err.msg[0], 'a');
    assert_string_equal(err.msg + 255, ": tail");
    st_err_at(&err, NULL, 5, 0);
    assert_string_equal(err.file, "");
    assert_int_equal(err.line, 5);
}

static void
test_alloc_injection(void **state)
{
    void *p[4];
    int i;

    (void)state;
    st_alloc_fail_at(3);
    p[0] = st_malloc(10);
    p[1] = st_calloc(2, 10);
    p[2] = st_malloc(10);  /* the 3rd fails */
    p[3] = st_strdup("x"); /* and every later one */
    assert_non_null(p[0]);
    assert_non_null(p[1]);
    assert_null(p[2]);
    assert_null(p[3]);
    assert_int_equal(st_alloc_count(), 4);
    st_alloc_fail_at(0);
    assert_int_equal(st_alloc_count(), 0);
    p[2] = st_malloc(0); /* a real, freeable pointer */
    assert_non_null(p[2]);
    for (i = 0; i < 3; i++)
        st_free(p[i]);
    st_free(NULL);

    /* a failed realloc leaves the old block alone */
    p[0] = st_strdup("keep");
    st_alloc_fail_at(1);
    assert_null(st_realloc(p[0], 100));
    st_alloc_fail_at(0);
    assert_string_equal(p[0], "keep");
    st_free(p[0]);
}

static void
test_alloc_overflow(void **state)
{
    char *s;

    (void)state;
    assert_null(st_calloc(SIZE_MAX / 2, 4));
    assert_null(st_reallocarray(NULL, SIZE_MAX / 2, 4));
    assert_null(st_memdup("x", SIZE_MAX));
    s = st_reallocarray(NULL, 4, 8);
    assert_non_null(s);
    st_free(s);
    s = st_memdup("abcdef", 3);
    assert_string_equal(s, "abc");
    st_free(s);
    s = st_memdup(NULL, 0);
    assert_string_equal(s, "");
    st_free(s);
    s = st_calloc(0, 5);
    assert_non_null(s);
    st_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_set_and_prefix),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test_teardown(test_alloc_injection, teardown),
        cmocka_unit_test_teardown(test_alloc_overflow, teardown),
    };

    return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
