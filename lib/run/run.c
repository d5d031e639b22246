/*
 * run.c: the stage engine of `settle run`.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/currency.h"
#include "core/date.h"
#include "io/dbvalue.h"
#include "fetch/fetch.h"
#include "fx/ecb.h"
#include "normalize/normalize.h"
#include "reconcile/reconcile.h"
#include "run/run.h"
#include "report/statement.h"
#include "core/location.h"
#include "core/problems.h"
#include "core/version.h"
#include "core/banned.h"

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Index of the first stage to run, from the last run's state. */
static int
resume_point(const struct st_stage *stages, size_t n, const char *status,
             const char *failed_stage, int skip_closed)
{
    size_t i;

    if (skip_closed && strcmp(status, stages[n - 1].status) == 0)
        return (int)n; /* closed: nothing to run */
    for (i = 0; i < n; i++) {
        if (strcmp(status, "failed") == 0 && failed_stage != NULL &&
            strcmp(failed_stage, stages[i].name) == 0)
            return (int)i;
        if (strcmp(status, stages[i].status) == 0)
            return i + 1 < n ? (int)i + 1 : 0;
    }
    return 0;
}

static int
record_failure(struct st_run_ctx *ctx, const char *stage,
               const struct st_err *why)
{
    const char *params[4];
    char msg[sizeof(why->msg) + 32];
    struct st_err ignored;

    if (snprintf(msg, sizeof(msg), "%s",
                 why->msg[0] ? why->msg : st_strerror(why->code)) < 0)
        msg[0] = '\0';
    params[0] = ctx->cfg->seller_id;
    params[1] = ctx->date_s;
    params[2] = stage;
    params[3] = msg;
    /* Best effort: the stage's own error is what the caller must see. */
    return st_db_query(ctx->db, "queries/update_run_failed.sql", 4, params,
                       NULL, &ignored);
}

#define SUMMARY_QUERY "queries/select_run_summary.sql"

/* Adds one (what, label, n) figure of SUMMARY_QUERY to sum. */
static void
add_figure(struct st_run_summary *sum, const char *what, const char *label,
           int64_t n)
{
    if (strcmp(what, "lines") == 0) {
        sum->lines += n;
        st_metrics_count(sum->metrics.lines, &sum->metrics.nlines, label, n);
    } else if (strcmp(what, "exceptions") == 0) {
        sum->exceptions += n;
        st_metrics_count(sum->metrics.exceptions, &sum->metrics.nexceptions,
                         label, n);
    } else if (strcmp(what, "open_disputes") == 0) {
        sum->open_disputes = n;
        sum->metrics.open_disputes = n;
    } else if (strcmp(what, "last_success") == 0) {
        sum->metrics.last_success_epoch = n;
    } else if (strcmp(what, "oldest_unprocessed_days") == 0) {
        sum->metrics.oldest_unprocessed_report_age_days = n;
    }
}

static int
summarize(struct st_run_ctx *ctx, struct st_run_summary *sum,
          struct st_err *err)
{
    static const char *const names[3] = {"what", "label", "n"};
    const char *params[2] = {ctx->cfg->seller_id, ctx->date_s};
    PGresult *res = NULL;
    int col[3];
    int rc;
    int i;

    if ((rc = st_db_query(ctx->db, SUMMARY_QUERY, 2, params, &res, err)) != 0 ||
        (rc = st_db_columns(res, names, col, 3, SUMMARY_QUERY, err)) != 0)
        goto out;
    sum->lines = sum->exceptions = sum->open_disputes = 0;
    sum->metrics.nlines = sum->metrics.nexceptions = 0;
    for (i = 0; i < PQntuples(res); i++) {
        int64_t n = 0;

        if ((rc = st_db_i64(res, i, col[2], SUMMARY_QUERY, &n, err)) != 0)
            goto out;
        add_figure(sum, st_db_text(res, i, col[0]), st_db_text(res, i, col[1]),
                   n);
    }
    rc = 0;
out:
    PQclear(res);
    return rc;
}

