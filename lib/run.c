/*
 * run.c: the stage engine of `settle run`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "currency.h"
#include "date.h"
#include "fetch.h"
#include "normalize.h"
#include "reconcile.h"
#include "run.h"
#include "statement.h"
#include "version.h"
#include "banned.h"

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
             const char *failed_stage)
{
    size_t i;

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

static int
summarize(struct st_run_ctx *ctx, struct st_run_summary *sum,
          struct st_err *err)
{
    const char *params[2] = {ctx->cfg->seller_id, ctx->date_s};
    PGresult *res = NULL;
    int rc;
    int i;

    rc = st_db_query(ctx->db, "queries/select_run_summary.sql", 2, params, &res,
                     err);
    if (rc != 0)
        return rc;
    sum->lines = sum->exceptions = sum->open_disputes = 0;
    sum->metrics.nlines = sum->metrics.nexceptions = 0;
    for (i = 0; i < PQntuples(res); i++) {
        const char *what = PQgetvalue(res, i, 0);
        const char *label = PQgetvalue(res, i, 1);
        int64_t n = strtoll(PQgetvalue(res, i, 2), NULL, 10);

        if (strcmp(what, "lines") == 0) {
            sum->lines += n;
            st_metrics_count(sum->metrics.lines, &sum->metrics.nlines, label,
                             n);
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
    PQclear(res);
    return 0;
}

int
st_run_date(struct st_run_ctx *ctx, const struct st_stage *stages, size_t n,
            struct st_run_summary *sum, struct st_err *err)
{
    const char *params[4];
    PGresult *res = NULL;
    int locked = 0;
    int first;
    size_t i;
    int rc;

    st_date_format(ctx->date, ctx->date_s);
    st_metrics_init(&sum->metrics);
    sum->metrics.seller = ctx->cfg->seller_id;
    sum->first_stage = 0;
    sum->lines = sum->exceptions = sum->open_disputes = 0;
    if ((rc = st_config_require_seller(ctx->cfg, err)) != 0)
        goto out;
    if ((rc = st_db_lock(ctx->db, ctx->cfg->seller_id, ctx->date, err)) != 0)
        goto out;
    locked = 1;
    params[0] = ctx->cfg->seller_id;
    params[1] = ctx->date_s;
    params[2] = ST_VERSION;
    rc = st_db_query(ctx->db, "queries/upsert_run.sql", 3, params, &res, err);
    if (rc != 0)
        goto out;
    first = resume_point(stages, n, PQgetvalue(res, 0, 0),
                         PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1));
    PQclear(res);
    res = NULL;
    sum->first_stage = first;
    if (first > 0)
        st_log_msg(ctx->log, ST_LOG_INFO, "run", "%s: resuming at %s",
                   ctx->date_s, stages[first].name);
    for (i = (size_t)first; i < n; i++) {
        int64_t t0 = now_ms();
        struct st_log_field f[3] = {
            {.key = "date", .s = ctx->date_s},
            {.key = "seller", .s = ctx->cfg->seller_id},
            {.key = "ms", .i = 0},
        };

        rc = stages[i].fn(ctx, err);
        f[2].i = now_ms() - t0;
        if (i < 4)
            sum->metrics.stage_ms[i] = f[2].i;
        st_log_fields(ctx->log, rc == 0 ? ST_LOG_INFO : ST_LOG_DEBUG,
                      stages[i].name, f, 3, "%s", rc == 0 ? "done" : "failed");
        if (rc != 0) {
            st_err_prefix(err, "%s", stages[i].name);
            record_failure(ctx, stages[i].name, err);
            goto out;
        }
        params[2] = stages[i].status;
        params[3] = ST_VERSION;
        rc = st_db_query(ctx->db, "queries/update_run_stage.sql", 4, params,
                         NULL, err);
        if (rc != 0)
            goto out;
    }
    sum->metrics.success = 1;
out:
    /* The figures as far as the run got (empty when it got nowhere). */
    if (locked) {
        struct st_err e2;

        if (summarize(ctx, sum, rc == 0 ? err : &e2) != 0 && rc == 0)
            rc = err->code;
        st_db_unlock(ctx->db, ctx->cfg->seller_id, ctx->date, NULL);
    }
    PQclear(res);
    return rc;
}

int
st_run_rebuild(struct st_run_ctx *ctx, struct st_err *err)
{
    const char *params[2];
    PGresult *res = NULL;
    int locked = 0;
    int in_tx = 0;
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
    rc = st_db_query(ctx->db, "queries/select_run_cutoff.sql", 2, params, &res,
                     err);
    if (rc != 0)
        goto out;
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        rc = st_err_set(err, ST_ERR_NOINPUT,
                        "%s was never reconciled: no ledger cutoff to rerun "
                        "as of",
                        ctx->date_s);
        goto out;
    }
    st_log_msg(ctx->log, ST_LOG_INFO, "rerun",
               "%s: rebuilding as of the ledger cutoff %s", ctx->date_s,
               PQgetvalue(res, 0, 0));
    if ((rc = st_db_begin(ctx->db, err)) != 0)
        goto out;
    in_tx = 1;
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

int
st_run_yesterday(struct st_db *db, const struct st_config *cfg, int32_t *date,
                 struct st_err *err)
{
    const char *params[1] = {cfg->timezone};
    PGresult *res = NULL;
    const char *v;
    int rc;

    *date = 0;
    rc = st_db_query(db, "queries/select_yesterday.sql", 1, params, &res, err);
    if (rc != 0)
        return rc;
    v = PQgetvalue(res, 0, 0);
    rc = st_date_parse(v, strlen(v), date, err);
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

static int
stage_normalize(struct st_run_ctx *ctx, struct st_err *err)
{
    struct st_normalize_opts o;
    struct st_problems *probs = NULL;
    const char *rep = ctx->cfg->reporting_currency;
    size_t i;
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
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    st_problems_init(probs);
    o.problems = probs;
    rc = st_normalize_date(ctx->db, &o, ctx->cfg->seller_id, ctx->date,
                           ctx->cfg->archive_dir, NULL, err);
    /* Every problem on the log; the first is the error's message. */
    for (i = 0; rc == ST_ERR_DATA && i < probs->nkept; i++)
        st_log_msg(ctx->log, ST_LOG_ERROR, "normalize", "%s:%ld: %s",
                   probs->kept[i].file, probs->kept[i].line,
                   probs->kept[i].msg);
    if (rc == ST_ERR_DATA && probs->total > probs->nkept)
        st_log_msg(ctx->log, ST_LOG_ERROR, "normalize", "and %zu more problems",
                   probs->total - probs->nkept);
    if (rc == ST_ERR_DATA && probs->nkept > 0) {
        st_err_set(err, ST_ERR_DATA, "%s:%ld: %s (%zu problem%s)",
                   probs->kept[0].file, probs->kept[0].line, probs->kept[0].msg,
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
