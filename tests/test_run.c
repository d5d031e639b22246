/*
 * test_run.c: the stage engine of `settle run` with stand-in stages, against
 * the throwaway PostgreSQL (PGHOST etc.); skipped when there is none, so it
 * runs for real from tests/integration/run_engine.sh. st_run_dates runs the
 * stand-ins over three dates, the report of each on the worker thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/date.h"
#include "io/db.h"
#include "run/run.h"
#include "skip.h"
#include "core/banned.h"

static char calls[64]; /* one letter per stage called, in order */
static int fail_stage = -1;

/*
 * For st_run_dates, whose report stage runs on another thread: the stages
 * called per date (days after 2026-03-02), the date whose stage fail_stage
 * fails (-1: every date), and the date whose stage 1 waits for the report
 * of the date before it to fail.
 */
#define NDAYS 3
static pthread_mutex_t calls_mu = PTHREAD_MUTEX_INITIALIZER;
static char day_calls[NDAYS][16];
static int fail_day = -1;
static int slow_day = -1;

static void
append(char *to, size_t size, int i)
{
    size_t n = strlen(to);

    if (n + 1 < size) {
        to[n] = (char)('a' + i);
        to[n + 1] = '\0';
    }
}

/*
 * Waits (up to 10 s) until the day before c's has failed in settle.run,
 * then a moment more for the worker to close it and raise its flag.
 */
static void
wait_for_failed_report(const struct st_run_ctx *c)
{
    const struct timespec pause = {.tv_sec = 0, .tv_nsec = 50000000};
    char day[11];
    const char *p[2] = {c->cfg->seller_id, day};
    struct st_err err;
    int tries;

    st_date_format(c->date - 1, day);
    for (tries = 0; tries < 200; tries++) {
        PGresult *res = NULL;
        int failed;

        if (st_db_query_text(c->db,
                             "SELECT 1 FROM settle.run WHERE seller_id = $1 "
                             "AND business_date = $2 AND status = 'failed'",
                             2, p, &res, &err) != 0)
            break;
        failed = PQntuples(res) == 1;
        PQclear(res);
        if (failed)
            break;
        (void)nanosleep(&pause, NULL);
    }
    for (tries = 0; tries < 4; tries++)
        (void)nanosleep(&pause, NULL);
}

/*
 * Waits (up to 10 s) until stage 1 of slow_day has been entered: then that
 * date is inside a stage, and a report failing now must let it finish that
 * stage and stop at the next boundary. (Waiting only for its stage 0 to be
 * called raced: the failure could land before stage 0 returned, and the
 * date then rightly stopped before stage 1.)
 */
static int slow_entered;

static void
wait_for_slow_stage(void)
{
    const struct timespec pause = {.tv_sec = 0, .tv_nsec = 10000000};
    int tries;
    int entered = 0;

    for (tries = 0; tries < 1000 && !entered; tries++) {
        pthread_mutex_lock(&calls_mu);
        entered = slow_entered;
        pthread_mutex_unlock(&calls_mu);
        if (!entered)
            (void)nanosleep(&pause, NULL);
    }
}

static int
fake(const struct st_run_ctx *c, int i, struct st_err *err)
{
    int day = (int)(c->date - st_date_from_civil(2026, 3, 2));

    /* The failing report waits until the next date is under way. */
    if (i == 3 && i == fail_stage && day == fail_day && day + 1 == slow_day)
        wait_for_slow_stage();
    if (i == 1 && day == slow_day) {
        pthread_mutex_lock(&calls_mu);
        slow_entered = 1;
        pthread_mutex_unlock(&calls_mu);
        wait_for_failed_report(c);
    }
    pthread_mutex_lock(&calls_mu);
    append(calls, sizeof(calls), i);
    if (day >= 0 && day < NDAYS)
        append(day_calls[day], sizeof(day_calls[day]), i);
    pthread_mutex_unlock(&calls_mu);
    if (i == fail_stage && (fail_day < 0 || day == fail_day))
        return st_err_set(err, ST_ERR_DATA, "stage %d broke", i);
    return 0;
}