#define UPSERT_RUN "queries/upsert_run.sql"

/*
 * Opens the run of ctx->date: takes the (seller, date) lock and reads where
 * the last run stopped into *first. *locked tells whether the lock is held
 * (also on error).
 */
static int
run_open(struct st_run_ctx *ctx, const struct st_stage *stages, size_t n,
         struct st_run_summary *sum, int *first, int *locked,
         struct st_err *err)
{
    static const char *const names[2] = {"status", "failed_stage"};
    const char *params[3];
    PGresult *res = NULL;
    int col[2];
    int rc;

    *first = 0;
    *locked = 0;
    st_date_format(ctx->date, ctx->date_s);
    st_metrics_init(&sum->metrics);
    sum->metrics.seller = ctx->cfg->seller_id;
    sum->first_stage = 0;
    sum->lines = sum->exceptions = sum->open_disputes = 0;
    if ((rc = st_config_require_seller(ctx->cfg, err)) != 0)
        goto out;
    if ((rc = st_db_lock(ctx->db, ctx->cfg->seller_id, ctx->date, err)) != 0)
        goto out;
    *locked = 1;
    params[0] = ctx->cfg->seller_id;
    params[1] = ctx->date_s;
    params[2] = ST_VERSION;
    rc = st_db_query(ctx->db, UPSERT_RUN, 3, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, col, 2, UPSERT_RUN, err)) != 0)
        goto out;
    *first = resume_point(
        stages, n, st_db_text(res, 0, col[0]),
        PQgetisnull(res, 0, col[1]) ? NULL : st_db_text(res, 0, col[1]),
        ctx->skip_closed);
    sum->first_stage = *first;
    if (*first == (int)n)
        st_log_msg(ctx->log, ST_LOG_INFO, "run", "%s: closed already",
                   ctx->date_s);
    else if (*first > 0)
        st_log_msg(ctx->log, ST_LOG_INFO, "run", "%s: resuming at %s",
                   ctx->date_s, stages[*first].name);
out:
    PQclear(res);
    return rc;
}

/*
 * Runs stages[from..to) of ctx->date, recording each in settle.run, and a
 * failure with its stage. Before each stage it looks at *stop (when not
 * NULL): once set, it stops there and returns 0. *reached gets the index
 * of the first stage not run.
 */
static int
run_stages(struct st_run_ctx *ctx, const struct st_stage *stages, size_t from,
           size_t to, struct st_run_summary *sum, const atomic_int *stop,
           size_t *reached, struct st_err *err)
{
    const char *params[4];
    size_t i;
    int rc = 0;

    params[0] = ctx->cfg->seller_id;
    params[1] = ctx->date_s;
    for (i = from; i < to; i++) {
        int64_t t0;
        struct st_log_field f[3] = {
            {.key = "date", .s = ctx->date_s},
            {.key = "seller", .s = ctx->cfg->seller_id},
            {.key = "ms", .i = 0},
        };

        if (stop != NULL && atomic_load(stop))
            break;
        t0 = now_ms();
        rc = stages[i].fn(ctx, err);
        f[2].i = now_ms() - t0;
        if (i < 4)
            sum->metrics.stage_ms[i] = f[2].i;
        st_log_fields(ctx->log, rc == 0 ? ST_LOG_INFO : ST_LOG_DEBUG,
                      stages[i].name, f, 3, "%s", rc == 0 ? "done" : "failed");
        if (rc != 0) {
            st_err_prefix(err, "%s", stages[i].name);
            record_failure(ctx, stages[i].name, err);
            break;
        }
        params[2] = stages[i].status;
        params[3] = ST_VERSION;
        rc = st_db_query(ctx->db, "queries/update_run_stage.sql", 4, params,
                         NULL, err);
        if (rc != 0)
            break;
    }
    *reached = i;
    return rc;
}

