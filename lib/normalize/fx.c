/*
 * fx.c: ECB reference rates. The reader is lib/io/csvin with a row function
 * that knows the wide layout; the table is one sorted array of quotes per
 * currency, searched by bisection. EUR is never stored: its quote is 1 on
 * every day.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "io/csvin.h"
#include "io/db.h"
#include "io/dbvalue.h"
#include "io/sqltext.h"
#include "core/date.h"
#include "normalize/fx.h"
#include "core/banned.h"

/* ---------------------------------------------------------- reading */

#define FX_MAX_COLS 512

struct st_fx_csv {
    const char *file;
    st_fx_quote_fn fn;
    void *ctx;
    struct st_problems *problems;
    struct st_csvin *csv;
    int have_header;
    int dead;
    size_t base_problems; /* problems->total when this file began */
    size_t ncols;         /* header cells, trailing empty one dropped */
    char (*code)[4];
    long quotes;
};

static void
trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static int
is_code(const char *s, size_t n)
{
    return n == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
           s[2] >= 'A' && s[2] <= 'Z';
}

/* "13 April 2026" (eurofxref.csv) or "2026-04-13" (eurofxref-hist.csv). */
static int
parse_ecb_date(const char *s, size_t n, int32_t *days)
{
    static const char *const months[12] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    struct st_err e;
    size_t i = 0;
    int d = 0;
    int y = 0;
    int m;
    int32_t v;
    int yy;
    int mm;
    int dd;

    if (st_date_parse(s, n, days, &e) == 0)
        return 0;
    while (i < n && i < 2 && s[i] >= '0' && s[i] <= '9')
        d = d * 10 + (s[i++] - '0');
    if (i == 0 || i >= n || s[i++] != ' ')
        return -1;
    for (m = 0; m < 12; m++) {
        size_t ml = strlen(months[m]);

        if (n - i > ml && memcmp(s + i, months[m], ml) == 0 &&
            s[i + ml] == ' ') {
            i += ml + 1;
            break;
        }
    }
    if (m == 12 || n - i != 4)
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        y = y * 10 + (s[i] - '0');
    }
    v = st_date_from_civil(y, m + 1, d);
    st_date_to_civil(v, &yy, &mm, &dd);
    if (yy != y || mm != m + 1 || dd != d)
        return -1;
    *days = v;
    return 0;
}

/* A cell that is empty once blanks are trimmed ("" or " "). */
static int
blank(const struct st_csvin_row *row, size_t i)
{
    const char *s = row->field[i];
    size_t n = row->len[i];

    trim(&s, &n);
    return n == 0;
}

static int
fx_header(struct st_fx_csv *r, const struct st_csvin_row *row)
{
    size_t n = row->n;
    size_t i;

    if (n > 0 && blank(row, n - 1))
        n--; /* the trailing comma (", " in eurofxref.csv) */
    if (n > FX_MAX_COLS) {
        st_problems_add(r->problems, r->file, row->line, 0,
                        "more than %d columns", FX_MAX_COLS);
        r->dead = 1;
        return 0;
    }
    r->code = st_calloc(n ? n : 1, sizeof(*r->code));
    if (r->code == NULL)
        return ST_ERR_NOMEM;
    for (i = 1; i < n; i++) {
        const char *s = row->field[i];
        size_t len = row->len[i];

        trim(&s, &len);
        if (!is_code(s, len)) {
            st_problems_add(r->problems, r->file, row->line, (long)i + 1,
                            "column header '%.16s' is not a currency code", s);
            continue;
        }
        memcpy(r->code[i], s, 3);
        r->code[i][3] = '\0';
    }
    r->ncols = n;
    r->have_header = 1;
    return 0;
}

