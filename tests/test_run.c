/*
 * test_run.c: the stage engine of `settle run` with stand-in stages, against
 * the throwaway PostgreSQL (PGHOST etc.); skipped when there is none, so it
 * runs for real from tests/integration/run_engine.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "date.h"
#include "db.h"
#include "run.h"
#include "banned.h"

static char calls[64]; /* one letter per stage called, in order */
static int fail_stage = -1;

static int
fake(int i, struct st_err *err)
{
    size_t n = strlen(calls);

    if (n + 1 < sizeof(calls)) {
        calls[n] = (char)('a' + i);
        calls[n + 1] = '\0';
    }
    if (i == fail_stage)
        return st_err_set(err, ST_ERR_DATA, "stage %d broke", i);
    return 0;
}

static int
s0(struct st_run_ctx *c, struct st_err *e)
{
    (void)c;
    return fake(0, e);
}

static int
s1(struct st_run_ctx *c, struct st_err *e)
{
    (void)c;
    return fake(1, e);
}

static int
s2(struct st_run_ctx *c, struct st_err *e)
{
    (void)c;
    return fake(2, e);
}

static int
s3(struct st_run_ctx *c, struct st_err *e)
{
    (void)c;
    return fake(3, e);
}

static const struct st_stage stages[] = {
    {.name = "fetch", .status = "fetched", .fn = s0},
    {.name = "normalize", .status = "normalized", .fn = s1},
    {.name = "reconcile", .status = "reconciled", .fn = s2},
    {.name = "report", .status = "reported", .fn = s3},
};

struct fixture {
    struct st_db *db;
    struct st_config cfg;
    struct st_run_ctx ctx;
    char seller[64];
};

static int
setup(void **state)
{
    struct fixture *fx;
    struct st_err err;

    if (getenv("PGHOST") == NULL)
        return 0; /* the tests skip */
    fx = calloc(1, sizeof(*fx));
    if (fx == NULL || st_config_init(&fx->cfg, &err) != 0 ||
        st_db_connect("", &fx->db, &err) != 0 ||
        st_db_migrate(fx->db, NULL, NULL, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    if (snprintf(fx->seller, sizeof(fx->seller), "TESTRUN%ld",
                 (long)getpid()) >= (int)sizeof(fx->seller) ||
        st_config_set(&fx->cfg, "seller_id", fx->seller, ST_SRC_FLAG, &err) !=
            0)
        return -1;
    fx->ctx.db = fx->db;
    fx->ctx.cfg = &fx->cfg;
    fx->ctx.date = st_date_from_civil(2026, 3, 2);
    calls[0] = '\0';
    fail_stage = -1;
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    if (fx == NULL)
        return 0;
    st_db_close(fx->db);
    st_config_release(&fx->cfg);
    free(fx);
    return 0;
}

/* settle.run's status and failed stage of the fixture's date. */
static void
run_state(struct fixture *fx, char *status, size_t n)
{
    const char *p[2] = {fx->seller, "2026-03-02"};
    PGresult *res = NULL;
    struct st_err err;

    assert_int_equal(st_db_query_text(fx->db,
                                      "SELECT status || ':' || "
                                      "coalesce(failed_stage, '') FROM "
                                      "settle.run WHERE seller_id = $1 AND "
                                      "business_date = $2",
                                      2, p, &res, &err),
                     0);
    assert_int_equal(PQntuples(res), 1);
    assert_true(snprintf(status, n, "%s", PQgetvalue(res, 0, 0)) < (int)n);
    PQclear(res);
}

static void
test_whole_run_then_again(void **state)
{
    struct fixture *fx = *state;
    struct st_run_summary sum;
    struct st_err err;
    char st[64];

    if (fx == NULL)
        skip();
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), 0);
    assert_string_equal(calls, "abcd");
    assert_int_equal(sum.first_stage, 0);
    assert_int_equal(sum.metrics.success, 1);
    assert_true(sum.metrics.last_success_epoch > 0);
    run_state(fx, st, sizeof(st));
    assert_string_equal(st, "reported:");
    /* A completed date is run whole again. */
    calls[0] = '\0';
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), 0);
    assert_string_equal(calls, "abcd");
}

