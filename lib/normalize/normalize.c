/*
 * normalize.c: reports -> normalized lines, as CSV or COPY rows.
 *
 * One struct job carries a file through the parser: the report parser
 * calls on_line for every valid row, which formats it into job->out and
 * hands full pieces to a sink (COPY), or on the CSV path to a writer
 * thread that writes them to the FILE *. Once the problem count
 * of the run has grown, nothing more is formatted: the output is going to
 * be thrown away, and only the remaining problems are worth collecting.
 *
 * Formatting avoids printf on the hot path: amounts through
 * st_money_format (integers too, with no decimals), dates through
 * st_datetime_format.
 */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/archive.h"
#include "io/csvout.h"
#include "io/dbvalue.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/handoff.h"
#include "core/hash.h"
#include "core/money.h"
#include "normalize/normalize.h"
#include "fx/rates.h"
#include "io/sqltext.h"
#include "core/banned.h"

#define READ_CHUNK   ((size_t)1024 * 1024)
#define FLUSH_AT     ((size_t)256 * 1024)
#define OUT_MAX      ((size_t)64 * 1024 * 1024)
#define WRITE_BEHIND ((size_t)8 * 1024 * 1024)

const char st_normalize_csv_header[] =
    "source_sha256,source_line,seller_id,settlement_id,settlement_start,"
    "settlement_end,posted_at,kind,provider_type,amazon_transaction_id,"
    "seller_reference_id,amazon_order_reference_id,seller_order_id,"
    "store_name,description,currency,amount,percentage_fee,fixed_fee,"
    "total_fee,net,reporting_currency,fx_rate,fx_date,net_reporting\n";

typedef int (*sink_fn)(void *ctx, const char *data, size_t len,
                       struct st_err *err);

struct writer;
static int writer_put(struct writer *w, struct st_buf *b, struct st_err *err);

struct job {
    const struct st_normalize_opts *o;
    const char *file;
    char sha[ST_SHA256_HEX_LEN + 1];
    int copy;                /* 1: COPY rows for settlement_line */
    const char *copy_seller; /* COPY only */
    char copy_date[ST_DATE_LEN + 1];
    size_t base_problems; /* problems->total when the run began */
    struct st_buf out;
    sink_fn sink;
    void *sink_ctx;
    struct writer *w; /* CSV path: full buffers go to this thread */
    char start[ST_DATETIME_LEN + 1];
    char end[ST_DATETIME_LEN + 1];
    int have_period;
    size_t seller_len;
    /* the date part of the last posted_at formatted */
    int32_t dt_day;
    int dt_valid;
    char dt_date[ST_DATE_LEN + 1];
    /* the last FX lookup, reused while currency and day repeat */
    const struct st_currency *fx_ccy;
    int32_t fx_day;
    struct st_fx_rate fx_rate;
    char fx_date[ST_DATE_LEN + 1];
    long lines;
    long unknown;
};

/* ---------------------------------------------------------- formatting */

/*
 * The writers below append at a cursor into job->out, whose room the row
 * reserved up front (row_room), and return the new cursor; no call on the
 * hot path allocates, checks capacity or goes through printf.
 */

/* An integer: st_money_format with no decimals. */
static char *
put_int(char *p, int64_t v)
{
    int n = st_money_format(v, 0, '.', p, ST_MONEY_FMT_MAX);

    return n > 0 ? p + n : p;
}

/* An amount as a decimal, or (COPY) as an integer of minor units. */
static char *
put_amount(char *p, int64_t v, int exponent, int minor)
{
    int n;

    if (minor)
        return put_int(p, v);
    n = st_money_format(v, exponent, '.', p, ST_MONEY_FMT_MAX);
    return n > 0 ? p + n : p;
}

