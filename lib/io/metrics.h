/*
 * metrics.h: the Prometheus textfile a run leaves behind for node_exporter's
 * textfile collector (README "Running it every night"). The file is rewritten
 * whole and atomically at the end of every run, success or failure, so an alert
 * on settle_run_success == 0 or on an old settle_last_success_timestamp_seconds
 * pages the operator.
 */
#ifndef ST_METRICS_H
#define ST_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define ST_METRICS_MAX_LABELS 32

struct st_metric_count {
    char label[40]; /* a kind or a status */
    int64_t value;
};

struct st_metrics {
    const char *seller;
    const char *date;           /* business date "YYYY-MM-DD" */
    int success;                /* 1 when the run completed */
    int64_t last_success_epoch; /* 0 = never */
    int64_t stage_ms[4];        /* fetch, normalize, reconcile, report; -1 */
    struct st_metric_count lines[ST_METRICS_MAX_LABELS];
    size_t nlines;
    struct st_metric_count exceptions[ST_METRICS_MAX_LABELS];
    size_t nexceptions;
    int64_t open_disputes;
    int64_t oldest_unprocessed_report_age_days; /* -1 = unknown */
    int64_t unclosed_dates; /* up to yesterday, after this date; -1 = unknown */
};

/* Sets every field to "unknown" (-1 durations, no counts). */
void st_metrics_init(struct st_metrics *m);

/* Adds value to the count of label in counts (up to the maximum). */
void st_metrics_count(struct st_metric_count *counts, size_t *n,
                      const char *label, int64_t value);

/* Appends the text exposition of m to out. */
void st_metrics_format(const struct st_metrics *m, struct st_buf *out);

/* Writes the text exposition of m to path atomically. */
int st_metrics_write(const struct st_metrics *m, const char *path,
                     struct st_err *err);

#endif
