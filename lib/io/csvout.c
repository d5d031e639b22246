/*
 * csvout.c: RFC 4180 cells, the formula guard and amounts with a chosen
 * decimal separator.
 */
#include <errno.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/csvout.h"
#include "core/money.h"
#include "core/banned.h"

const struct st_csvout_opts st_csvout_excel = {
    .delimiter = ',', .decimal = '.', .bom = 1, .crlf = 1, .guard = 1};

/* A write just failed: the first failure sticks, with its errno. */
static void
write_failed(struct st_csvout *w)
{
    if (w->err == 0) {
        w->err = ST_ERR_IO;
        w->sys_errno = errno;
    }
}

static void
put(struct st_csvout *w, const char *p, size_t n)
{
    if (w->err == 0 && n > 0 && fwrite(p, 1, n, w->fp) != n)
        write_failed(w);
}

static void
putch(struct st_csvout *w, char c)
{
    if (w->err == 0 && putc_unlocked(c, w->fp) == EOF)
        write_failed(w);
}

static void
begin_cell(struct st_csvout *w)
{
    if (w->col > 0)
        putch(w, w->opts.delimiter);
    w->col++;
}

static int
needs_quotes(const struct st_csvout *w, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c == w->opts.delimiter || c == '"' || c == '\r' || c == '\n')
            return 1;
    }
    return 0;
}

/* Writes one cell body, with an optional prefix byte inside the quotes. */
static void
put_cell(struct st_csvout *w, char prefix, const char *s, size_t len)
{
    size_t i;
    size_t from = 0;

    begin_cell(w);
    if (!needs_quotes(w, s, len)) {
        if (prefix != '\0')
            putch(w, prefix);
        put(w, s, len);
        return;
    }
    putch(w, '"');
    if (prefix != '\0')
        putch(w, prefix);
    for (i = 0; i < len; i++) {
        if (s[i] == '"') {
            put(w, s + from, i + 1 - from);
            from = i; /* the quote again, doubled */
        }
    }
    put(w, s + from, len - from);
    putch(w, '"');
}

static int
dangerous(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
           c == '\r';
}

/* ------------------------------------------------ fields at a cursor */

/*
 * st_csv_put_text is the hot path of settle normalize: one call per text
 * field of every line. It looks at eight bytes at a time for one that
 * needs quotes, and copies runs between quotes with memcpy.
 */