static int
s0(struct st_run_ctx *c, struct st_err *e)
{
    return fake(c, 0, e);
}

static int
s1(struct st_run_ctx *c, struct st_err *e)
{
    return fake(c, 1, e);
}

static int
s2(struct st_run_ctx *c, struct st_err *e)
{
    return fake(c, 2, e);
}

static int
s3(struct st_run_ctx *c, struct st_err *e)
{
    return fake(c, 3, e);
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

/* The tests below need the fixture's database; without PGHOST they skip. */
#define NEED_DB(fx)                                                       \
    do {                                                                  \
        if ((fx) == NULL) {                                               \
            SKIP_BECAUSE("no PostgreSQL (PGHOST unset; make "             \
                         "check-integration runs it against a throwaway " \
                         "server)");                                      \
            return;                                                       \
        }                                                                 \
    } while (0)

static void
fixture_free(struct fixture *fx)
{
    if (fx == NULL)
        return;
    st_db_close(fx->db);
    st_config_release(&fx->cfg);
    free(fx);
}

static int
setup(void **state)
{
    struct fixture *fx;
    struct st_err err;

    st_err_clear(&err);
    if (getenv("PGHOST") == NULL)
        return 0; /* the tests skip */
    fx = calloc(1, sizeof(*fx));
    /* cmocka runs no teardown after a failed setup: free here */
    if (fx == NULL || st_config_init(&fx->cfg, &err) != 0 ||
        st_db_connect("", NULL, &fx->db, &err) != 0 ||
        st_db_migrate(fx->db, NULL, NULL, &err) != 0 ||
        snprintf(fx->seller, sizeof(fx->seller), "TESTRUN%ld",
                 (long)getpid()) >= (int)sizeof(fx->seller) ||
        st_config_set(&fx->cfg, "seller_id", fx->seller, ST_SRC_FLAG, &err) !=
            0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        fixture_free(fx);
        return -1;
    }
    fx->ctx.db = fx->db;
    fx->ctx.cfg = &fx->cfg;
    fx->ctx.date = st_date_from_civil(2026, 3, 2);
    calls[0] = '\0';
    fail_stage = -1;
    memset(day_calls, 0, sizeof(day_calls));
    fail_day = -1;
    slow_day = -1;
    slow_entered = 0;
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    fixture_free(*state);
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

    NEED_DB(fx);
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

    NEED_DB(fx);
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

    NEED_DB(fx);
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

    NEED_DB(fx);
    assert_int_equal(st_db_connect("", NULL, &other, &err), 0);
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

    NEED_DB(fx);
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

/* What st_run_dates reported, call by call: "<date>:<rc>," each. */
static void
note_done(void *arg, const struct st_run_ctx *ctx,
          const struct st_run_summary *sum, int rc)
{
    char *seen = arg;
    size_t n = strlen(seen);

    assert_ptr_equal(sum->metrics.date, ctx->date_s);
    assert_true(snprintf(seen + n, 256 - n, "%s:%d,", ctx->date_s, rc) <
                (int)(256 - n));
}

/* settle.run's "date=status[:failed_stage]" of the three dates. */
static void
range_state(struct fixture *fx, char *out, size_t n)
{
    const char *p[1] = {fx->seller};
    PGresult *res = NULL;
    struct st_err err;

    assert_int_equal(
        st_db_query_text(fx->db,
                         "SELECT string_agg(business_date || '=' || status "
                         "|| coalesce(':' || failed_stage, ''), ',' ORDER BY "
                         "business_date) FROM settle.run WHERE seller_id = $1",
                         1, p, &res, &err),
        0);
    assert_true(snprintf(out, n, "%s", PQgetvalue(res, 0, 0)) < (int)n);
    PQclear(res);
}

/* Forgets every run of the fixture's seller. */
static void
clear_runs(struct fixture *fx)
{
    const char *p[1] = {fx->seller};
    struct st_err err;

    assert_int_equal(st_db_query_text(fx->db,
                                      "DELETE FROM settle.run WHERE "
                                      "seller_id = $1",
                                      1, p, NULL, &err),
                     0);
}

static void
run_range(struct fixture *fx, int overlap, int want_rc, char *seen)
{
    struct st_err err;
    int32_t from = st_date_from_civil(2026, 3, 2);

    seen[0] = '\0';
    memset(&err, 0, sizeof(err));
    assert_int_equal(st_run_dates(&fx->ctx, from, from + NDAYS - 1, stages, 4,
                                  overlap, note_done, seen, &err),
                     want_rc);
    if (want_rc != 0)
        assert_string_equal(err.msg, fail_stage == 3 ? "report: stage 3 broke"
                                                     : "normalize: stage 1 "
                                                       "broke");
}

static void
test_dates_overlap(void **state)
{
    struct fixture *fx = *state;
    char seen[256];
    char st[256];
    int overlap;

    NEED_DB(fx);
    clear_runs(fx);
    for (overlap = 0; overlap <= 1; overlap++) {
        memset(day_calls, 0, sizeof(day_calls));
        run_range(fx, overlap, 0, seen);
        assert_string_equal(seen, "2026-03-02:0,2026-03-03:0,2026-03-04:0,");
        assert_string_equal(day_calls[0], "abcd");
        assert_string_equal(day_calls[1], "abcd");
        assert_string_equal(day_calls[2], "abcd");
        range_state(fx, st, sizeof(st));
        assert_string_equal(st, "2026-03-02=reported,2026-03-03=reported,"
                                "2026-03-04=reported");
    }
}

static void
test_dates_report_fails(void **state)
{
    struct fixture *fx = *state;
    char seen[256];
    char st[256];

    NEED_DB(fx);
    clear_runs(fx);
    /* The report of 03-03 fails while 03-04 normalizes: 03-04 stops. */
    fail_stage = 3;
    fail_day = 1;
    slow_day = 2;
    run_range(fx, 1, ST_ERR_DATA, seen);
    assert_string_equal(seen, "2026-03-02:0,2026-03-03:-3,");
    assert_string_equal(day_calls[0], "abcd");
    assert_string_equal(day_calls[1], "abcd");
    assert_string_equal(day_calls[2], "ab");
    range_state(fx, st, sizeof(st));
    assert_string_equal(st, "2026-03-02=reported,2026-03-03=failed:report,"
                            "2026-03-04=normalized");
    /* Fixed: 03-03 resumes at the report, 03-04 at reconcile. */
    fail_stage = -1;
    memset(day_calls, 0, sizeof(day_calls));
    run_range(fx, 1, 0, seen);
    assert_string_equal(seen, "2026-03-02:0,2026-03-03:0,2026-03-04:0,");
    assert_string_equal(day_calls[0], "abcd");
    assert_string_equal(day_calls[1], "d");
    assert_string_equal(day_calls[2], "cd");
}

static void
test_dates_stage_fails(void **state)
{
    struct fixture *fx = *state;
    char seen[256];
    char st[256];

    NEED_DB(fx);
    clear_runs(fx);
    /* 03-04's normalize fails while 03-03 reports: 03-03 comes first. */
    fail_stage = 1;
    fail_day = 2;
    run_range(fx, 1, ST_ERR_DATA, seen);
    assert_string_equal(seen, "2026-03-02:0,2026-03-03:0,2026-03-04:-3,");
    assert_string_equal(day_calls[2], "ab");
    range_state(fx, st, sizeof(st));
    assert_string_equal(st, "2026-03-02=reported,2026-03-03=reported,"
                            "2026-03-04=failed:normalize");
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
        cmocka_unit_test_setup_teardown(test_dates_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates_report_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dates_stage_fails, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
