/*
 * log.h: diagnostics in one voice, as text for a terminal or JSON lines for
 * log collectors.
 *
 * cmd/ owns the one struct st_log of a process and passes it down; lib/
 * writes through the pointer it is given (which may be NULL: then nothing is
 * logged) and never opens stderr itself. Text records look like
 * "settle: normalize: warning: message"; JSON records are one object per
 * line with ts, level, stage, msg and the given fields. Timestamps appear
 * only in JSON records and come from the clock function in the struct, so
 * that tests can pin them. Nothing here goes to stdout, which is for data.
 * Threads may share one struct st_log: each record (with its detail and
 * hint lines) is written whole under the stream's lock.
 */
#ifndef ST_LOG_H
#define ST_LOG_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/err.h"

enum st_log_level {
    ST_LOG_ERROR = 0,
    ST_LOG_WARN = 1,
    ST_LOG_INFO = 2,
    ST_LOG_DEBUG = 3
};

enum st_log_format { ST_LOG_TEXT = 0, ST_LOG_JSON = 1 };

/* One extra field of a record: a string (s != NULL) or an integer. */
struct st_log_field {
    const char *key;
    const char *s;
    int64_t i;
};

struct st_log {
    FILE *out;                 /* borrowed; usually stderr */
    enum st_log_format format; /* text or JSON lines */
    enum st_log_level level;   /* records above this level are dropped */
    const char *prog;          /* "settle" */
    time_t (*clock)(void);     /* wall clock for JSON "ts"; NULL = time() */
    int progress;              /* 1 when out is a terminal (text only) */
};

/* Sets up log to write to out at level INFO in the given format. */
void st_log_init(struct st_log *log, FILE *out, enum st_log_format format);

/* Writes one record; log may be NULL. stage may be NULL. */
void st_log_msg(struct st_log *log, enum st_log_level level, const char *stage,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Writes one record with extra fields (shown as key=value in text). */
void st_log_fields(struct st_log *log, enum st_log_level level,
                   const char *stage, const struct st_log_field *fields,
                   size_t nfields, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Writes err as an error record: "FILE:LINE:COL: msg" when located, then
 * its detail and hint lines, and in JSON the code's text and SQLSTATE.
 */
void st_log_err(struct st_log *log, const char *stage,
                const struct st_err *err);

/*
 * Shows progress of long work on a terminal ("stage: done/total unit"),
 * overwriting the same line; a no-op unless log->progress is set. Call with
 * done == total to finish the line.
 */
void st_log_progress(struct st_log *log, const char *stage, uint64_t done,
                     uint64_t total, const char *unit);

#endif
