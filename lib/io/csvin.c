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
#include "io/csvin.h"
#include "core/banned.h"

struct pipe;

struct st_csvin {
    struct csv_parser p;
    struct pipe *pipe; /* st_csvin_read_fd: fields go into batches */
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
 * file and runs libcsv (on_field, on_row as above, which copy each row
 * into a batch), the calling thread takes full batches and runs the row
 * function. NBATCH batches circulate between them, so memory stays
 * bounded and the producer waits when the consumer falls behind. All
 * memory is allocated before the producer starts, except what libcsv
 * grows for a long field; the allocation counters of lib/alloc.c are
 * atomic for that reason.
 */

#define NBATCH       4
#define BATCH_BYTES  ((size_t)256 * 1024) /* publish past this many bytes */
#define BATCH_FIELDS ((size_t)16384)
#define BATCH_ROWS   ((size_t)4096)
#define READ_BLOCK   ((size_t)1024 * 1024)

struct batch {
    char *arena; /* the rows' fields, each NUL-terminated */
    size_t len;
    size_t *off; /* per field */
    size_t *flen;
    size_t nf;
    size_t *first; /* per row: its first field, arena offset, count, line */
    size_t *base;
    size_t *nfield;
    long *line;
    size_t nr;
};

struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct batch b[NBATCH];
    int full[NBATCH];
    size_t head; /* next batch the consumer takes */
    size_t tail; /* batch the producer fills */
    int done;    /* the producer has published its last batch */
    int cancel;  /* the consumer wants no more */
    int fd;
    char *buf;
    st_csvin_chunk_fn chunk_fn;
    void *chunk_ctx;
    struct st_err perr; /* the producer's own error */
    int prc;
};

static void
batch_free(struct batch *b)
{
    st_free(b->arena);
    st_free(b->off);
    st_free(b->flen);
    st_free(b->first);
    st_free(b->base);
    st_free(b->nfield);
    st_free(b->line);
}

static int
batch_alloc(struct batch *b)
{
    memset(b, 0, sizeof(*b));
    b->arena = st_malloc(BATCH_BYTES + ST_CSVIN_MAX_ROW + 1);
    b->off = st_calloc(BATCH_FIELDS + ST_CSVIN_MAX_FIELDS, sizeof(size_t));
    b->flen = st_calloc(BATCH_FIELDS + ST_CSVIN_MAX_FIELDS, sizeof(size_t));
    b->first = st_calloc(BATCH_ROWS, sizeof(size_t));
    b->base = st_calloc(BATCH_ROWS, sizeof(size_t));
    b->nfield = st_calloc(BATCH_ROWS, sizeof(size_t));
    b->line = st_calloc(BATCH_ROWS, sizeof(long));
    if (b->arena == NULL || b->off == NULL || b->flen == NULL ||
        b->first == NULL || b->base == NULL || b->nfield == NULL ||
        b->line == NULL)
        return ST_ERR_NOMEM;
    return 0;
}

/* Producer: hands the batch being filled over and waits for a free one. */
static int
publish(struct pipe *q)
{
    int cancel;

    pthread_mutex_lock(&q->mu);
    q->full[q->tail] = 1;
    q->tail = (q->tail + 1) % NBATCH;
    pthread_cond_broadcast(&q->cv);
    while (q->full[q->tail] && !q->cancel)
        pthread_cond_wait(&q->cv, &q->mu);
    cancel = q->cancel;
    pthread_mutex_unlock(&q->mu);
    if (!cancel) {
        struct batch *b = &q->b[q->tail];

        b->len = 0;
        b->nf = 0;
        b->nr = 0;
    }
    return cancel;
}

/*
 * Producer: points the reader's row arena and field arrays at the free end
 * of the batch being filled, so that on_field writes each field straight
 * into the batch. The room left is always enough for the longest row
 * (ST_CSVIN_MAX_ROW bytes, ST_CSVIN_MAX_FIELDS fields), so on_field never
 * reallocates it.
 */
static void
point_at_batch(struct st_csvin *r)
{
    struct batch *b = &r->pipe->b[r->pipe->tail];

    r->arena = b->arena + b->len;
    r->arena_cap = BATCH_BYTES + ST_CSVIN_MAX_ROW + 1 - b->len;
    r->off = b->off + b->nf;
    r->len = b->flen + b->nf;
    r->fields_cap = BATCH_FIELDS + ST_CSVIN_MAX_FIELDS - b->nf;
}