/* Bytes that make a CSV field need quotes. */
static const unsigned char comma_quote[256] = {
    [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Non-zero when one of the eight bytes of w is c (exact, no false hit). */
static inline uint64_t
has_byte(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (ONES * c);

    return (x - ONES) & ~x & HIGHS;
}

/*
 * Whether one of the eight bytes of w needs quotes. Every such byte is
 * below '-', and most text has no byte below '-' at all: that cheap test
 * comes first (exact: no borrow can reach a byte that is not below).
 */
static inline int
has_special(uint64_t w)
{
    if (((w - ONES * '-') & ~w & HIGHS) == 0)
        return 0;
    return (has_byte(w, ',') | has_byte(w, '"') | has_byte(w, '\r') |
            has_byte(w, '\n')) != 0;
}

/*
 * Whether the len bytes at s hold a byte of comma_quote: eight at a time,
 * the last eight overlapping the ones before; four and four below eight.
 */
static int
comma_needs_quotes(const char *s, size_t len)
{
    uint64_t w;
    size_t i;

    if (len >= 8) {
        for (i = 0; i + 8 < len; i += 8) {
            memcpy(&w, s + i, 8);
            if (has_special(w))
                return 1;
        }
        memcpy(&w, s + len - 8, 8);
        return has_special(w);
    }
    if (len >= 4) {
        uint32_t a;
        uint32_t b;

        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        return has_special((uint64_t)a << 32 | b);
    }
    for (i = 0; i < len; i++)
        if (comma_quote[(unsigned char)s[i]])
            return 1;
    return 0;
}

char *
st_csv_put_text(char *p, const char *s, size_t len, int always_quote)
{
    const char *q;

    if (!always_quote && !comma_needs_quotes(s, len)) {
        memcpy(p, s, len);
        return p + len;
    }
    *p++ = '"';
    /* Each '"' is copied, then doubled. */
    while (len > 0 && (q = memchr(s, '"', len)) != NULL) {
        size_t n = (size_t)(q - s) + 1;

        memcpy(p, s, n);
        p += n;
        *p++ = '"';
        s += n;
        len -= n;
    }
    memcpy(p, s, len);
    p += len;
    *p++ = '"';
    return p;
}

void
st_csvout_init(struct st_csvout *w, FILE *fp, const struct st_csvout_opts *opts)
{
    memset(w, 0, sizeof(*w));
    w->fp = fp;
    w->opts = *opts;
    if (opts->bom)
        put(w, "\xEF\xBB\xBF", 3);
}

int
st_csvout_open(struct st_csvout *w, const char *path,
               const struct st_csvout_opts *opts, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    FILE *fp = NULL;
    char *copy = NULL;

    memset(w, 0, sizeof(*w));
    copy = st_strdup(path);
    if (copy == NULL) {
        st_err_set(err, rc, "out of memory");
        goto out;
    }
    fp = fopen(path, "wb");
    if (fp == NULL) {
        rc = st_err_set(err, ST_ERR_CANTCREAT, "cannot create '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    /* A large buffer: cells are small and many. */
    if (setvbuf(fp, NULL, _IOFBF, 1 << 16) != 0) {
        rc = st_err_set(err, ST_ERR_IO, "cannot buffer '%s'", path);
        goto out;
    }
    st_csvout_init(w, fp, opts);
    w->owned = 1;
    w->path = copy;
    fp = NULL;   /* transferred */
    copy = NULL; /* transferred */
    rc = 0;
out:
    if (fp != NULL)
        (void)fclose(fp);
    st_free(copy);
    return rc;
}

void
st_csvout_text(struct st_csvout *w, const char *s, size_t len)
{
    char prefix = '\0';

    if (w->opts.guard && len > 0 && dangerous(s[0]))
        prefix = '\'';
    put_cell(w, prefix, s, len);
}

void
st_csvout_str(struct st_csvout *w, const char *s)
{
    st_csvout_text(w, s, strlen(s));
}

void
st_csvout_number(struct st_csvout *w, const char *s, size_t len)
{
    char tmp[64];
    size_t i;

    if (w->opts.decimal == '.' || len >= sizeof(tmp)) {
        put_cell(w, '\0', s, len);
        return;
    }
    for (i = 0; i < len; i++) {
        if (s[i] == '.')
            tmp[i] = w->opts.decimal;
        else
            tmp[i] = s[i];
    }
    put_cell(w, '\0', tmp, len);
}

void
st_csvout_amount(struct st_csvout *w, int64_t minor, int exponent)
{
    char tmp[ST_MONEY_FMT_MAX];
    int n = st_money_format(minor, exponent, w->opts.decimal, tmp, sizeof(tmp));

    if (n < 0) {
        begin_cell(w);
        if (w->err == 0)
            w->err = ST_ERR_INTERNAL;
        return;
    }
    put_cell(w, '\0', tmp, (size_t)n);
}

void
st_csvout_int(struct st_csvout *w, int64_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        begin_cell(w);
        if (w->err == 0)
            w->err = ST_ERR_INTERNAL;
        return;
    }
    put_cell(w, '\0', tmp, (size_t)n);
}

void
st_csvout_empty(struct st_csvout *w)
{
    begin_cell(w);
}

void
st_csvout_end_row(struct st_csvout *w)
{
    if (w->opts.crlf)
        put(w, "\r\n", 2);
    else
        putch(w, '\n');
    w->col = 0;
    w->rows++;
}

int
st_csvout_error(const struct st_csvout *w)
{
    return w->err;
}

int
st_csvout_close(struct st_csvout *w, struct st_err *err)
{
    int rc;
    const char *name = w->path != NULL ? w->path : "output";

    if (w->fp == NULL)
        return 0;
    if (fflush(w->fp) != 0 || ferror(w->fp))
        write_failed(w);
    if (w->owned) {
        if (w->err == 0 && fsync(fileno(w->fp)) != 0)
            write_failed(w);
        if (fclose(w->fp) != 0)
            write_failed(w);
    }
    rc = w->err;
    if (rc == ST_ERR_IO)
        st_err_set(err, rc, "cannot write '%s': %s", name,
                   w->sys_errno != 0 ? strerror(w->sys_errno) : "write failed");
    else if (rc != 0)
        st_err_set(err, rc, "cannot write '%s'", name);
    w->fp = NULL;
    st_free(w->path);
    w->path = NULL;
    return rc;
}
