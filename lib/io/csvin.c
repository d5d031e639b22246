/*
 * csvin.c: libcsv in strict mode, with physical line numbers.
 *
 * libcsv is a push parser that knows nothing of line numbers. With
 * CSV_REPALL_NL it reports every unquoted CR and LF as the end of a row
 * (empty rows included), and a quoted line break stays inside its field,
 * so counting the LFs of both gives the exact physical line without
 * scanning the input a second time. Blank lines arrive as rows with no
 * field and are skipped here. Fields are copied into one arena per row and
 * handed over as offsets turned into pointers when the row ends, so the
 * arena may grow freely.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/handoff.h"
#include "io/csvin.h"
#include "core/banned.h"

struct pipe;

struct st_csvin {
    struct csv_parser p;
    struct pipe *pipe; /* st_csvin_read_fd: rows go into batches */
    const char *file;
    st_csvin_row_fn fn;
    void *ctx;
    struct st_err *err; /* the caller's, during a feed */
    int rc;             /* first stop or error; sticky */
    int bom_state;      /* 0 undecided, 1 decided */
    unsigned char head[3];
    size_t nhead;
    long line;      /* line of the next byte parsed */
    long row_start; /* line where the current row started */

    char *arena; /* fields of the current row, each NUL-terminated */
    size_t arena_len;
    size_t arena_cap;
    size_t *off; /* field offsets into arena */
    size_t *len;
    const char **field;
    size_t nfields;
    size_t fields_cap;
};

static int
no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void
fail(struct st_csvin *r, int code, const char *what, long line)
{
    if (r->rc != 0)
        return;
    r->rc = st_err_set(r->err, code, "%s", what);
    st_err_at(r->err, r->file, line, 0);
}

static void
on_field(void *s, size_t n, void *data)
{
    struct st_csvin *r = data;
    size_t need;

    if (r->rc != 0)
        return;
    if (r->nfields >= ST_CSVIN_MAX_FIELDS) {
        fail(r, ST_ERR_DATA, "too many fields in one row", r->row_start);
        return;
    }
    need = r->arena_len + n + 1;
    if (need > ST_CSVIN_MAX_ROW) {
        fail(r, ST_ERR_DATA, "row longer than 1 MiB", r->row_start);
        return;
    }
    if (need > r->arena_cap) {
        size_t cap = r->arena_cap ? r->arena_cap : 4096;
        char *a;

        while (cap < need)
            cap *= 2;
        a = st_realloc(r->arena, cap);
        if (a == NULL) {
            fail(r, ST_ERR_NOMEM, "out of memory reading CSV", r->line);
            return;
        }
        r->arena = a;
        r->arena_cap = cap;
    }
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
        size_t *o = st_reallocarray(r->off, cap, sizeof(*o));
        size_t *l;
        const char **f;

        if (o == NULL)
            goto nomem;
        r->off = o;
        l = st_reallocarray(r->len, cap, sizeof(*l));
        if (l == NULL)
            goto nomem;
        r->len = l;
        f = st_reallocarray(r->field, cap, sizeof(*f));
        if (f == NULL)
            goto nomem;
        r->field = f;
        r->fields_cap = cap;
    }
    if (n > 0)
        memcpy(r->arena + r->arena_len, s, n);
    r->arena[r->arena_len + n] = '\0';
    r->off[r->nfields] = r->arena_len;
    r->len[r->nfields] = n;
    r->nfields++;
    r->arena_len += n + 1;
    return;
nomem:
    fail(r, ST_ERR_NOMEM, "out of memory reading CSV", r->line);
}

static void batch_row(struct st_csvin *r);