static char *
put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* "YYYY-MM-DDTHH:MM:SSZ"; the date part is cached per day. */
static char *
put_datetime(struct job *j, char *p, int64_t epoch)
{
    int32_t day = st_datetime_date(epoch);
    int64_t rem = epoch - (int64_t)day * 86400;

    if (day != j->dt_day || !j->dt_valid) {
        int y;
        int m;
        int d;

        st_date_to_civil(day, &y, &m, &d);
        y %= 10000;
        put2(put2(j->dt_date, y / 100), y % 100);
        j->dt_date[4] = '-';
        put2(j->dt_date + 5, m);
        j->dt_date[7] = '-';
        put2(j->dt_date + 8, d);
        j->dt_day = day;
        j->dt_valid = 1;
    }
    memcpy(p, j->dt_date, ST_DATE_LEN);
    p += ST_DATE_LEN;
    *p++ = 'T';
    p = put2(p, (int)(rem / 3600));
    *p++ = ':';
    p = put2(p, (int)(rem / 60 % 60));
    *p++ = ':';
    p = put2(p, (int)(rem % 60));
    *p++ = 'Z';
    return p;
}

static int
flush(struct job *j, struct st_err *err)
{
    int rc;

    if (st_buf_error(&j->out) != 0)
        return st_err_set(err, st_buf_error(&j->out),
                          "cannot format output of '%s'", j->file);
    if (j->out.len == 0)
        return 0;
    if (j->w != NULL)
        return writer_put(j->w, &j->out, err);
    rc = j->sink(j->sink_ctx, j->out.data, j->out.len, err);
    st_buf_reset(&j->out);
    return rc;
}

/*
 * Finds the rate of the line's currency on its UTC date, reusing the last
 * lookup. Returns 0, or 1 after recording a problem.
 */
static int
fx_for(struct job *j, const struct st_settlement_line *l, int64_t *conv)
{
    const struct st_currency *to = j->o->reporting;
    int32_t day = st_datetime_date(l->posted_at);
    struct st_err e;

    if (j->fx_ccy != l->currency || j->fx_day != day) {
        j->fx_ccy = NULL;
        if (j->o->fx == NULL) {
            st_problems_add(j->o->problems, j->file, l->line, 0,
                            "no FX rates loaded");
            return 1;
        }
        if (st_fx_lookup(j->o->fx, l->currency->code, to->code, day,
                         j->o->fx_max_age_days, &j->fx_rate, &e) != 0) {
            st_problems_add(j->o->problems, j->file, l->line, 0, "%s", e.msg);
            return 1;
        }
        j->fx_ccy = l->currency;
        j->fx_day = day;
        st_date_format(j->fx_rate.date, j->fx_date);
    }
    if (st_fx_apply(&j->fx_rate, l->currency, to, l->net, conv, &e) != 0) {
        st_problems_add(j->o->problems, j->file, l->line, 0, "%s", e.msg);
        return 1;
    }
    return 0;
}

/* Bytes a row may need at most: texts doubled and quoted, plus the rest. */
static size_t
row_room(const struct job *j, const struct st_settlement_line *l)
{
    size_t t = l->settlement_id.len + l->provider_type.len +
               l->amazon_transaction_id.len + l->seller_reference_id.len +
               l->amazon_order_reference_id.len + l->seller_order_id.len +
               l->store_name.len + l->description.len;

    return 2 * t + 2 * (j->seller_len + sizeof(j->copy_date)) + 1024;
}

