/*
 * run.h: the nightly job for one (seller, business date): fetch, normalize,
 * reconcile, report, in that order, each recorded in settle.run as it
 * completes.
 *
 * A run holds the advisory lock of (seller, date) from start to end (when
 * st_run_dates hands a date's report to its worker, the lock moves from one
 * connection to the other), so a second run of the same date stops at once
 * with ST_ERR_TEMPFAIL. It
 * resumes where the last run of the date stopped: at the stage that failed,
 * or after the last stage a killed run completed; a date whose last run
 * completed is run whole again, which every stage makes safe (each replaces
 * its own results atomically). When a stage fails, settle.run records the
 * stage and the message, and the error comes back to the caller.
 *
 * The stages are a table, so tests can run the engine with stand-ins.
 */
#ifndef ST_RUN_H
#define ST_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "io/db.h"
#include "core/err.h"
#include "core/log.h"
#include "io/metrics.h"

/* What a stage gets. */
struct st_run_ctx {
    struct st_db *db;
    const struct st_config *cfg;
    int32_t date;        /* business date, days since the epoch */
    char date_s[11];     /* the same as YYYY-MM-DD */
    const char *source;  /* "api" or "dir:PATH" (fetch) */
    const char *out_dir; /* statements root (report); cfg->out_dir */
    struct st_log *log;
    int skip_closed; /* catch-up: a date already reported is not run again */
};

struct st_stage {
    const char *name;   /* "fetch" */
    const char *status; /* settle.run status once done: "fetched" */
    int (*fn)(struct st_run_ctx *ctx, struct st_err *err);
};

/* The closing figures of a run of one date. */
struct st_run_summary {
    int first_stage; /* index of the stage the run started from */
    int64_t lines;
    int64_t exceptions;
    int64_t open_disputes;
    struct st_metrics metrics;
};

/* The four real stages, in order. */
extern const struct st_stage st_run_stages[];
extern const size_t st_run_nstages;

/*
 * Runs the stages[0..n) of ctx->date for ctx->cfg->seller_id as described
 * above, filling *sum (also on failure, as far as it got, for the metrics).
 */
int st_run_date(struct st_run_ctx *ctx, const struct st_stage *stages, size_t n,
                struct st_run_summary *sum, struct st_err *err);

/*
 * What st_run_dates calls on the calling thread once per date, in date
 * order, when the date is done: rc is 0, or the date's error (the last
 * call then). ctx->date_s names the date; sum->metrics.date points to it.
 * Both are borrowed for the call only.
 */
typedef void st_run_done_fn(void *arg, const struct st_run_ctx *ctx,
                            const struct st_run_summary *sum, int rc);

/*
 * Runs every date from `from` to `to` (inclusive, in order) with
 * st_run_date's rules, on ctx (whose date and date_s it sets), calling
 * done (may be NULL) after each date, and stops at the first date that
 * fails, returning its error.
 *
 * With overlap set and more than one date, a date's last stage (the
 * report, client CPU) runs on a worker thread with a second connection to
 * ctx->cfg->database while the main thread runs the next date's other
 * stages (database CPU) on ctx->db; at most one report is in flight, and
 * the next date's report waits for it. The date's lock moves with it: the
 * main connection releases it after its stages, the worker takes it again
 * (ST_ERR_TEMPFAIL when another run took it in between). When a report
 * fails, the next date stops at its next stage boundary, keeping the
 * status it reached; when both fail, the earlier date's error is the one
 * returned. Without a second connection the dates run in turn (a warning
 * is logged). ctx->log must be safe to share between threads (lib/core/log.c
 * writes each record whole).
 */
int st_run_dates(struct st_run_ctx *ctx, int32_t from, int32_t to,
                 const struct st_stage *stages, size_t n, int overlap,
                 st_run_done_fn *done, void *arg, struct st_err *err);

/*
 * The auditor's rebuild of ctx->date: normalize from the archive, reconcile
 * as of the stored ledger cutoff and report into ctx->out_dir, all inside
 * one transaction that is rolled back at the end, so the date's live
 * results are never touched. Holds the (seller, date) lock meanwhile.
 * ST_ERR_NOINPUT when the date was never reconciled (no stored cutoff).
 */
int st_run_rebuild(struct st_run_ctx *ctx, struct st_err *err);

/* Yesterday in cfg->timezone, as days since the epoch. */
int st_run_yesterday(struct st_db *db, const struct st_config *cfg,
                     int32_t *date, struct st_err *err);

#endif