static void
on_row(int c, void *data)
{
    struct st_csvin *r = data;
    struct st_csvin_row row;
    const char *nl;
    size_t i;
    int rc;

    if (r->nfields == 0) { /* a blank line, or the LF of a CRLF */
        if (c == '\n')
            r->line++;
        r->row_start = r->line;
        return;
    }
    /* Line breaks inside quoted fields, counted once per row. */
    for (nl = r->arena_len ? memchr(r->arena, '\n', r->arena_len) : NULL;
         nl != NULL;
         nl = memchr(nl + 1, '\n', r->arena_len - (size_t)(nl + 1 - r->arena)))
        r->line++;
    if (r->rc == 0 && r->pipe != NULL) {
        batch_row(r);
    } else if (r->rc == 0) {
        for (i = 0; i < r->nfields; i++)
            r->field[i] = r->arena + r->off[i];
        row.field = r->field;
        row.len = r->len;
        row.n = r->nfields;
        row.line = r->row_start;
        rc = r->fn(r->ctx, &row, r->err);
        if (rc != 0)
            r->rc = rc;
    }
    r->nfields = 0;
    r->arena_len = 0;
    if (c == '\n')
        r->line++;
    r->row_start = r->line;
}

int
st_csvin_new(const char *file, st_csvin_row_fn fn, void *ctx,
             struct st_csvin **out, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_csvin *r = NULL;

    *out = NULL;
    r = st_calloc(1, sizeof(*r));
    if (r == NULL)
        goto out;
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
                            CSV_REPALL_NL) != 0)
        goto out;
    csv_set_realloc_func(&r->p, st_realloc);
    csv_set_free_func(&r->p, st_free);
    csv_set_space_func(&r->p, no_space);
    r->file = file ? file : "-";
    r->fn = fn;
    r->ctx = ctx;
    r->line = 1;
    r->row_start = 1;
    *out = r;
    r = NULL; /* transferred */
    rc = 0;
out:
    if (rc != 0)
        st_err_set(err, rc, "out of memory creating a CSV reader");
    st_free(r);
    return rc;
}

void
st_csvin_free(struct st_csvin *r)
{
    if (r == NULL)
        return;
    csv_free(&r->p);
    st_free(r->arena);
    st_free(r->off);
    st_free(r->len);
    st_free(r->field);
    st_free(r);
}

long
st_csvin_line(const struct st_csvin *r)
{
    return r->line;
}

static void
parse_error(struct st_csvin *r)
{
    int e = csv_error(&r->p);

    if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
        fail(r, ST_ERR_NOMEM, "out of memory reading CSV", r->line);
    else
        fail(r, ST_ERR_DATA,
             "malformed CSV: a quote inside an unquoted field or text "
             "after a closing quote",
             r->row_start);
}

/*
 * libcsv in slices, so that a stop (ST_CSVIN_STOP, or an error) ends the
 * work at once: a reader that wants only the first rows of a large buffer
 * (the fetch reads each report's preamble) no longer runs libcsv over the
 * rest of it.
 */
#define PARSE_SLICE 65536

static void
parse(struct st_csvin *r, const unsigned char *s, size_t n)
{
    while (n > 0 && r->rc == 0) {
        size_t k = n < PARSE_SLICE ? n : PARSE_SLICE;

        if (csv_parse(&r->p, s, k, on_field, on_row, r) != k) {
            parse_error(r);
            return;
        }
        s += k;
        n -= k;
    }
}

int
st_csvin_feed(struct st_csvin *r, const void *data, size_t len,
              struct st_err *err)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    const unsigned char *s = data;

    r->err = err;
    if (r->rc != 0)
        return r->rc;
    if (r->bom_state == 0) {
        /* Decide on the BOM once three bytes (or the end) are seen. */
        while (r->nhead < 3 && len > 0) {
            r->head[r->nhead++] = *s++;
            len--;
        }
        if (r->nhead < 3)
            return 0;
        r->bom_state = 1;
        if (memcmp(r->head, bom, 3) != 0)
            parse(r, r->head, r->nhead);
    }
    parse(r, s, len);
    r->err = NULL;
    return r->rc;
}

