/*
 * err.c: error texts and the caller-owned error record.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

static const char *const texts[ST_ERR_CODE_COUNT] = {
    [0] = "success",
    [-ST_ERR_NOMEM] = "out of memory",
    [-ST_ERR_USAGE] = "usage error",
    [-ST_ERR_DATA] = "bad input data",
    [-ST_ERR_NOINPUT] = "input missing",
    [-ST_ERR_UNAVAILABLE] = "service unavailable",
    [-ST_ERR_INTERNAL] = "internal error",
    [-ST_ERR_CANTCREAT] = "cannot create output",
    [-ST_ERR_IO] = "input/output error",
    [-ST_ERR_TEMPFAIL] = "temporary failure, try again",
    [-ST_ERR_PERM] = "permission denied",
    [-ST_ERR_CONFIG] = "configuration error",
    [-ST_ERR_OVERFLOW] = "arithmetic overflow",
    [-ST_ERR_TOOLONG] = "value too long",
    [-ST_ERR_NOTIMPL] = "not built yet",
    [-ST_ERR_DIFFERENT] = "differences found",
    [-ST_ERR_CRYPTO] = "cryptographic operation failed",
    [-ST_ERR_DB] = "database error",
    [-ST_ERR_HTTP] = "HTTP request failed",
};

const char *
st_strerror(int code)
{
    if (code > 0 || code <= -ST_ERR_CODE_COUNT || texts[-code] == NULL)
        return "unknown error";
    return texts[-code];
}

void
st_err_clear(struct st_err *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
}

int
st_err_setv(struct st_err *err, int code, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    st_err_clear(err);
    err->code = code;
    /* A message cut short by vsnprintf is still NUL-terminated: fine. */
    if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
        err->msg[0] = '\0';
    return code;
}

int
st_err_set(struct st_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_err_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void
st_err_detail(struct st_err *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    if (vsnprintf(err->detail, sizeof(err->detail), fmt, ap) < 0)
        err->detail[0] = '\0';
    va_end(ap);
}

void
st_err_hint(struct st_err *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    if (vsnprintf(err->hint, sizeof(err->hint), fmt, ap) < 0)
        err->hint[0] = '\0';
    va_end(ap);
}

void
st_err_at(struct st_err *err, const char *file, long line, long col)
{
    if (err == NULL)
        return;
    err->file[0] = '\0';
    if (file != NULL) {
        size_t n = strlen(file);

        if (n >= sizeof(err->file))
            n = sizeof(err->file) - 1;
        memcpy(err->file, file, n);
        err->file[n] = '\0';
    }
    err->line = line;
    err->col = col;
}

void
st_err_prefix(struct st_err *err, const char *fmt, ...)
{
    char pre[256];
    char old[sizeof(((struct st_err *)NULL)->msg)];
    va_list ap;
    int n;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    n = vsnprintf(pre, sizeof(pre), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    memcpy(old, err->msg, sizeof(old));
    /* Cut short on overflow, by design of struct st_err. */
    if (snprintf(err->msg, sizeof(err->msg), "%s: %s", pre, old) < 0)
        err->msg[0] = '\0';
}