/* The columns from the COPY prefix through kind. */
static char *
put_head(struct job *j, const struct st_settlement_preamble *pre,
         const struct st_settlement_line *l, char *p)
{
    const char *kind = st_kind_name(l->kind);

    if (j->copy) {
        p = st_csv_put_text(p, j->copy_seller, j->seller_len, 1);
        *p++ = ',';
        memcpy(p, j->copy_date, ST_DATE_LEN);
        p += ST_DATE_LEN;
        *p++ = ',';
    }
    memcpy(p, j->sha, ST_SHA256_HEX_LEN);
    p += ST_SHA256_HEX_LEN;
    *p++ = ',';
    p = put_int(p, l->line);
    *p++ = ',';
    if (!j->copy) {
        p = st_csv_put_text(p, pre->seller_id, j->seller_len, 0);
        *p++ = ',';
    }
    p = st_csv_put_text(p, l->settlement_id.s, l->settlement_id.len, j->copy);
    *p++ = ',';
    memcpy(p, j->start, ST_DATETIME_LEN);
    p += ST_DATETIME_LEN;
    *p++ = ',';
    memcpy(p, j->end, ST_DATETIME_LEN);
    p += ST_DATETIME_LEN;
    *p++ = ',';
    p = put_datetime(j, p, l->posted_at);
    *p++ = ',';
    p = st_csv_put_text(p, kind, strlen(kind), 0);
    *p++ = ',';
    return p;
}

/*
 * The report's texts, then the currency. COPY quotes every text, so that
 * "" is not read as NULL.
 */
static char *
put_texts(const struct job *j, const struct st_settlement_line *l, char *p)
{
    const struct st_settlement_text *t[] = {
        &l->provider_type,       &l->amazon_transaction_id,
        &l->seller_reference_id, &l->amazon_order_reference_id,
        &l->seller_order_id,     &l->store_name,
        &l->description,
    };
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        p = st_csv_put_text(p, t[i]->s, t[i]->len, j->copy);
        *p++ = ',';
    }
    memcpy(p, l->currency->code, 3);
    p += 3;
    *p++ = ',';
    return p;
}

/* The amounts, led on COPY by the currency's exponent. */
static char *
put_amounts(const struct job *j, const struct st_settlement_line *l, char *p)
{
    int x = l->currency->exponent;

    if (j->copy) {
        p = put_int(p, x);
        *p++ = ',';
    }
    p = put_amount(p, l->amount, x, j->copy);
    *p++ = ',';
    p = put_amount(p, l->percentage_fee, x, j->copy);
    *p++ = ',';
    p = put_amount(p, l->fixed_fee, x, j->copy);
    *p++ = ',';
    p = put_amount(p, l->total_fee, x, j->copy);
    *p++ = ',';
    p = put_amount(p, l->net, x, j->copy);
    *p++ = ',';
    return p;
}

/* The reporting currency's four columns, empty without one; no LF. */
static char *
put_fx(const struct job *j, int64_t conv, char *p)
{
    size_t n;

    if (j->o->reporting == NULL) {
        *p++ = ',';
        *p++ = ',';
        *p++ = ',';
        return p;
    }
    n = strlen(j->fx_rate.text);
    memcpy(p, j->o->reporting->code, 3);
    p += 3;
    *p++ = ',';
    memcpy(p, j->fx_rate.text, n);
    p += n;
    *p++ = ',';
    memcpy(p, j->fx_date, ST_DATE_LEN);
    p += ST_DATE_LEN;
    *p++ = ',';
    return put_amount(p, conv, j->o->reporting->exponent, j->copy);
}

static int
on_line(void *ctx, const struct st_settlement_preamble *pre,
        const struct st_settlement_line *l, struct st_err *err)
{
    struct job *j = ctx;
    struct st_buf *b = &j->out;
    int64_t conv = 0;
    char *p;
    int rc;

    if (j->o->problems->total != j->base_problems)
        return 0;
    if (j->o->reporting != NULL && fx_for(j, l, &conv) != 0)
        return 0;
    if (!j->have_period) {
        const char *seller = j->copy ? j->copy_seller : pre->seller_id;

        st_datetime_format(pre->settlement_start, j->start);
        st_datetime_format(pre->settlement_end, j->end);
        j->seller_len = strlen(seller);
        j->have_period = 1;
    }
    if (st_buf_grow(b, row_room(j, l)) != 0)
        return st_err_set(err, st_buf_error(b), "cannot format output");
    p = put_head(j, pre, l, b->data + b->len);
    p = put_texts(j, l, p);
    p = put_amounts(j, l, p);
    p = put_fx(j, conv, p);
    *p++ = '\n';
    b->len = (size_t)(p - b->data);
    b->data[b->len] = '\0';
    j->lines++;
    if (l->kind == ST_KIND_UNKNOWN)
        j->unknown++;
    if (b->len >= FLUSH_AT && (rc = flush(j, err)) != 0)
        return rc;
    return 0;
}