int
st_csvin_finish(struct st_csvin *r, struct st_err *err)
{
    r->err = err;
    if (r->rc != 0)
        return r->rc;
    if (r->bom_state == 0) {
        static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

        r->bom_state = 1;
        if (r->nhead < 3 || memcmp(r->head, bom, 3) != 0)
            parse(r, r->head, r->nhead);
    }
    if (r->rc == 0 && csv_fini(&r->p, on_field, on_row, r) != 0) {
        if (csv_error(&r->p) == CSV_EPARSE)
            fail(r, ST_ERR_DATA, "unterminated quoted field at end of file",
                 r->row_start);
        else
            parse_error(r);
    }
    r->err = NULL;
    return r->rc;
}

/* ---------------------------------------------------------- two threads */

/*
 * st_csvin_read_fd splits the work in two: a producer thread reads the
 * file and runs libcsv (on_field, on_row as above), and batch_row copies
 * each finished row into a batch; the calling thread takes full batches
 * and runs the row function. Two batches take turns through a
 * core/handoff, so memory stays bounded and the producer waits when the
 * consumer falls behind. The memory libcsv and the row arena grow is
 * allocated on the producer; the allocation counters of lib/core/alloc.c are
 * atomic for that reason.
 *
 * A batch is a run of rows, each a record of size_t words (its field
 * count, line, byte count and one length per field) followed by its
 * NUL-terminated fields, padded to a whole word so that the next record
 * is aligned.
 */

#define BATCH_BYTES ((size_t)256 * 1024) /* hand over past this many bytes */
#define READ_BLOCK  ((size_t)1024 * 1024)
#define WORD        sizeof(size_t)
#define ROUND_UP(n) (((n) + WORD - 1) / WORD * WORD)
#define RECORD_MAX \
    (3 * WORD + ST_CSVIN_MAX_FIELDS * WORD + ROUND_UP(ST_CSVIN_MAX_ROW + 1))
#define BATCH_MAX (BATCH_BYTES + RECORD_MAX)

struct pipe {
    struct st_handoff h;
    struct st_buf fill; /* the producer's batch */
    int fd;
    char *buf;
    st_csvin_chunk_fn chunk_fn;
    void *chunk_ctx;
    struct st_err perr; /* the producer's own error */
};

/* Producer, from on_row: the finished row becomes part of the batch. */
static void
batch_row(struct st_csvin *r)
{
    struct pipe *q = r->pipe;
    size_t head[3];
    size_t pad = ROUND_UP(r->arena_len) - r->arena_len;
    static const char zeros[WORD];

    head[0] = r->nfields;
    head[1] = (size_t)r->row_start;
    head[2] = r->arena_len;
    st_buf_add(&q->fill, head, sizeof(head));
    st_buf_add(&q->fill, r->len, r->nfields * WORD);
    st_buf_add(&q->fill, r->arena, r->arena_len);
    st_buf_add(&q->fill, zeros, pad);
    if (st_buf_error(&q->fill) != 0) {
        fail(r, ST_ERR_NOMEM, "out of memory reading CSV", r->row_start);
        return;
    }
    if (q->fill.len >= BATCH_BYTES &&
        st_handoff_put(&q->h, &q->fill, NULL) != 0)
        r->rc = ST_CSVIN_STOP; /* the consumer is gone: read no more */
}

static void *
produce(void *arg)
{
    struct st_csvin *r = arg;
    struct pipe *q = r->pipe;
    ssize_t n;

    for (;;) {
        do {
            n = read(q->fd, q->buf, READ_BLOCK);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            r->rc = st_err_set(&q->perr, ST_ERR_IO, "cannot read '%s': %s",
                               r->file, strerror(errno));
            break;
        }
        if (n == 0) {
            (void)st_csvin_finish(r, &q->perr);
            break;
        }
        if (q->chunk_fn != NULL)
            q->chunk_fn(q->chunk_ctx, q->buf, (size_t)n);
        if (st_csvin_feed(r, q->buf, (size_t)n, &q->perr) != 0)
            break;
    }
    /* The rows before an error still reach the row function. */
    if (q->fill.len > 0 && r->rc != ST_CSVIN_STOP)
        (void)st_handoff_put(&q->h, &q->fill, NULL);
    st_handoff_close(&q->h, r->rc, &q->perr);
    return NULL;
}

