/*
 * err.h: the one error vocabulary of settle.
 *
 * Every fallible function in lib/ returns int: 0 on success or one of the
 * negative ST_ERR_* codes below. st_strerror() gives the one fixed text of a
 * code. The detail of a failure (what, where, why) goes into a caller-owned
 * struct st_err, passed last; lib/ fills it with st_err_set() and friends and
 * never prints or exits. Only cmd/ turns an error into a line on stderr and an
 * exit status.
 *
 * The texts of struct st_err are fixed-size arrays: a long message is cut
 * short, never overflowed.
 */
#ifndef ST_ERR_H
#define ST_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum st_errcode {
    ST_OK = 0,
    ST_ERR_NOMEM = -1,       /* out of memory */
    ST_ERR_USAGE = -2,       /* bad command line */
    ST_ERR_DATA = -3,        /* bad input data */
    ST_ERR_NOINPUT = -4,     /* input file or object missing */
    ST_ERR_UNAVAILABLE = -5, /* API or database unavailable */
    ST_ERR_INTERNAL = -6,    /* a bug, or an impossible state */
    ST_ERR_CANTCREAT = -7,   /* cannot create output */
    ST_ERR_IO = -8,          /* read or write failed */
    ST_ERR_TEMPFAIL = -9,    /* try again later (lock held, throttled) */
    ST_ERR_PERM = -10,       /* permission (key file mode, db privilege) */
    ST_ERR_CONFIG = -11,     /* configuration */
    ST_ERR_OVERFLOW = -12,   /* arithmetic overflow */
    ST_ERR_TOOLONG = -13,    /* a bounded buffer reached its maximum */
    ST_ERR_NOTIMPL = -14,    /* not built yet */
    ST_ERR_DIFFERENT = -15,  /* completed, but differences were found */
    ST_ERR_CRYPTO = -16,     /* OpenSSL failure */
    ST_ERR_DB = -17,         /* database error (see sqlstate) */
    ST_ERR_HTTP = -18,       /* HTTP error that is not retryable */
    ST_ERR_CODE_COUNT = 19
};

/*
 * The detail of one failure. code is the ST_ERR_* value; msg is the primary
 * line (lower case, no final period, names its subject); detail and hint are
 * optional further lines. file, line and col locate a record-level error
 * (line and col are 0 when unknown). sqlstate is set for database errors.
 */
struct st_err {
    int code;
    char msg[512];
    char detail[512];
    char hint[256];
    char sqlstate[6];
    char file[256];
    long line;
    long col;
};

/* Returns the fixed text of code ("out of memory", ...); never NULL. */
const char *st_strerror(int code);

/* Resets err to "no error". Accepts NULL. */
void st_err_clear(struct st_err *err);

/*
 * Records code and a printf-style primary message in err (which may be NULL)
 * and returns code, so that a caller can write `return st_err_set(...)`.
 * detail, hint and the location are cleared.
 */
int st_err_set(struct st_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like st_err_set(), with a va_list. */
int st_err_setv(struct st_err *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Sets the detail line of err (which may be NULL). */
void st_err_detail(struct st_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the hint line of err (which may be NULL). */
void st_err_hint(struct st_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records where a record-level error is: file (may be NULL), line, col. */
void st_err_at(struct st_err *err, const char *file, long line, long col);

/*
 * Prefixes err's primary message with a printf-style context, joined by
 * ": ", so that a caller can add what it was doing on the way up.
 */
void st_err_prefix(struct st_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