/* ---------------------------------------------------------- reading */

/*
 * The CSV path's sink. A regular file gets its writeback started every
 * WRITE_BEHIND bytes (Linux sync_file_range, asynchronous), so the disk
 * works while rows are still being made and the caller's final fsync has
 * little left to do. Durability still comes from that fsync alone. An
 * unlinked file (the command's spool for a pipe) is never synced, so it
 * is left to the page cache.
 */
struct file_out {
    FILE *f;
    int fd; /* -1: not a regular file, no write-behind */
    size_t pending;
};

static void
file_out_init(struct file_out *fo, FILE *f)
{
    struct stat st;

    fo->f = f;
    fo->fd = fileno(f);
    fo->pending = 0;
    if (fo->fd >= 0 &&
        (fstat(fo->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink == 0))
        fo->fd = -1;
}

static int
file_sink(void *ctx, const char *data, size_t len, struct st_err *err)
{
    struct file_out *fo = ctx;

    if (fwrite(data, 1, len, fo->f) != len)
        return st_err_set(err, ST_ERR_IO, "cannot write output: %s",
                          strerror(errno));
    fo->pending += len;
    if (fo->fd >= 0 && fo->pending >= WRITE_BEHIND) {
        fo->pending = 0;
#ifdef SYNC_FILE_RANGE_WRITE
        (void)sync_file_range(fo->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
    }
    return 0;
}

/*
 * The CSV path writes on a thread of its own, so that the write system
 * calls (the copy into the page cache, the filesystem's block allocation,
 * the write-behind) run beside the formatting rather than in its way. Two
 * buffers take turns: the job fills one while the other is written. A
 * write error comes back from the next hand-over or from writer_finish.
 */
struct writer {
    struct file_out *fo;
    struct st_handoff h;
    pthread_t th;
    int running;
};

static void *
writer_run(void *arg)
{
    struct writer *w = arg;
    const struct st_buf *b;
    struct st_err e;
    int rc;

    while (st_handoff_take(&w->h, &b)) {
        rc = file_sink(w->fo, b->data, b->len, &e);
        st_handoff_done(&w->h, rc, &e);
    }
    return NULL;
}

/* Starts the thread; 0, or -1 when there is none (then write in place). */
static int
writer_start(struct writer *w, struct file_out *fo)
{
    memset(w, 0, sizeof(*w));
    w->fo = fo;
    if (st_handoff_init(&w->h, OUT_MAX, NULL) != 0)
        return -1;
    if (pthread_create(&w->th, NULL, writer_run, w) != 0) {
        st_handoff_release(&w->h);
        return -1;
    }
    w->running = 1;
    return 0;
}

/* Hands b's bytes to the writer; b gets the writer's empty buffer. */
static int
writer_put(struct writer *w, struct st_buf *b, struct st_err *err)
{
    return st_handoff_put(&w->h, b, err);
}

/*
 * Waits until everything handed over is written and stops the thread.
 * Returns 0 or the first write error (err filled when not NULL); a no-op
 * returning 0 once done.
 */
static int
writer_finish(struct writer *w, struct st_err *err)
{
    int rc;

    if (!w->running)
        return 0;
    st_handoff_close(&w->h, 0, NULL);
    pthread_join(w->th, NULL);
    w->running = 0;
    rc = st_handoff_error(&w->h, err);
    st_handoff_release(&w->h);
    return rc;
}

static int
read_chunk(int fd, char *buf, const char *path, ssize_t *got,
           struct st_err *err)
{
    ssize_t n;

    do {
        n = read(fd, buf, READ_CHUNK);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return st_err_set(err, ST_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
    *got = n;
    return 0;
}

/* Reads fd from its current offset to the end, hashing it into hex. */
static int
hash_fd(int fd, const char *path, char *buf, char *hex, struct st_err *err)
{
    int rc;
    struct st_sha256 h = {NULL, 0};
    ssize_t n = 0;

    if ((rc = st_sha256_init(&h, err)) != 0)
        goto out;
    for (;;) {
        if ((rc = read_chunk(fd, buf, path, &n, err)) != 0)
            goto out;
        if (n == 0)
            break;
        st_sha256_update(&h, buf, (size_t)n);
    }
    rc = st_sha256_final(&h, hex, err);
out:
    st_sha256_release(&h);
    return rc;
}

static int
open_input(const char *path, int *fd, struct stat *st, struct st_err *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return st_err_set(err, errno == ENOENT ? ST_ERR_NOINPUT : ST_ERR_IO,
                          "cannot open '%s': %s", path, strerror(errno));
    if (fstat(*fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(*fd);
        *fd = -1;
        return st_err_set(err, ST_ERR_NOINPUT, "'%s' is not a regular file",
                          path);
    }
    return 0;
}

static int
new_parser(struct job *j, struct st_settlement **r, struct st_err *err)
{
    struct st_settlement_opts ro;

    memset(&ro, 0, sizeof(ro));
    ro.file = j->file;
    ro.expect_seller = j->o->expect_seller;
    ro.log = j->o->log;
    ro.problems = j->o->problems;
    ro.on_line = on_line;
    ro.ctx = j;
    return st_settlement_new(&ro, r, err);
}

static void
job_init(struct job *j, const struct st_normalize_opts *o, sink_fn sink,
         void *sink_ctx)
{
    memset(j, 0, sizeof(*j));
    j->o = o;
    j->base_problems = o->problems->total;
    j->sink = sink;
    j->sink_ctx = sink_ctx;
    st_buf_init(&j->out, OUT_MAX);
}

/* Per file: the period and the FX cache start afresh. */
static void
job_file(struct job *j, const char *file)
{
    j->file = file;
    j->have_period = 0;
    j->fx_ccy = NULL;
}

/*
 * The hash pass of a file. Every row begins with the file's SHA-256, so it
 * must be known before the first row is written: the file is read twice.
 * While file i is parsed, a thread hashes file i + 1 (the two passes of
 * the CSV path overlap across files); the stat taken with the hash lets
 * the parse pass check that it reads the same file, unchanged.
 */
struct prehash {
    const char *path;
    char hex[ST_SHA256_HEX_LEN + 1];
    struct stat st;
    int rc;
    struct st_err err;
    pthread_t th;
    int started;
};

static void *
prehash_run(void *arg)
{
    struct prehash *h = arg;
    char *buf = st_malloc(READ_CHUNK);
    int fd = -1;

    st_err_clear(&h->err);
    if (buf == NULL)
        h->rc = st_err_set(&h->err, ST_ERR_NOMEM, "out of memory");
    else if ((h->rc = open_input(h->path, &fd, &h->st, &h->err)) == 0)
        h->rc = hash_fd(fd, h->path, buf, h->hex, &h->err);
    if (fd >= 0)
        close(fd);
    st_free(buf);
    return NULL;
}

/* Starts hashing path; runs it here when no thread can be started. */
static void
prehash_start(struct prehash *h, const char *path)
{
    memset(h, 0, sizeof(*h));
    h->path = path;
    h->started = pthread_create(&h->th, NULL, prehash_run, h) == 0;
    if (!h->started)
        prehash_run(h);
}

static int
prehash_wait(struct prehash *h, struct st_err *err)
{
    if (h->started) {
        pthread_join(h->th, NULL);
        h->started = 0;
    }
    if (h->rc != 0 && err != NULL)
        *err = h->err;
    return h->rc;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The parse pass of one file whose hash pass h has finished. */
static int
normalize_file(struct job *j, const struct prehash *h, struct st_err *err)
{
    int rc;
    int fd = -1;
    struct st_settlement *r = NULL;
    struct stat now;
    struct stat after;

    memset(&now, 0, sizeof(now));
    job_file(j, h->path);
    memcpy(j->sha, h->hex, sizeof(j->sha));
    if ((rc = open_input(h->path, &fd, &now, err)) != 0)
        goto out;
    if ((rc = new_parser(j, &r, err)) != 0)
        goto out;
    if ((rc = st_settlement_read_fd(r, fd, NULL, NULL, err)) != 0)
        goto out;
    /* The hash pass and the parse pass must have read the same bytes. */
    if (!same_file(&h->st, &now) || fstat(fd, &after) != 0 ||
        !same_file(&now, &after)) {
        rc = st_err_set(err, ST_ERR_IO, "'%s' changed while being read",
                        h->path);
        goto out;
    }
    rc = flush(j, err);
out:
    st_settlement_free(r);
    if (fd >= 0)
        close(fd);
    return rc;
}

int
st_normalize_files(const struct st_normalize_opts *o, const char *const *files,
                   size_t nfiles, FILE *out, struct st_normalize_stats *stats,
                   struct st_err *err)
{
    int rc;
    struct job j;
    struct prehash h[2];
    struct file_out fo;
    struct writer w;
    size_t i;

    file_out_init(&fo, out);
    job_init(&j, o, file_sink, &fo);
    memset(h, 0, sizeof(h));
    memset(&w, 0, sizeof(w));
    if ((rc = file_sink(&fo, st_normalize_csv_header,
                        sizeof(st_normalize_csv_header) - 1, err)) != 0)
        goto out;
    if (writer_start(&w, &fo) == 0)
        j.w = &w;
    if (nfiles > 0)
        prehash_start(&h[0], files[0]);
    for (i = 0; i < nfiles; i++) {
        struct prehash *cur = &h[i % 2];

        if ((rc = prehash_wait(cur, err)) != 0)
            goto out;
        if (i + 1 < nfiles)
            prehash_start(&h[(i + 1) % 2], files[i + 1]);
        if ((rc = normalize_file(&j, cur, err)) != 0)
            goto out;
    }
    if (o->problems->total != j.base_problems) {
        rc = st_err_set(err, ST_ERR_DATA,
                        "input refused (%zu problem%s): nothing written",
                        o->problems->total - j.base_problems,
                        o->problems->total - j.base_problems == 1 ? "" : "s");
        goto out;
    }
    if ((rc = writer_finish(&w, err)) != 0)
        goto out;
    if (stats != NULL) {
        stats->files = (long)nfiles;
        stats->lines = j.lines;
        stats->unknown = j.unknown;
    }
    rc = 0;
out:
    (void)writer_finish(&w, NULL); /* output refused anyway */
    prehash_wait(&h[0], NULL);
    prehash_wait(&h[1], NULL);
    st_buf_release(&j.out);
    return rc;
}

int
st_normalize_buffer(const struct st_normalize_opts *o, const char *name,
                    const void *data, size_t len, FILE *out, struct st_err *err)
{
    int rc;
    struct job j;
    struct st_settlement *r = NULL;
    struct file_out fo;

    file_out_init(&fo, out);
    job_init(&j, o, file_sink, &fo);
    job_file(&j, name);
    st_sha256_hex(data, len, j.sha);
    if ((rc = new_parser(&j, &r, err)) != 0 ||
        (rc = st_settlement_feed(r, data, len, err)) != 0 ||
        (rc = st_settlement_finish(r, err)) != 0 || (rc = flush(&j, err)) != 0)
        goto out;
    if (o->problems->total != j.base_problems)
        rc = st_err_set(err, ST_ERR_DATA, "problems in '%s'", name);
out:
    st_settlement_free(r);
    st_buf_release(&j.out);
    return rc;
}

/* ---------------------------------------------------------- database */

static int
copy_sink(void *ctx, const char *data, size_t len, struct st_err *err)
{
    return st_db_copy_put(ctx, data, len, err);
}

static int
is_hex64(const char *s)
{
    size_t i;

    for (i = 0; i < ST_SHA256_HEX_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[i] == '\0';
}

/* Runs on the reader thread of st_settlement_read_fd. */
static void
hash_chunk(void *ctx, const void *data, size_t len)
{
    st_sha256_update(ctx, data, len);
}

/* One archived file into the open COPY; its hash is checked as it goes. */
static int
copy_file(struct job *j, const char *archive_dir, const char *sha,
          const char *name, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_buf path;
    struct st_settlement *r = NULL;
    int fd = -1;
    char hex[ST_SHA256_HEX_LEN + 1];
    struct stat st;
    struct st_sha256 h = {NULL, 0};
    size_t before = j->o->problems->total;

    st_buf_init(&path, 4096);
    st_archive_path(archive_dir, sha, &path);
    if (st_buf_error(&path) != 0) {
        rc = st_err_set(err, st_buf_error(&path), "archive path too long");
        goto out;
    }
    memcpy(j->sha, sha, ST_SHA256_HEX_LEN + 1);
    job_file(j, name);
    if ((rc = open_input(path.data, &fd, &st, err)) != 0) {
        st_err_hint(err, "the archive lacks a registered report (%s)", sha);
        goto out;
    }
    if ((rc = st_sha256_init(&h, err)) != 0)
        goto out;
    if ((rc = new_parser(j, &r, err)) != 0 ||
        (rc = st_settlement_read_fd(r, fd, hash_chunk, &h, err)) != 0 ||
        (rc = flush(j, err)) != 0)
        goto out;
    if ((rc = st_sha256_final(&h, hex, err)) != 0)
        goto out;
    /* A refused file may not have been read to its end. */
    if (j->o->problems->total == before && strcmp(hex, sha) != 0) {
        rc = st_err_set(err, ST_ERR_DATA,
                        "archived file '%s' does not match its sha256 %s",
                        path.data, sha);
        goto out;
    }
    rc = 0;
out:
    st_sha256_release(&h);
    st_settlement_free(r);
    if (fd >= 0)
        close(fd);
    st_buf_release(&path);
    return rc;
}

#define REPORTS_QUERY "queries/select_raw_reports_for_date.sql"

enum { REP_SHA256, REP_NAME, REP_START, NREP };

static const char *const rep_cols[NREP] = {"sha256", "original_name",
                                           "settlement_start"};

/* The date's registered reports, their sha256 checked; col gets columns. */
static int
select_reports(struct st_db *db, const char *const *params, PGresult **out,
               int *col, struct st_err *err)
{
    int rc;
    PGresult *res = NULL;
    int i;

    *out = NULL;
    if ((rc = st_db_query(db, REPORTS_QUERY, 2, params, &res, err)) != 0 ||
        (rc = st_db_columns(res, rep_cols, col, NREP, REPORTS_QUERY, err)) != 0)
        goto out;
    for (i = 0; i < PQntuples(res); i++) {
        const char *sha = st_db_text(res, i, col[REP_SHA256]);

        if (!is_hex64(sha)) {
            rc = st_err_set(err, ST_ERR_DATA,
                            "settle.raw_report has a bad sha256 '%.70s'", sha);
            goto out;
        }
    }
    *out = res;
    res = NULL; /* transferred */
    rc = 0;
out:
    PQclear(res);
    return rc;
}

/*
 * The rates the reports may need: from the earliest settlement start minus
 * the age limit to two days past the date. *fx gets them (owned, freed
 * with st_fx_free).
 */
static int
load_rates(struct st_db *db, const PGresult *res, const int *col, int32_t date,
           int max_age_days, struct st_fx **fx, struct st_err *err)
{
    int32_t lo = date;
    int32_t hi = date + 2;
    int rc;
    int i;

    for (i = 0; i < PQntuples(res); i++) {
        int64_t start = 0;
        const char *s = st_db_text(res, i, col[REP_START]);
        struct st_err e;

        if (st_datetime_parse(s, strlen(s), &start, &e) == 0 &&
            st_datetime_date(start) < lo)
            lo = st_datetime_date(start);
    }
    lo -= max_age_days + 2;
    if ((rc = st_fx_new(fx, err)) != 0)
        return rc;
    return st_rates_load(db, lo, hi, *fx, err);
}

/*
 * Inside the date's transaction: its old lines out, every report in
 * through one COPY, refused whole when any has a problem.
 */
static int
copy_reports(struct job *j, struct st_db *db, const PGresult *res,
             const int *col, const char *const *params, const char *archive_dir,
             struct st_err *err)
{
    const char *copy_sql = st_sql_text("queries/copy_settlement_lines.sql");
    size_t problems;
    int rc;
    int i;

    if (copy_sql == NULL)
        return st_err_set(err, ST_ERR_INTERNAL, "no embedded COPY statement");
    if ((rc = st_db_query(db, "queries/delete_settlement_lines.sql", 2, params,
                          NULL, err)) != 0 ||
        (rc = st_db_copy_begin(db, copy_sql, err)) != 0)
        return rc;
    for (i = 0; i < PQntuples(res); i++) {
        const char *sha = st_db_text(res, i, col[REP_SHA256]);
        const char *name = st_db_text(res, i, col[REP_NAME]);

        if ((rc = copy_file(j, archive_dir, sha, name[0] ? name : sha, err)) !=
            0)
            goto abort;
    }
    problems = j->o->problems->total - j->base_problems;
    if (problems != 0) {
        rc = st_err_set(err, ST_ERR_DATA,
                        "reports of %s refused (%zu problem%s): nothing loaded",
                        j->copy_date, problems, problems == 1 ? "" : "s");
        goto abort;
    }
    if ((rc = st_db_copy_end(db, err)) != 0)
        return rc;
    return st_db_query(db, "queries/analyze_settlement_lines.sql", 0, NULL,
                       NULL, err);
abort:
    st_db_copy_abort(db, "normalize failed");
    return rc;
}

int
st_normalize_date(struct st_db *db, const struct st_normalize_opts *o,
                  const char *seller_id, int32_t date, const char *archive_dir,
                  struct st_normalize_stats *stats, struct st_err *err)
{
    int rc;
    PGresult *res = NULL;
    struct st_normalize_opts own = *o;
    struct st_fx *fx = NULL;
    struct job j;
    char day[ST_DATE_LEN + 1];
    const char *params[2] = {seller_id, day};
    int col[NREP];
    int in_tx = 0;
    int n;

    job_init(&j, &own, copy_sink, db);
    st_date_format(date, day);
    if ((rc = select_reports(db, params, &res, col, err)) != 0)
        goto out;
    n = PQntuples(res);
    if (own.reporting != NULL && own.fx == NULL && n > 0) {
        if ((rc = load_rates(db, res, col, date, own.fx_max_age_days, &fx,
                             err)) != 0)
            goto out;
        own.fx = fx;
    }
    j.copy = 1;
    j.copy_seller = seller_id;
    memcpy(j.copy_date, day, sizeof(day));
    if ((rc = st_db_begin(db, err)) != 0)
        goto out;
    in_tx = 1;
    if ((rc = copy_reports(&j, db, res, col, params, archive_dir, err)) != 0 ||
        (rc = st_db_commit(db, err)) != 0)
        goto out;
    in_tx = 0;
    if (stats != NULL) {
        stats->files = n;
        stats->lines = j.lines;
        stats->unknown = j.unknown;
    }
    rc = 0;
out:
    if (in_tx)
        st_db_rollback(db);
    PQclear(res);
    st_fx_free(fx);
    st_buf_release(&j.out);
    return rc;
}