/*
 * Closes the run of ctx->date after rc: the figures as far as it got
 * (empty when it got nowhere), then the lock goes. Returns rc, or the
 * summary's error when rc was 0.
 */
static int
run_close(struct st_run_ctx *ctx, struct st_run_summary *sum, int rc,
          struct st_err *err)
{
    struct st_err e2;

    if (summarize(ctx, sum, rc == 0 ? err : &e2) != 0 && rc == 0)
        rc = err->code;
    st_db_unlock(ctx->db, ctx->cfg->seller_id, ctx->date, NULL);
    return rc;
}

int
st_run_date(struct st_run_ctx *ctx, const struct st_stage *stages, size_t n,
            struct st_run_summary *sum, struct st_err *err)
{
    size_t reached = 0;
    int locked = 0;
    int first = 0;
    int rc;

    rc = run_open(ctx, stages, n, sum, &first, &locked, err);
    if (rc == 0)
        rc =
            run_stages(ctx, stages, (size_t)first, n, sum, NULL, &reached, err);
    if (rc == 0)
        sum->metrics.success = 1;
    if (locked)
        rc = run_close(ctx, sum, rc, err);
    return rc;
}

/*
 * One date of st_run_dates: its context (on the main connection while its
 * database stages run, on the worker's while it reports), figures and
 * error, and the thread that reports it. failed is the worker's word to
 * the main thread: set once the report failed.
 */
struct run_slot {
    struct st_run_ctx ctx;
    struct st_run_summary sum;
    struct st_err err;
    const struct st_stage *stages;
    size_t from; /* the stages the worker runs: [from, n) */
    size_t n;
    int rc;
    atomic_int failed;
    pthread_t tid;
};

/* The worker: the last stage and the date's close, on its own connection. */
static void *
report_main(void *arg)
{
    struct run_slot *s = arg;
    size_t reached = 0;
    int rc;

    rc = st_db_lock(s->ctx.db, s->ctx.cfg->seller_id, s->ctx.date, &s->err);
    if (rc == 0) {
        rc = run_stages(&s->ctx, s->stages, s->from, s->n, &s->sum, NULL,
                        &reached, &s->err);
        /* Raised at once, so the next date stops at its next boundary. */
        if (rc != 0)
            atomic_store(&s->failed, 1);
        else
            s->sum.metrics.success = 1;
        rc = run_close(&s->ctx, &s->sum, rc, &s->err);
    }
    s->rc = rc;
    atomic_store(&s->failed, rc != 0);
    return NULL;
}

/* Tells the caller about a finished date; returns its rc. */
static int
run_done(struct run_slot *s, st_run_done_fn *done, void *arg)
{
    s->sum.metrics.date = s->ctx.date_s;
    if (done != NULL)
        done(arg, &s->ctx, &s->sum, s->rc);
    return s->rc;
}

/* Waits for the report of s, then tells the caller; returns its rc. */
static int
join_report(struct run_slot *s, st_run_done_fn *done, void *arg)
{
    if (pthread_join(s->tid, NULL) != 0)
        s->rc = st_err_set(&s->err, ST_ERR_INTERNAL,
                           "cannot join the report of %s", s->ctx.date_s);
    return run_done(s, done, arg);
}

/* What st_run_dates carries from one date to the next. */
struct dates {
    struct st_run_ctx *ctx;
    const struct st_stage *stages;
    size_t n;
    struct st_db *wdb;       /* the worker's connection, or NULL */
    struct run_slot *busy;   /* the slot a worker reports, if any */
    struct run_slot *failed; /* the date that ended the range */
    st_run_done_fn *done;
    void *arg;
};

/*
 * The stages of cur's date on the main connection, up to split (all of
 * them when there is no worker); *reached gets the first not run. Closes
 * the date when it failed or completed here, else leaves it unlocked for
 * the worker (or for a later run, after the report before failed).
 */