static int
fx_row(void *ctx, const struct st_csvin_row *row, struct st_err *err)
{
    struct st_fx_csv *r = ctx;
    const char *s;
    size_t len;
    size_t i;
    int32_t date;
    int rc;

    if (r->dead)
        return 0;
    s = row->field[0];
    len = row->len[0];
    trim(&s, &len);
    if (!r->have_header) {
        if (len == 4 && memcmp(s, "Date", 4) == 0)
            return fx_header(r, row);
        st_problems_add(r->problems, r->file, row->line, 1,
                        "expected the ECB header row 'Date,USD,...'");
        r->dead = 1;
        return 0;
    }
    if (parse_ecb_date(s, len, &date) != 0) {
        st_problems_add(r->problems, r->file, row->line, 1,
                        "invalid date '%.32s'", s);
        return 0;
    }
    if (row->n < r->ncols || (row->n > r->ncols && !(row->n == r->ncols + 1 &&
                                                     blank(row, r->ncols)))) {
        st_problems_add(r->problems, r->file, row->line, 0,
                        "row has %zu cells, the header has %zu", row->n,
                        r->ncols);
        return 0;
    }
    for (i = 1; i < r->ncols; i++) {
        struct st_rate rate;
        struct st_err e;

        s = row->field[i];
        len = row->len[i];
        trim(&s, &len);
        if (len == 0 || (len == 3 && memcmp(s, "N/A", 3) == 0) ||
            r->code[i][0] == '\0')
            continue;
        if (st_rate_parse(s, len, &rate, &e) != 0) {
            st_problems_add(r->problems, r->file, row->line, (long)i + 1,
                            "%s: %s", r->code[i], e.msg);
            continue;
        }
        if (r->problems->total != r->base_problems)
            continue; /* the file is refused anyway */
        rc = r->fn(r->ctx, date, r->code[i], s, len, &rate, err);
        if (rc != 0)
            return rc;
        r->quotes++;
    }
    return 0;
}

int
st_fx_csv_new(const char *file, st_fx_quote_fn fn, void *ctx,
              struct st_problems *problems, struct st_fx_csv **out,
              struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_fx_csv *r = NULL;

    *out = NULL;
    r = st_calloc(1, sizeof(*r));
    if (r == NULL) {
        st_err_set(err, rc, "out of memory creating an ECB reader");
        goto out;
    }
    r->file = file ? file : "-";
    r->fn = fn;
    r->ctx = ctx;
    r->problems = problems;
    r->base_problems = problems->total;
    if ((rc = st_csvin_new(r->file, fx_row, r, &r->csv, err)) != 0)
        goto out;
    *out = r;
    r = NULL; /* transferred */
    rc = 0;
out:
    st_fx_csv_free(r);
    return rc;
}

void
st_fx_csv_free(struct st_fx_csv *r)
{
    if (r == NULL)
        return;
    st_csvin_free(r->csv);
    st_free(r->code);
    st_free(r);
}

static int
fx_csv_result(struct st_fx_csv *r, int rc, struct st_err *err)
{
    if (rc == ST_ERR_DATA) {
        st_problems_add(r->problems, r->file, err->line, err->col, "%s",
                        err->msg);
        st_err_clear(err);
        r->dead = 1;
        return 0;
    }
    if (rc == ST_ERR_NOMEM && err->code == 0)
        st_err_set(err, rc, "out of memory reading '%s'", r->file);
    return rc;
}

int
st_fx_csv_feed(struct st_fx_csv *r, const void *data, size_t len,
               struct st_err *err)
{
    if (r->dead)
        return 0;
    return fx_csv_result(r, st_csvin_feed(r->csv, data, len, err), err);
}

int
st_fx_csv_finish(struct st_fx_csv *r, struct st_err *err)
{
    int rc = 0;

    if (!r->dead)
        rc = fx_csv_result(r, st_csvin_finish(r->csv, err), err);
    if (rc == 0 && !r->have_header && !r->dead)
        st_problems_add(r->problems, r->file, 0, 0,
                        "no ECB header row 'Date,USD,...'");
    return rc;
}

long
st_fx_csv_quotes(const struct st_fx_csv *r)
{
    return r->quotes;
}

/* ---------------------------------------------------------- the table */

struct quote {
    int64_t value;
    int32_t date;
    int32_t scale;
    uint32_t seq;
};

struct series {
    char code[4];
    struct quote *q;
    size_t n;
    size_t cap;
};

struct st_fx {
    struct series *s;
    size_t n;
    size_t cap;
    uint32_t seq;
    size_t total;
};

