/*
 * run.h: the nightly job for one (seller, business date): fetch, normalize,
 * reconcile, report, in that order, each recorded in settle.run as it
 * completes.
 *
 * A run holds the advisory lock of (seller, date) from start to end, so a
 * second run of the same date stops at once with ST_ERR_TEMPFAIL. It
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

#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "metrics.h"

/* What a stage gets. */
struct st_run_ctx {
    struct st_db *db;
    const struct st_config *cfg;
    int32_t date;        /* business date, days since the epoch */
    char date_s[11];     /* the same as YYYY-MM-DD */
    const char *source;  /* "api" or "dir:PATH" (fetch) */
    const char *out_dir; /* statements root (report); cfg->out_dir */
    struct st_log *log;
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