static void
run_here(struct dates *s, struct run_slot *cur, size_t split, size_t *reached)
{
    struct run_slot *busy = s->busy;
    size_t n = s->n;
    int locked = 0;
    int first = 0;

    cur->rc = run_open(&cur->ctx, s->stages, n, &cur->sum, &first, &locked,
                       &cur->err);
    if (cur->rc == 0)
        cur->rc =
            run_stages(&cur->ctx, s->stages, (size_t)first, split, &cur->sum,
                       busy ? &busy->failed : NULL, reached, &cur->err);
    if (cur->rc == 0 && *reached == n)
        cur->sum.metrics.success = 1;
    if (cur->rc == 0 && *reached < split)
        st_log_msg(s->ctx->log, ST_LOG_INFO, "run",
                   "%s: stopping before %s: the report of %s failed",
                   cur->ctx.date_s, s->stages[*reached].name, busy->ctx.date_s);
    /*
     * Done here when it failed, completed on this connection, or stopped
     * for the failed report of the date before (it keeps the status it
     * reached and resumes there next time).
     */
    if (locked && (cur->rc != 0 || *reached == n))
        cur->rc = run_close(&cur->ctx, &cur->sum, cur->rc, &cur->err);
    else if (locked)
        st_db_unlock(cur->ctx.db, s->ctx->cfg->seller_id, cur->ctx.date, NULL);
}

/*
 * One date of the range in slot cur. Returns 1 when the range ends here
 * (s->failed then says why, unless the report before failed), else 0.
 */
static int
run_date(struct dates *s, struct run_slot *cur, int32_t d)
{
    size_t split = s->wdb != NULL ? s->n - 1 : s->n;
    size_t reached = 0;

    memset(cur, 0, sizeof(*cur));
    atomic_init(&cur->failed, 0);
    cur->ctx = *s->ctx;
    cur->ctx.date = d;
    cur->stages = s->stages;
    cur->n = s->n;
    if (s->busy != NULL && atomic_load(&s->busy->failed))
        return 1; /* do not start another date after a failed report */
    run_here(s, cur, split, &reached);
    if (s->busy != NULL) {
        struct run_slot *prev = s->busy;

        s->busy = NULL;
        if (join_report(prev, s->done, s->arg) != 0) {
            s->failed = prev;
            return 1;
        }
    }
    if (cur->rc != 0 || reached == s->n) {
        if (run_done(cur, s->done, s->arg) != 0)
            s->failed = cur;
        return 0;
    }
    if (reached < split) {
        /* Stops only for a failed report, which ended the range above. */
        cur->rc = st_err_set(&cur->err, ST_ERR_INTERNAL, "%s stopped before %s",
                             cur->ctx.date_s, s->stages[reached].name);
        s->failed = cur;
        return 1;
    }
    /* Hand the report over; it takes the lock on its own connection. */
    cur->ctx.db = s->wdb;
    cur->from = reached;
    if (pthread_create(&cur->tid, NULL, report_main, cur) != 0) {
        report_main(cur);
        if (run_done(cur, s->done, s->arg) != 0)
            s->failed = cur;
        return 0;
    }
    s->busy = cur;
    return 0;
}