int
st_fx_new(struct st_fx **out, struct st_err *err)
{
    *out = st_calloc(1, sizeof(**out));
    if (*out == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory for FX rates");
    return 0;
}

void
st_fx_free(struct st_fx *fx)
{
    size_t i;

    if (fx == NULL)
        return;
    for (i = 0; i < fx->n; i++)
        st_free(fx->s[i].q);
    st_free(fx->s);
    st_free(fx);
}

static long
series_index(const struct st_fx *fx, const char *code)
{
    size_t i;

    for (i = 0; i < fx->n; i++)
        if (memcmp(fx->s[i].code, code, 3) == 0)
            return (long)i;
    return -1;
}

static const struct series *
series_of(const struct st_fx *fx, const char *code)
{
    long i = series_index(fx, code);

    return i < 0 ? NULL : &fx->s[i];
}

int
st_fx_add(struct st_fx *fx, int32_t date, const char *code,
          const struct st_rate *per_eur, struct st_err *err)
{
    long at = series_index(fx, code);
    struct series *s = at < 0 ? NULL : &fx->s[at];

    if (memcmp(code, "EUR", 3) == 0)
        return 0; /* always 1 */
    if (s == NULL) {
        if (fx->n == fx->cap || fx->s == NULL) {
            size_t cap = fx->cap ? fx->cap * 2 : 16;
            struct series *ns = st_reallocarray(fx->s, cap, sizeof(*ns));

            if (ns == NULL)
                goto nomem;
            fx->s = ns;
            fx->cap = cap;
        }
        s = &fx->s[fx->n++];
        memset(s, 0, sizeof(*s));
        memcpy(s->code, code, 3);
    }
    if (s->n == s->cap || s->q == NULL) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct quote *nq = st_reallocarray(s->q, cap, sizeof(*nq));

        if (nq == NULL)
            goto nomem;
        s->q = nq;
        s->cap = cap;
    }
    s->q[s->n].value = per_eur->value;
    s->q[s->n].scale = per_eur->scale;
    s->q[s->n].date = date;
    s->q[s->n].seq = fx->seq++;
    s->n++;
    fx->total++;
    return 0;
nomem:
    return st_err_set(err, ST_ERR_NOMEM, "out of memory for FX rates");
}

