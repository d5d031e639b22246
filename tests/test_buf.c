/*
 * test_buf.c: struct st_buf, the bounded string builder. Truncation at the
 * maximum (the error sticks, later appends are no-ops, data stays
 * NUL-terminated), formatted appends, binary data, detach and release, and
 * every allocation failing in turn (leaks show under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
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
test_init(void **state)
{
    struct st_buf b;

    (void)state;
    st_buf_init(&b, 10);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(st_buf_error(&b), 0);
    st_buf_release(&b);
    st_buf_release(&b); /* twice is fine */
    assert_string_equal(b.data, "");
    assert_int_equal(b.max, 10);
    st_buf_release(NULL);
}

/* One step of a truncation scenario and what the buffer holds after it. */
struct trunc_step {
    const char *add;
    int err;
    const char *data;
};

struct trunc_case {
    size_t max;
    struct trunc_step steps[5];
};

static const struct trunc_case trunc_cases[] = {
    /* exactly max fits; one more byte does not, and is dropped whole */
    {5, {{"12345", 0, "12345"}, {"6", ST_ERR_TOOLONG, "12345"}, {NULL}}},
    /* an append that does not fit is dropped whole, later ones too */
    {10,
     {{"12345", 0, "12345"},
      {"678901", ST_ERR_TOOLONG, "12345"},
      {"a", ST_ERR_TOOLONG, "12345"},
      {"", ST_ERR_TOOLONG, "12345"},
      {NULL}}},
    /* max 0: nothing fits, the empty append does */
    {0, {{"", 0, ""}, {"x", ST_ERR_TOOLONG, ""}, {NULL}}},
    /* growth past the first 64-byte block */
    {200,
     {{"0123456789012345678901234567890123456789", 0,
       "0123456789012345678901234567890123456789"},
      {"0123456789012345678901234567890123456789", 0,
       "01234567890123456789012345678901234567890123456789012345678901234567"
       "890123456789"},
      {NULL}}},
};

static void
test_truncation(void **state)
{
    size_t i;
    size_t j;

    (void)state;
    for (i = 0; i < sizeof(trunc_cases) / sizeof(trunc_cases[0]); i++) {
        const struct trunc_case *c = &trunc_cases[i];
        struct st_buf b;

        st_buf_init(&b, c->max);
        for (j = 0; c->steps[j].add != NULL; j++) {
            st_buf_addstr(&b, c->steps[j].add);
            assert_int_equal(st_buf_error(&b), c->steps[j].err);
            assert_string_equal(b.data, c->steps[j].data);
            assert_int_equal(b.len, strlen(c->steps[j].data));
            assert_true(b.len <= b.max);
            assert_int_equal(b.data[b.len], '\0');
        }
        st_buf_release(&b);
    }
}

static void
test_sticky_error_all_appends(void **state)
{
    struct st_buf b;

    (void)state;
    st_buf_init(&b, 4);
    st_buf_addstr(&b, "abc");
    st_buf_addf(&b, "%s", "de"); /* 5 > 4 */
    assert_int_equal(st_buf_error(&b), ST_ERR_TOOLONG);
    st_buf_addch(&b, 'x');
    st_buf_add(&b, "y", 1);
    st_buf_addf(&b, "%d", 1);
    assert_int_equal(st_buf_grow(&b, 0), ST_ERR_TOOLONG);
    assert_string_equal(b.data, "abc");
    /* reset clears the error and keeps the memory */
    st_buf_reset(&b);
    assert_int_equal(st_buf_error(&b), 0);
    assert_string_equal(b.data, "");
    st_buf_addstr(&b, "wxyz");
    assert_string_equal(b.data, "wxyz");
    st_buf_release(&b);
    /* reset of a buffer that never allocated */
    st_buf_reset(&b);
    assert_string_equal(b.data, "");
}

struct addf_case {
    size_t max;
    const char *want;
    int err;
};