/* Consumer: the row function over one batch; 0 or its first non-zero. */
static int
consume(struct st_csvin *r, const struct st_buf *b, const char **field,
        struct st_err *err)
{
    struct st_csvin_row row;
    size_t at = 0;
    size_t k;
    int rc;

    while (at < b->len) {
        const size_t *head = (const size_t *)(const void *)(b->data + at);
        const size_t *len = head + 3;
        const char *f = (const char *)(len + head[0]);

        for (k = 0; k < head[0]; k++) {
            field[k] = f;
            f += len[k] + 1;
        }
        row.field = field;
        row.len = len;
        row.n = head[0];
        row.line = (long)head[1];
        if ((rc = r->fn(r->ctx, &row, err)) != 0)
            return rc;
        at += 3 * WORD + head[0] * WORD + ROUND_UP(head[2]);
    }
    return 0;
}

static int
pipe_new(struct st_csvin *r, int fd, st_csvin_chunk_fn chunk_fn,
         void *chunk_ctx, struct pipe **out, struct st_err *err)
{
    struct pipe *q;

    *out = NULL;
    q = st_calloc(1, sizeof(*q));
    if (q == NULL)
        goto nomem;
    st_buf_init(&q->fill, BATCH_MAX);
    q->buf = st_malloc(READ_BLOCK);
    if (q->buf == NULL || st_buf_grow(&q->fill, BATCH_MAX) != 0) {
        st_buf_release(&q->fill);
        st_free(q->buf);
        st_free(q);
        goto nomem;
    }
    if (st_handoff_init(&q->h, BATCH_MAX, err) != 0) {
        st_buf_release(&q->fill);
        st_free(q->buf);
        st_free(q);
        return ST_ERR_INTERNAL;
    }
    q->fd = fd;
    q->chunk_fn = chunk_fn;
    q->chunk_ctx = chunk_ctx;
    st_err_clear(&q->perr);
    *out = q;
    return 0;
nomem:
    return st_err_set(err, ST_ERR_NOMEM, "out of memory reading '%s'", r->file);
}

static void
pipe_free(struct pipe *q)
{
    if (q == NULL)
        return;
    st_handoff_release(&q->h);
    st_buf_release(&q->fill);
    st_free(q->buf);
    st_free(q);
}

/* Consumer: every batch, until the producer ends or the row function stops. */
static int
consume_all(struct st_csvin *r, const char **field, struct st_err *err)
{
    struct st_handoff *h = &r->pipe->h;
    const struct st_buf *b;
    int rc;

    while (st_handoff_take(h, &b)) {
        rc = consume(r, b, field, err);
        st_handoff_done(h, rc, rc == ST_CSVIN_STOP ? NULL : err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int
st_csvin_read_fd(struct st_csvin *r, int fd, st_csvin_chunk_fn chunk_fn,
                 void *chunk_ctx, struct st_err *err)
{
    int rc;
    struct pipe *q = NULL;
    const char **field = NULL;
    struct st_err perr;
    pthread_t th;

    if (r->rc != 0)
        return r->rc;
    field = st_calloc(ST_CSVIN_MAX_FIELDS, sizeof(*field));
    if (field == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory reading '%s'",
                        r->file);
        goto out;
    }
    if ((rc = pipe_new(r, fd, chunk_fn, chunk_ctx, &q, err)) != 0)
        goto out;
    r->pipe = q;
    if (pthread_create(&th, NULL, produce, r) != 0) {
        rc = st_err_set(err, ST_ERR_INTERNAL, "cannot start a thread");
        goto out;
    }
    rc = consume_all(r, field, err);
    pthread_join(th, NULL);
    if (rc == 0 && (rc = st_handoff_error(&q->h, &perr)) != 0 && err != NULL &&
        rc != ST_CSVIN_STOP)
        *err = perr;
out:
    if (rc != 0)
        r->rc = rc;
    r->pipe = NULL;
    r->arena_len = 0;
    r->nfields = 0;
    pipe_free(q);
    st_free(field);
    return rc;
}