static void
test_resume_at_failed_stage(void **state)
{
    struct fixture *fx = *state;
    struct st_run_summary sum;
    struct st_err err;
    char st[64];

    if (fx == NULL)
        skip();
    fail_stage = 2;
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), ST_ERR_DATA);
    assert_string_equal(calls, "abc");
    assert_string_equal(err.msg, "reconcile: stage 2 broke");
    assert_int_equal(sum.metrics.success, 0);
    run_state(fx, st, sizeof(st));
    assert_string_equal(st, "failed:reconcile");
    /* Fixed: the next run starts at the stage that failed. */
    fail_stage = -1;
    calls[0] = '\0';
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), 0);
    assert_string_equal(calls, "cd");
    assert_int_equal(sum.first_stage, 2);
    run_state(fx, st, sizeof(st));
    assert_string_equal(st, "reported:");
}

static void
test_resume_after_kill(void **state)
{
    struct fixture *fx = *state;
    struct st_run_summary sum;
    struct st_err err;
    const char *p[2] = {fx ? fx->seller : "", "2026-03-02"};

    if (fx == NULL)
        skip();
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), 0);
    /* As a run killed after normalize leaves it. */
    assert_int_equal(st_db_query_text(fx->db,
                                      "UPDATE settle.run SET status = "
                                      "'normalized' WHERE seller_id = $1 AND "
                                      "business_date = $2",
                                      2, p, NULL, &err),
                     0);
    calls[0] = '\0';
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), 0);
    assert_string_equal(calls, "cd");
}

static void
test_lock_held(void **state)
{
    struct fixture *fx = *state;
    struct st_db *other = NULL;
    struct st_run_summary sum;
    struct st_err err;

    if (fx == NULL)
        skip();
    assert_int_equal(st_db_connect("", &other, &err), 0);
    assert_int_equal(st_db_lock(other, fx->seller, fx->ctx.date, &err), 0);
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err),
                     ST_ERR_TEMPFAIL);
    assert_string_equal(calls, "");
    /* Released synchronously (closing would release it a moment later). */
    assert_int_equal(st_db_unlock(other, fx->seller, fx->ctx.date, &err), 0);
    st_db_close(other);
    assert_int_equal(st_run_date(&fx->ctx, stages, 4, &sum, &err), 0);
    assert_string_equal(calls, "abcd");
}

static void
test_nested_transactions(void **state)
{
    struct fixture *fx = *state;
    struct st_err err;
    PGresult *res = NULL;

    if (fx == NULL)
        skip();
    assert_int_equal(
        st_db_exec(fx->db, "CREATE TEMP TABLE t_nest (x int)", &err), 0);
    assert_int_equal(st_db_begin(fx->db, &err), 0);
    assert_int_equal(st_db_exec(fx->db, "INSERT INTO t_nest VALUES (1)", &err),
                     0);
    assert_int_equal(st_db_begin(fx->db, &err), 0); /* a stage's own */
    assert_int_equal(st_db_exec(fx->db, "INSERT INTO t_nest VALUES (2)", &err),
                     0);
    assert_int_equal(st_db_commit(fx->db, &err), 0); /* releases only */
    assert_true(st_db_in_transaction(fx->db));
    assert_int_equal(st_db_begin(fx->db, &err), 0);
    assert_int_equal(st_db_exec(fx->db, "INSERT INTO t_nest VALUES (3)", &err),
                     0);
    st_db_rollback(fx->db); /* undoes 3 only */
    assert_int_equal(st_db_query_text(fx->db,
                                      "SELECT string_agg(x::text, ',' ORDER "
                                      "BY x) FROM t_nest",
                                      0, NULL, &res, &err),
                     0);
    assert_string_equal(PQgetvalue(res, 0, 0), "1,2");
    PQclear(res);
    st_db_rollback(fx->db); /* rerun's outer rollback: all gone */
    assert_false(st_db_in_transaction(fx->db));
    assert_int_equal(st_db_query_text(fx->db, "SELECT count(*) FROM t_nest", 0,
                                      NULL, &res, &err),
                     0);
    assert_string_equal(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_whole_run_then_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resume_at_failed_stage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resume_after_kill, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lock_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_transactions, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