/* Producer, from on_row: the finished row becomes part of the batch. */
static void
batch_row(struct st_csvin *r)
{
    struct pipe *q = r->pipe;
    struct batch *b = &q->b[q->tail];

    b->first[b->nr] = b->nf;
    b->base[b->nr] = b->len;
    b->nfield[b->nr] = r->nfields;
    b->line[b->nr] = r->row_start;
    b->nr++;
    b->nf += r->nfields;
    b->len += r->arena_len;
    if ((b->len >= BATCH_BYTES || b->nf >= BATCH_FIELDS ||
         b->nr == BATCH_ROWS) &&
        publish(q) != 0) {
        r->rc = ST_CSVIN_STOP; /* the consumer is gone: write no more */
        return;
    }
    point_at_batch(r);
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
    q->prc = r->rc;
    pthread_mutex_lock(&q->mu);
    if (q->b[q->tail].nr > 0 && !q->cancel) {
        q->full[q->tail] = 1;
        q->tail = (q->tail + 1) % NBATCH;
    }
    q->done = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Consumer: the row function over one batch; 0 or its first non-zero. */
static int
consume(struct st_csvin *r, const struct batch *b, const char **field,
        struct st_err *err)
{
    struct st_csvin_row row;
    size_t i;
    size_t k;
    int rc;

    for (i = 0; i < b->nr; i++) {
        size_t f = b->first[i];
        const char *base = b->arena + b->base[i];

        for (k = 0; k < b->nfield[i]; k++)
            field[k] = base + b->off[f + k];
        row.field = field;
        row.len = b->flen + f;
        row.n = b->nfield[i];
        row.line = b->line[i];
        if ((rc = r->fn(r->ctx, &row, err)) != 0)
            return rc;
    }
    return 0;
}

int
st_csvin_read_fd(struct st_csvin *r, int fd, st_csvin_chunk_fn chunk_fn,
                 void *chunk_ctx, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct pipe *q = NULL;
    const char **field = NULL;
    pthread_t th;
    int started = 0;
    int inited = 0;
    size_t i;
    char *own_arena = r->arena;
    size_t own_arena_cap = r->arena_cap;
    size_t *own_off = r->off;
    size_t *own_len = r->len;
    size_t own_fields_cap = r->fields_cap;

    if (r->rc != 0)
        return r->rc;
    q = st_calloc(1, sizeof(*q));
    field = st_calloc(ST_CSVIN_MAX_FIELDS, sizeof(*field));
    if (q == NULL || field == NULL)
        goto nomem;
    for (i = 0; i < NBATCH; i++)
        if (batch_alloc(&q->b[i]) != 0)
            goto nomem;
    q->buf = st_malloc(READ_BLOCK);
    if (q->buf == NULL)
        goto nomem;
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        goto nomem;
    if (pthread_cond_init(&q->cv, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        goto nomem;
    }
    inited = 1;
    q->fd = fd;
    q->chunk_fn = chunk_fn;
    q->chunk_ctx = chunk_ctx;
    st_err_clear(&q->perr);
    r->pipe = q;
    point_at_batch(r);
    if (pthread_create(&th, NULL, produce, r) != 0) {
        rc = st_err_set(err, ST_ERR_INTERNAL, "cannot start a thread");
        goto out;
    }
    started = 1;
    rc = 0;
    for (;;) {
        const struct batch *b;

        pthread_mutex_lock(&q->mu);
        while (!q->full[q->head] && !q->done)
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->full[q->head]) {
            pthread_mutex_unlock(&q->mu);
            break; /* done, and every batch taken */
        }
        b = &q->b[q->head];
        pthread_mutex_unlock(&q->mu);
        rc = consume(r, b, field, err);
        pthread_mutex_lock(&q->mu);
        q->full[q->head] = 0;
        q->head = (q->head + 1) % NBATCH;
        if (rc != 0)
            q->cancel = 1;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
        if (rc != 0)
            break;
    }
out:
    if (started)
        pthread_join(th, NULL);
    if (started && rc == 0 && q->prc != 0) {
        rc = q->prc;
        if (err != NULL && rc != ST_CSVIN_STOP)
            *err = q->perr;
    }
    if (rc != 0)
        r->rc = rc;
    r->pipe = NULL;
    r->arena = own_arena; /* the reader's own buffers again */
    r->arena_cap = own_arena_cap;
    r->off = own_off;
    r->len = own_len;
    r->fields_cap = own_fields_cap;
    r->arena_len = 0;
    r->nfields = 0;
    if (inited) {
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
    }
    goto release;
nomem:
    rc = st_err_set(err, ST_ERR_NOMEM, "out of memory reading '%s'", r->file);
release:
    if (q != NULL) {
        for (i = 0; i < NBATCH; i++)
            batch_free(&q->b[i]);
        st_free(q->buf);
    }
    st_free(q);
    st_free(field);
    return rc;
}
