/*
 * test_dbvalue.c: result columns by name and exact integers, on results
 * built in memory (PQmakeEmptyPGresult, PQsetResultAttrs, PQsetvalue), so
 * no server is needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "io/dbvalue.h"
#include "core/banned.h"

/* A result with columns status, n, ok and one row of the given values. */
static PGresult *
make_result(const char *status, const char *n, const char *ok)
{
    PGresAttDesc att[3];
    const char *names[3] = {"status", "n", "ok"};
    const char *vals[3] = {status, n, ok};
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    int i;

    assert_non_null(res);
    memset(att, 0, sizeof(att));
    for (i = 0; i < 3; i++) {
        att[i].name = (char *)(uintptr_t)names[i];
        att[i].format = 0;
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(res, 3, att), 1);
    for (i = 0; i < 3; i++)
        assert_int_equal(PQsetvalue(res, 0, i, (char *)(uintptr_t)vals[i],
                                    vals[i] ? (int)strlen(vals[i]) : -1),
                         1);
    return res;
}

static void
test_columns_by_name(void **state)
{
    static const char *const want[] = {"ok", "status", "n"};
    PGresult *res = make_result("matched", "42", "t");
    int idx[3];
    struct st_err err;

    (void)state;
    st_err_clear(&err);
    assert_int_equal(st_db_columns(res, want, idx, 3, "q.sql", &err), 0);
    assert_int_equal(idx[0], 2);
    assert_int_equal(idx[1], 0);
    assert_int_equal(idx[2], 1);
    assert_string_equal(st_db_text(res, 0, idx[1]), "matched");
    assert_true(st_db_bool(res, 0, idx[0]));
    PQclear(res);
}

static void
test_missing_column(void **state)
{
    static const char *const want[] = {"status", "amount"};
    PGresult *res = make_result("matched", "42", "f");
    int idx[2];
    struct st_err err;

    (void)state;
    st_err_clear(&err);
    assert_int_equal(st_db_columns(res, want, idx, 2, "q.sql", &err),
                     ST_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "q.sql"));
    assert_non_null(strstr(err.msg, "'amount'"));
    assert_false(st_db_bool(res, 0, 2));
    PQclear(res);
}

static void
test_integers(void **state)
{
    struct st_err err;
    int64_t v = 0;
    PGresult *res = make_result("x", "-9223372036854775808", "t");

    (void)state;
    st_err_clear(&err);
    assert_int_equal(st_db_i64(res, 0, 1, "q.sql", &v, &err), 0);
    assert_true(v == INT64_MIN);
    /* Not an integer: named, never read as 0. */
    assert_int_equal(st_db_i64(res, 0, 0, "q.sql", &v, &err), ST_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "status"));
    PQclear(res);
    res = make_result("x", "12.5", "t");
    assert_int_equal(st_db_i64(res, 0, 1, "q.sql", &v, &err), ST_ERR_INTERNAL);
    PQclear(res);
    res = make_result("x", NULL, "t");
    assert_int_equal(st_db_i64(res, 0, 1, "q.sql", &v, &err), ST_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "NULL"));
    PQclear(res);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_by_name),
        cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_integers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