static int
quote_cmp(const void *a, const void *b)
{
    const struct quote *x = a;
    const struct quote *y = b;

    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
st_fx_sort(struct st_fx *fx)
{
    size_t i;
    size_t j;
    size_t k;

    fx->total = 0;
    for (i = 0; i < fx->n; i++) {
        struct series *s = &fx->s[i];

        qsort(s->q, s->n, sizeof(*s->q), quote_cmp);
        /* Of equal dates, the quote added last wins. */
        for (j = 0, k = 0; j < s->n; j++) {
            if (k > 0 && s->q[k - 1].date == s->q[j].date)
                k--;
            s->q[k++] = s->q[j];
        }
        s->n = k;
        fx->total += k;
    }
}

size_t
st_fx_count(const struct st_fx *fx)
{
    return fx->total;
}

/* Reads fd to its end through the ECB parser r, then ends its input. */
static int
feed_all(struct st_fx_csv *r, int fd, const char *path, char *buf,
         struct st_err *err)
{
    ssize_t n;
    int rc;

    while ((n = read(fd, buf, 65536)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return st_err_set(err, ST_ERR_IO, "cannot read '%s': %s", path,
                              strerror(errno));
        }
        if ((rc = st_fx_csv_feed(r, buf, (size_t)n, err)) != 0)
            return rc;
    }
    return st_fx_csv_finish(r, err);
}

static int
add_quote(void *ctx, int32_t date, const char *code, const char *text,
          size_t len, const struct st_rate *rate, struct st_err *err)
{
    (void)text;
    (void)len;
    return st_fx_add(ctx, date, code, rate, err);
}

int
st_fx_load_file(struct st_fx *fx, const char *path,
                struct st_problems *problems, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_fx_csv *r = NULL;
    char *buf = NULL;
    int fd = -1;

    buf = st_malloc(65536);
    if (buf == NULL) {
        st_err_set(err, rc, "out of memory reading '%s'", path);
        goto out;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = st_err_set(err, ST_ERR_NOINPUT, "cannot open '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    if ((rc = st_fx_csv_new(path, add_quote, fx, problems, &r, err)) != 0)
        goto out;
    if ((rc = feed_all(r, fd, path, buf, err)) != 0)
        goto out;
    st_fx_sort(fx);
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    st_fx_csv_free(r);
    st_free(buf);
    return rc;
}

/* ---------------------------------------------------------- database */

struct import {
    struct st_db *db;
    struct st_buf out;
};

static int
import_quote(void *ctx, int32_t date, const char *code, const char *text,
             size_t len, const struct st_rate *rate, struct st_err *err)
{
    struct import *im = ctx;
    char d[ST_DATE_LEN + 1];
    int rc;

    (void)rate;
    st_date_format(date, d);
    st_buf_add(&im->out, d, ST_DATE_LEN);
    st_buf_addch(&im->out, ',');
    st_buf_add(&im->out, code, 3);
    st_buf_addch(&im->out, ',');
    st_buf_add(&im->out, text, len);
    st_buf_addch(&im->out, '\n');
    if (im->out.len < (size_t)256 * 1024)
        return 0;
    if (st_buf_error(&im->out) != 0)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    rc = st_db_copy_put(im->db, im->out.data, im->out.len, err);
    st_buf_reset(&im->out);
    return rc;
}

#define UPSERT_QUERY "queries/upsert_fx_rate.sql"

/* fx_import into settle.fx_rate; stats gets the rows added and changed. */
static int
upsert_rates(struct st_db *db, struct st_fx_import_stats *stats,
             struct st_err *err)
{
    static const char *const names[2] = {"inserted", "updated"};
    PGresult *res = NULL;
    int col[2];
    int64_t ins = 0;
    int64_t upd = 0;
    int rc;

    if ((rc = st_db_query(db, UPSERT_QUERY, 0, NULL, &res, err)) != 0 ||
        (rc = st_db_columns(res, names, col, 2, UPSERT_QUERY, err)) != 0)
        goto out;
    if (PQntuples(res) == 1 &&
        ((rc = st_db_i64(res, 0, col[0], UPSERT_QUERY, &ins, err)) != 0 ||
         (rc = st_db_i64(res, 0, col[1], UPSERT_QUERY, &upd, err)) != 0))
        goto out;
    stats->inserted = (long)ins;
    stats->updated = (long)upd;
    rc = 0;
out:
    PQclear(res);
    return rc;
}

int
st_fx_import(struct st_db *db, const char *path, struct st_problems *problems,
             struct st_fx_import_stats *stats, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct import im;
    struct st_fx_csv *r = NULL;
    char *buf = NULL;
    const char *copy_sql = st_sql_text("queries/copy_fx_import.sql");
    size_t base = problems->total;
    int fd = -1;
    int in_tx = 0;
    int in_copy = 0;

    memset(stats, 0, sizeof(*stats));
    im.db = db;
    st_buf_init(&im.out, (size_t)64 * 1024 * 1024);
    buf = st_malloc(65536);
    if (buf == NULL || copy_sql == NULL) {
        rc = st_err_set(err, buf ? ST_ERR_INTERNAL : ST_ERR_NOMEM,
                        "cannot start the import");
        goto out;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = st_err_set(err, ST_ERR_NOINPUT, "cannot open '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    if ((rc = st_fx_csv_new(path, import_quote, &im, problems, &r, err)) != 0)
        goto out;
    if ((rc = st_db_begin(db, err)) != 0)
        goto out;
    in_tx = 1;
    if ((rc = st_db_query(db, "queries/create_fx_import.sql", 0, NULL, NULL,
                          err)) != 0 ||
        (rc = st_db_copy_begin(db, copy_sql, err)) != 0)
        goto out;
    in_copy = 1;
    if ((rc = feed_all(r, fd, path, buf, err)) != 0)
        goto out;
    if (problems->total != base) {
        rc = st_err_set(err, ST_ERR_DATA, "'%s' refused: nothing loaded", path);
        goto out;
    }
    if (st_buf_error(&im.out) != 0) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = st_db_copy_put(db, im.out.data, im.out.len, err)) != 0)
        goto out;
    in_copy = 0;
    if ((rc = st_db_copy_end(db, err)) != 0 ||
        (rc = upsert_rates(db, stats, err)) != 0)
        goto out;
    if ((rc = st_db_commit(db, err)) != 0)
        goto out;
    in_tx = 0;
    stats->quotes = st_fx_csv_quotes(r);
    rc = 0;
out:
    if (in_copy)
        st_db_copy_abort(db, "fx import failed");
    if (in_tx)
        st_db_rollback(db);
    if (fd >= 0)
        close(fd);
    st_fx_csv_free(r);
    st_buf_release(&im.out);
    st_free(buf);
    return rc;
}

/* ---------------------------------------------------------- converting */

/* Index of the latest quote on or before day, or -1. */
static long
latest_le(const struct series *s, int32_t day)
{
    size_t lo = 0;
    size_t hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->q[mid].date <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

static void
to_rate(const struct quote *q, struct st_rate *r)
{
    r->value = q->value;
    r->scale = q->scale;
}

int
st_fx_lookup(const struct st_fx *fx, const char *from, const char *to,
             int32_t on, int max_age_days, struct st_fx_rate *out,
             struct st_err *err)
{
    static const struct st_rate one = {1, 0};
    const struct series *a = NULL; /* from */
    const struct series *b = NULL; /* to */
    long i = -1;
    long j = -1;
    int32_t date = on;
    char d1[ST_DATE_LEN + 1];
    char d2[ST_DATE_LEN + 1];
    int n;

    memset(out, 0, sizeof(*out));
    out->num = one;
    out->den = one;
    if (memcmp(from, to, 3) == 0) {
        out->date = on;
        memcpy(out->text, "1", 2);
        return 0;
    }
    st_date_format(on, d1);
    if (memcmp(from, "EUR", 3) != 0 &&
        ((a = series_of(fx, from)) == NULL || (i = latest_le(a, on)) < 0))
        return st_err_set(err, ST_ERR_DATA,
                          "no ECB rate for %.3s on or before %s", from, d1);
    if (memcmp(to, "EUR", 3) != 0 &&
        ((b = series_of(fx, to)) == NULL || (j = latest_le(b, on)) < 0))
        return st_err_set(err, ST_ERR_DATA,
                          "no ECB rate for %.3s on or before %s", to, d1);
    /* Cross rate: walk back to the latest day quoting both. */
    while (a != NULL && b != NULL && i >= 0 && j >= 0 &&
           a->q[i].date != b->q[j].date) {
        if (a->q[i].date > b->q[j].date)
            i = latest_le(a, b->q[j].date);
        else
            j = latest_le(b, a->q[i].date);
    }
    if (i < 0 && a != NULL && b != NULL)
        return st_err_set(err, ST_ERR_DATA,
                          "no day on or before %s quotes both %.3s and %.3s",
                          d1, from, to);
    if (j < 0 && a != NULL && b != NULL)
        return st_err_set(err, ST_ERR_DATA,
                          "no day on or before %s quotes both %.3s and %.3s",
                          d1, from, to);
    if (a != NULL) {
        to_rate(&a->q[i], &out->den);
        date = a->q[i].date;
    }
    if (b != NULL) {
        to_rate(&b->q[j], &out->num);
        date = b->q[j].date;
    }
    if ((int64_t)on - date > max_age_days) {
        st_date_format(date, d2);
        return st_err_set(err, ST_ERR_DATA,
                          "the latest ECB rate for %.3s/%.3s on or before "
                          "%s is from %s, older than %d days",
                          from, to, d1, d2, max_age_days);
    }
    out->date = date;
    n = st_rate_format_ratio(&out->num, &out->den, 10, out->text,
                             sizeof(out->text));
    if (n < 0)
        return st_err_set(err, n, "cannot format the %.3s/%.3s rate", from, to);
    return 0;
}

int
st_fx_apply(const struct st_fx_rate *rate, const struct st_currency *from,
            const struct st_currency *to, int64_t amount, int64_t *out,
            struct st_err *err)
{
    return st_money_convert(amount, from->exponent, to->exponent, &rate->num,
                            &rate->den, out, err);
}