int
st_run_dates(struct st_run_ctx *ctx, int32_t from, int32_t to,
             const struct st_stage *stages, size_t n, int overlap,
             st_run_done_fn *done, void *arg, struct st_err *err)
{
    struct run_slot *slot = NULL; /* [0] and [1], taking turns */
    struct dates s;
    int rc = ST_ERR_NOMEM;
    int32_t d;

    memset(&s, 0, sizeof(s));
    s.ctx = ctx;
    s.stages = stages;
    s.n = n;
    s.done = done;
    s.arg = arg;
    if (n == 0 || from > to) {
        rc = st_err_set(err, ST_ERR_INTERNAL, "nothing to run");
        goto out;
    }
    slot = st_calloc(2, sizeof(*slot));
    if (slot == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Only a range has something to overlap. */
    if (overlap && from < to &&
        st_db_connect(ctx->cfg->database, ctx->log, &s.wdb, &slot[0].err) !=
            0) {
        st_log_msg(ctx->log, ST_LOG_WARN, "run",
                   "reporting in turn: cannot open a second connection: %s",
                   slot[0].err.msg);
        s.wdb = NULL;
    }
    for (d = from; d <= to && s.failed == NULL; d++)
        if (run_date(&s, &slot[(d - from) % 2], d) != 0)
            break;
    if (s.busy != NULL && join_report(s.busy, done, arg) != 0 &&
        s.failed == NULL)
        s.failed = s.busy;
    rc = 0;
    if (s.failed != NULL) {
        *err = s.failed->err;
        rc = s.failed->rc;
    }
out:
    st_db_close(s.wdb);
    st_free(slot);
    return rc;
}

#define CUTOFF_QUERY "queries/select_run_cutoff.sql"

int
st_run_rebuild(struct st_run_ctx *ctx, struct st_err *err)
{
    static const char *const names[1] = {"ledger_cutoff"};
    const char *params[2];
    PGresult *res = NULL;
    int col;
    int locked = 0;
    int in_tx = 0;
    int outer;
    size_t i;
    int rc;

    st_date_format(ctx->date, ctx->date_s);
    params[0] = ctx->cfg->seller_id;
    params[1] = ctx->date_s;
    if ((rc = st_config_require_seller(ctx->cfg, err)) != 0)
        goto out;
    if ((rc = st_db_lock(ctx->db, ctx->cfg->seller_id, ctx->date, err)) != 0)
        goto out;
    locked = 1;
    rc = st_db_query(ctx->db, CUTOFF_QUERY, 2, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, &col, 1, CUTOFF_QUERY, err)) != 0)
        goto out;
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, col)) {
        rc = st_err_set(err, ST_ERR_NOINPUT,
                        "%s was never reconciled: no ledger cutoff to rerun "
                        "as of",
                        ctx->date_s);
        goto out;
    }
    st_log_msg(ctx->log, ST_LOG_INFO, "rerun",
               "%s: rebuilding as of the ledger cutoff %s", ctx->date_s,
               st_db_text(res, 0, col));
    outer = st_db_in_transaction(ctx->db);
    if ((rc = st_db_begin(ctx->db, err)) != 0)
        goto out;
    in_tx = 1;
    /*
     * The role settle_auditor starts read-only (sql/roles.sql); this
     * transaction writes and is rolled back. (Inside a caller's
     * transaction, the caller decides.)
     */
    if (!outer &&
        (rc = st_db_exec(ctx->db, "SET TRANSACTION READ WRITE", err)) != 0)
        goto out;
    /* Every stage but fetch: the archive is the input. */
    for (i = 1; i < st_run_nstages; i++) {
        if ((rc = st_run_stages[i].fn(ctx, err)) != 0) {
            st_err_prefix(err, "%s", st_run_stages[i].name);
            goto out;
        }
    }
out:
    if (in_tx)
        st_db_rollback(ctx->db); /* the live results stay as they were */
    if (locked)
        st_db_unlock(ctx->db, ctx->cfg->seller_id, ctx->date, NULL);
    PQclear(res);
    return rc;
}

#define YESTERDAY_QUERY "queries/select_yesterday.sql"

int
st_run_yesterday(struct st_db *db, const struct st_config *cfg, int32_t *date,
                 struct st_err *err)
{
    static const char *const names[1] = {"yesterday"};
    const char *params[1] = {cfg->timezone};
    PGresult *res = NULL;
    const char *v;
    int col;
    int rc;

