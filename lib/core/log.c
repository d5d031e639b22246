/*
 * log.c: text and JSON-lines diagnostics. JSON goes through jansson so that
 * every string is escaped correctly.
 *
 * A record takes several stdio calls, so each one is written, from its
 * first byte to its flush, under one process-wide mutex: records of threads
 * sharing one struct st_log (settle run's report worker and the main
 * thread) never interleave. A mutex rather than flockfile(), because
 * ThreadSanitizer sees it; one for every log, because logs share stderr.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/location.h"
#include "core/log.h"
#include "core/banned.h"

static const char *const level_names[] = {"error", "warning", "info", "debug"};

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

void
st_log_init(struct st_log *log, FILE *out, enum st_log_format format)
{
    memset(log, 0, sizeof(*log));
    log->out = out;
    log->format = format;
    log->level = ST_LOG_INFO;
    log->prog = "settle";
}

/*
 * A JSON string of s. jansson refuses text that is not UTF-8 (a message may
 * quote bytes of a Latin-1 file): then every non-ASCII byte becomes '?'.
 * NULL only when out of memory.
 */
static json_t *
json_text(const char *s)
{
    json_t *j = json_string(s);
    char *copy = NULL;
    size_t i;

    if (j != NULL)
        return j;
    copy = st_strdup(s);
    if (copy == NULL)
        return NULL;
    for (i = 0; copy[i] != '\0'; i++)
        if ((unsigned char)copy[i] >= 0x80)
            copy[i] = '?';
    j = json_string(copy);
    st_free(copy);
    return j;
}

static void
emit_json(struct st_log *log, enum st_log_level level, const char *stage,
          const struct st_log_field *fields, size_t nfields, const char *msg)
{
    json_t *o = json_object();
    char ts[32];
    struct tm tm;
    time_t now = log->clock != NULL ? log->clock() : time(NULL);
    char *line = NULL;
    size_t i;

    if (o == NULL)
        return;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        ts[0] = '\0';
    json_object_set_new(o, "ts", json_string(ts));
    json_object_set_new(o, "level", json_string(level_names[level]));
    json_object_set_new(o, "stage", json_text(stage ? stage : "main"));
    json_object_set_new(o, "msg", json_text(msg));
    for (i = 0; i < nfields; i++) {
        if (fields[i].s != NULL)
            json_object_set_new(o, fields[i].key, json_text(fields[i].s));
        else
            json_object_set_new(o, fields[i].key, json_integer(fields[i].i));
    }
    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (line != NULL) {
        fputs(line, log->out);
        fputc('\n', log->out);
        free(line);
    }
    json_decref(o);
}

static void
emit_text(struct st_log *log, enum st_log_level level, const char *stage,
          const struct st_log_field *fields, size_t nfields, const char *msg)
{
    size_t i;

    fprintf(log->out, "%s: ", log->prog);
    if (stage != NULL)
        fprintf(log->out, "%s: ", stage);
    if (level != ST_LOG_INFO)
        fprintf(log->out, "%s: ", level_names[level]);
    fputs(msg, log->out);
    for (i = 0; i < nfields; i++) {
        if (fields[i].s != NULL)
            fprintf(log->out, " %s=%s", fields[i].key, fields[i].s);
        else
            fprintf(log->out, " %s=%lld", fields[i].key,
                    (long long)fields[i].i);
    }
    fputc('\n', log->out);
}

/*
 * Writes one whole record of msg, in text followed by the detail and hint
 * lines when given (NULL: none).
 */
static void
record(struct st_log *log, enum st_log_level level, const char *stage,
       const struct st_log_field *fields, size_t nfields, const char *msg,
       const char *detail, const char *hint)
{
    (void)pthread_mutex_lock(&out_mu);
    if (log->format == ST_LOG_JSON) {
        emit_json(log, level, stage, fields, nfields, msg);
    } else {
        emit_text(log, level, stage, fields, nfields, msg);
        if (detail != NULL)
            fprintf(log->out, "%s: detail: %s\n", log->prog, detail);
        if (hint != NULL)
            fprintf(log->out, "%s: hint: %s\n", log->prog, hint);
    }
    /* A diagnostic that cannot be written has nowhere else to go. */
    (void)fflush(log->out);
    (void)pthread_mutex_unlock(&out_mu);
}

static void
vlog(struct st_log *log, enum st_log_level level, const char *stage,
     const struct st_log_field *fields, size_t nfields, const char *fmt,
     va_list ap)
{
    char msg[2048];

    if (log == NULL || log->out == NULL || level > log->level)
        return;
    /* A message cut short at 2 KiB is still a useful message. */
    if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
        msg[0] = '\0';
    record(log, level, stage, fields, nfields, msg, NULL, NULL);
}

void
st_log_msg(struct st_log *log, enum st_log_level level, const char *stage,
           const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(log, level, stage, NULL, 0, fmt, ap);
    va_end(ap);
}

void
st_log_fields(struct st_log *log, enum st_log_level level, const char *stage,
              const struct st_log_field *fields, size_t nfields,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(log, level, stage, fields, nfields, fmt, ap);
    va_end(ap);
}

void
st_log_err(struct st_log *log, const char *stage, const struct st_err *err)
{
    char where[ST_LOCATION_MAX];
    char line[2048];
    const char *msg;

    if (log == NULL || log->out == NULL || err == NULL ||
        ST_LOG_ERROR > log->level)
        return;
    msg = err->msg[0] != '\0' ? err->msg : st_strerror(err->code);
    st_location_prefix(where, sizeof(where), err->file, err->line, err->col);
    if (log->format == ST_LOG_JSON) {
        struct st_log_field f[4];
        size_t n = 0;

        f[n++] = (struct st_log_field){"error", st_strerror(err->code), 0};
        if (err->sqlstate[0] != '\0')
            f[n++] = (struct st_log_field){"sqlstate", err->sqlstate, 0};
        if (err->detail[0] != '\0')
            f[n++] = (struct st_log_field){"detail", err->detail, 0};
        if (err->hint[0] != '\0')
            f[n++] = (struct st_log_field){"hint", err->hint, 0};
        st_log_fields(log, ST_LOG_ERROR, stage, f, n, "%s%s", where, msg);
        return;
    }
    /* As vlog() would format it; the detail and hint lines go with it. */
    if (snprintf(line, sizeof(line), "%s%s", where, msg) < 0)
        line[0] = '\0';
    record(log, ST_LOG_ERROR, stage, NULL, 0, line,
           err->detail[0] != '\0' ? err->detail : NULL,
           err->hint[0] != '\0' ? err->hint : NULL);
}

void
st_log_progress(struct st_log *log, const char *stage, uint64_t done,
                uint64_t total, const char *unit)
{
    if (log == NULL || !log->progress || log->format != ST_LOG_TEXT ||
        log->level < ST_LOG_INFO)
        return;
    (void)pthread_mutex_lock(&out_mu);
    if (total > 0)
        fprintf(log->out, "\r%s: %s: %llu/%llu %s", log->prog, stage,
                (unsigned long long)done, (unsigned long long)total, unit);
    else
        fprintf(log->out, "\r%s: %s: %llu %s", log->prog, stage,
                (unsigned long long)done, unit);
    if (total > 0 && done >= total)
        fputc('\n', log->out);
    (void)fflush(log->out); /* as in record() */
    (void)pthread_mutex_unlock(&out_mu);
}