static void
test_addf(void **state)
{
    static const struct addf_case cases[] = {
        {100, "n=42 s=abc x=ff -7", 0},
        {18, "n=42 s=abc x=ff -7", 0},
        {17, "", ST_ERR_TOOLONG},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct st_buf b;

        st_buf_init(&b, cases[i].max);
        st_buf_addf(&b, "n=%d s=%s x=%x %lld", 42, "abc", 255, -7LL);
        assert_int_equal(st_buf_error(&b), cases[i].err);
        assert_string_equal(b.data, cases[i].want);
        st_buf_release(&b);
    }
}

static void
test_binary_and_truncate(void **state)
{
    struct st_buf b;

    (void)state;
    st_buf_init(&b, 100);
    st_buf_add(&b, "a\0b", 3);
    st_buf_addch(&b, '\0');
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "a\0b\0", 5);
    st_buf_truncate(&b, 1);
    assert_int_equal(b.len, 1);
    assert_string_equal(b.data, "a");
    st_buf_truncate(&b, 50); /* no-op */
    assert_int_equal(b.len, 1);
    st_buf_release(&b);
}

static void
test_detach(void **state)
{
    struct st_buf b;
    size_t len = 99;
    char *s;

    (void)state;
    st_buf_init(&b, 100);
    st_buf_addstr(&b, "hello");
    s = st_buf_detach(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    /* b is released and reusable */
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    st_free(s);

    /* an empty buffer detaches an owned "" */
    s = st_buf_detach(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    st_free(s);

    /* a buffer in error detaches NULL and is released */
    st_buf_init(&b, 3);
    st_buf_addstr(&b, "ab");
    st_buf_addstr(&b, "cd");
    s = st_buf_detach(&b, &len);
    assert_null(s);
    assert_int_equal(len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(st_buf_error(&b), 0);
    st_buf_release(&b);
    st_buf_release(&b);

    /* len_out may be NULL */
    st_buf_addstr(&b, "x");
    s = st_buf_detach(&b, NULL);
    assert_string_equal(s, "x");
    st_free(s);
}

/*
 * Fails the 1st, 2nd, ... allocation of a buffer that grows several times
 * until a run succeeds: each failing run must end in ST_ERR_NOMEM with the
 * data intact and NUL-terminated; ASan reports any leak.
 */
static void
test_alloc_failures(void **state)
{
    long n;
    int succeeded = 0;

    (void)state;
    for (n = 1; n < 100 && !succeeded; n++) {
        struct st_buf b;
        char *s;
        int i;

        st_buf_init(&b, 1 << 20);
        st_alloc_fail_at(n);
        for (i = 0; i < 200; i++)
            st_buf_addf(&b, "%03d,", i);
        s = st_buf_detach(&b, NULL);
        st_alloc_fail_at(0);
        if (s != NULL) {
            assert_int_equal(strlen(s), 800);
            assert_memory_equal(s + 796, "199,", 4);
            st_free(s);
            succeeded = 1;
            /* 64 -> 128 -> ... -> 1024: 5 allocations, all failed before */
            assert_int_equal(n, 6);
        }
        assert_string_equal(b.data, "");
    }
    assert_true(succeeded);

    /* A failed growth keeps what was there. */
    {
        struct st_buf b;

        st_buf_init(&b, 1 << 20);
        st_buf_addstr(&b, "keep");
        st_alloc_fail_at(1);
        st_buf_add(&b,
                   "01234567890123456789012345678901234567890123456789"
                   "012345678901",
                   62); /* 4 + 62 + 1 > 64: needs a bigger block */
        st_alloc_fail_at(0);
        assert_int_equal(st_buf_error(&b), ST_ERR_NOMEM);
        assert_string_equal(b.data, "keep");
        st_buf_release(&b);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_init, teardown),
        cmocka_unit_test_teardown(test_truncation, teardown),
        cmocka_unit_test_teardown(test_sticky_error_all_appends, teardown),
        cmocka_unit_test_teardown(test_addf, teardown),
        cmocka_unit_test_teardown(test_binary_and_truncate, teardown),
        cmocka_unit_test_teardown(test_detach, teardown),
        cmocka_unit_test_teardown(test_alloc_failures, teardown),
    };

    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