    *date = 0;
    if ((rc = st_db_check_timezone(db, cfg->timezone, err)) != 0)
        return rc;
    rc = st_db_query(db, YESTERDAY_QUERY, 1, params, &res, err);
    if (rc != 0 ||
        (rc = st_db_columns(res, names, &col, 1, YESTERDAY_QUERY, err)) != 0)
        goto out;
    v = st_db_text(res, 0, col);
    rc = st_date_parse(v, strlen(v), date, err);
out:
    PQclear(res);
    return rc;
}

/*
 * The real stages. Each adapter calls its stage's entry point with what
 * the run context holds.
 */
static int
stage_fetch(struct st_run_ctx *ctx, struct st_err *err)
{
    struct st_fetch_opts o;
    struct st_fetch_result res;
    int rc;

    st_fetch_opts_init(&o);
    o.source = ctx->source;
    rc = st_fetch_date(ctx->db, ctx->cfg, ctx->date, &o, ctx->log, &res, err);
    if (rc == 0 && res.found == 0)
        st_log_msg(ctx->log, ST_LOG_WARN, "fetch",
                   "%s: no settlement report for this date", ctx->date_s);
    return rc;
}

/* The date's ECB quotes, fetched when reporting_currency needs them. */
static int
ensure_rates(struct st_run_ctx *ctx, struct st_err *err)
{
    struct st_ecb_opts o;

    st_ecb_opts_init(&o);
    return st_ecb_ensure(ctx->db, ctx->cfg, ctx->date, &o, ctx->log, err);
}

static int
stage_normalize(struct st_run_ctx *ctx, struct st_err *err)
{
    struct st_normalize_opts o;
    struct st_problems *probs = NULL;
    const char *rep = ctx->cfg->reporting_currency;
    int rc;

    memset(&o, 0, sizeof(o));
    o.expect_seller = ctx->cfg->seller_id;
    if (rep != NULL && rep[0] != '\0') {
        o.reporting = st_currency_find(rep, strlen(rep));
        if (o.reporting == NULL)
            return st_err_set(err, ST_ERR_CONFIG,
                              "reporting_currency '%s' is not an ISO 4217 "
                              "currency",
                              rep);
    }
    o.fx_max_age_days = (int)ctx->cfg->fx_max_age_days;
    o.log = ctx->log;
    if ((rc = ensure_rates(ctx, err)) != 0)
        return rc;
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    st_problems_init(probs);
    o.problems = probs;
    rc = st_normalize_date(ctx->db, &o, ctx->cfg->seller_id, ctx->date,
                           ctx->cfg->archive_dir, NULL, err);
    /* Every problem on the log; the first is the error's message. */
    if (rc == ST_ERR_DATA)
        st_problems_log(probs, ctx->log, "normalize");
    if (rc == ST_ERR_DATA && probs->nkept > 0) {
        char first[ST_LOCATION_MAX + 256];

        st_err_set(err, ST_ERR_DATA, "%s (%zu problem%s)",
                   st_problem_format(&probs->kept[0], first, sizeof(first)),
                   probs->total, probs->total == 1 ? "" : "s");
    }
    st_free(probs);
    return rc;
}

static int
stage_reconcile(struct st_run_ctx *ctx, struct st_err *err)
{
    return st_reconcile_date(ctx->db, ctx->cfg, ctx->date, 0, ctx->log, NULL,
                             err);
}

static int
stage_report(struct st_run_ctx *ctx, struct st_err *err)
{
    struct st_statement_result res;

    return st_statement_run(ctx->db, ctx->cfg, ctx->date, ctx->out_dir,
                            ctx->log, &res, err);
}

const struct st_stage st_run_stages[] = {
    {.name = "fetch", .status = "fetched", .fn = stage_fetch},
    {.name = "normalize", .status = "normalized", .fn = stage_normalize},
    {.name = "reconcile", .status = "reconciled", .fn = stage_reconcile},
    {.name = "report", .status = "reported", .fn = stage_report},
};
const size_t st_run_nstages = sizeof(st_run_stages) / sizeof(st_run_stages[0]);
