/*
 * fx_csv.c: the ECB CSV layouts (fx_csv.h) on lib/io/csvin. The header row
 * picks the row function: wide rows carry one quote per currency column,
 * SDMX rows one observation each, its cells found by column name.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/date.h"
#include "io/csvin.h"
#include "fx/fx_csv.h"
#include "core/banned.h"

#define FX_MAX_COLS 512

/* The Data Portal's columns that settle reads, by name. */
enum { S_FREQ, S_CURRENCY, S_DENOM, S_TYPE, S_SUFFIX, S_TIME, S_VALUE, NS };

static const char *const sdmx_names[NS] = {
    "FREQ",       "CURRENCY",    "CURRENCY_DENOM", "EXR_TYPE",
    "EXR_SUFFIX", "TIME_PERIOD", "OBS_VALUE"};

/* What each SDMX column must hold, or NULL for any value. */
static const char *const sdmx_want[NS] = {"D", NULL, "EUR", "SP00",
                                          "A", NULL, NULL};

enum layout { L_NONE, L_WIDE, L_SDMX };

struct st_fx_csv {
    const char *file;
    st_fx_quote_fn fn;
    void *ctx;
    struct st_problems *problems;
    struct st_csvin *csv;
    enum layout layout;
    int dead;
    int saw_row;
    size_t base_problems; /* problems->total when this file began */
    size_t ncols;         /* header cells, trailing empty one dropped */
    char (*code)[4];      /* wide: the currency of each column */
    long sdmx_col[NS];    /* SDMX: the column of each name, or -1 */
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

/* Cell i, trimmed, into *s and *n. */
static void
cell(const struct st_csvin_row *row, size_t i, const char **s, size_t *n)
{
    *s = row->field[i];
    *n = row->len[i];
    trim(s, n);
}

/* A cell that holds no quote: empty, N/A (ECB files) or NaN (SDMX). */
static int
no_quote(const char *s, size_t n)
{
    return n == 0 || (n == 3 && memcmp(s, "N/A", 3) == 0) ||
           (n == 3 && memcmp(s, "NaN", 3) == 0);
}

/* Parses and delivers one quote; a bad rate is a problem at line:col. */
static int
deliver(struct st_fx_csv *r, long line, long col, int32_t date,
        const char *code, const char *s, size_t len, struct st_err *err)
{
    struct st_fx_quote q;
    struct st_err e;
    int rc;

    if (st_rate_parse(s, len, &q.per_eur, &e) != 0) {
        st_problems_add(r->problems, r->file, line, col, "%s: %s", code, e.msg);
        return 0;
    }
    if (r->problems->total != r->base_problems)
        return 0; /* the file is refused anyway */
    q.date = date;
    memcpy(q.code, code, 4);
    q.text = s;
    q.len = len;
    q.line = line;
    if ((rc = r->fn(r->ctx, &q, err)) != 0)
        return rc;
    r->quotes++;
    return 0;
}

/* ---------------------------------------------------------- wide */

static int
wide_header(struct st_fx_csv *r, const struct st_csvin_row *row)
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
        const char *s;
        size_t len;

        cell(row, i, &s, &len);
        if (!is_code(s, len)) {
            st_problems_add(r->problems, r->file, row->line, (long)i + 1,
                            "column header '%.16s' is not a currency code", s);
            continue;
        }
        memcpy(r->code[i], s, 3);
        r->code[i][3] = '\0';
    }
    r->ncols = n;
    r->layout = L_WIDE;
    return 0;
}

static int
wide_row(struct st_fx_csv *r, const struct st_csvin_row *row,
         struct st_err *err)
{
    const char *s;
    size_t len;
    size_t i;
    int32_t date;
    int rc;

    cell(row, 0, &s, &len);
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
        cell(row, i, &s, &len);
        if (no_quote(s, len) || r->code[i][0] == '\0')
            continue;
        rc = deliver(r, row->line, (long)i + 1, date, r->code[i], s, len, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------- SDMX */

/* 1 when row is the Data Portal's header (it names every column read). */
static int
sdmx_header(struct st_fx_csv *r, const struct st_csvin_row *row)
{
    size_t i;
    size_t k;

    for (k = 0; k < NS; k++)
        r->sdmx_col[k] = -1;
    for (i = 0; i < row->n; i++) {
        const char *s;
        size_t len;

        cell(row, i, &s, &len);
        for (k = 0; k < NS; k++)
            if (strlen(sdmx_names[k]) == len &&
                memcmp(sdmx_names[k], s, len) == 0 && r->sdmx_col[k] < 0)
                r->sdmx_col[k] = (long)i;
    }
    for (k = 0; k < NS; k++)
        if (r->sdmx_col[k] < 0)
            return 0;
    r->ncols = row->n;
    r->layout = L_SDMX;
    return 1;
}

/* The problem of an SDMX cell that does not hold what it must, or 0. */
static int
sdmx_check(struct st_fx_csv *r, const struct st_csvin_row *row)
{
    size_t k;

    for (k = 0; k < NS; k++) {
        const char *s;
        size_t len;
        size_t c = (size_t)r->sdmx_col[k];

        if (sdmx_want[k] == NULL)
            continue;
        cell(row, c, &s, &len);
        if (len != strlen(sdmx_want[k]) || memcmp(s, sdmx_want[k], len) != 0) {
            st_problems_add(r->problems, r->file, row->line, (long)c + 1,
                            "%s '%.16s': want %s (daily ECB reference rates "
                            "against the euro)",
                            sdmx_names[k], s, sdmx_want[k]);
            return 1;
        }
    }
    return 0;
}

static int
sdmx_row(struct st_fx_csv *r, const struct st_csvin_row *row,
         struct st_err *err)
{
    const char *code;
    const char *s;
    size_t clen;
    size_t len;
    int32_t date;
    char cc[4];
    size_t c;

    if (row->n != r->ncols) {
        st_problems_add(r->problems, r->file, row->line, 0,
                        "row has %zu cells, the header has %zu", row->n,
                        r->ncols);
        return 0;
    }
    if (sdmx_check(r, row))
        return 0;
    c = (size_t)r->sdmx_col[S_CURRENCY];
    cell(row, c, &code, &clen);
    if (!is_code(code, clen)) {
        st_problems_add(r->problems, r->file, row->line, (long)c + 1,
                        "CURRENCY '%.16s' is not a currency code", code);
        return 0;
    }
    c = (size_t)r->sdmx_col[S_TIME];
    cell(row, c, &s, &len);
    if (st_date_parse(s, len, &date, err) != 0) {
        st_err_clear(err);
        st_problems_add(r->problems, r->file, row->line, (long)c + 1,
                        "invalid TIME_PERIOD '%.32s': want YYYY-MM-DD", s);
        return 0;
    }
    c = (size_t)r->sdmx_col[S_VALUE];
    cell(row, c, &s, &len);
    if (no_quote(s, len))
        return 0;
    memcpy(cc, code, 3);
    cc[3] = '\0';
    return deliver(r, row->line, (long)c + 1, date, cc, s, len, err);
}

/* ---------------------------------------------------------- rows */

static int
fx_row(void *ctx, const struct st_csvin_row *row, struct st_err *err)
{
    struct st_fx_csv *r = ctx;
    const char *s;
    size_t len;

    r->saw_row = 1;
    if (r->dead)
        return 0;
    if (r->layout == L_WIDE)
        return wide_row(r, row, err);
    if (r->layout == L_SDMX)
        return sdmx_row(r, row, err);
    cell(row, 0, &s, &len);
    if (len == 4 && memcmp(s, "Date", 4) == 0)
        return wide_header(r, row);
    if (sdmx_header(r, row))
        return 0;
    st_problems_add(r->problems, r->file, row->line, 1,
                    "expected an ECB header row: 'Date,USD,...' or the Data "
                    "Portal's 'KEY,FREQ,CURRENCY,...'");
    r->dead = 1;
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
st_fx_csv_finish(struct st_fx_csv *r, int empty_ok, struct st_err *err)
{
    int rc = 0;

    if (!r->dead)
        rc = fx_csv_result(r, st_csvin_finish(r->csv, err), err);
    if (rc == 0 && r->layout == L_NONE && !r->dead &&
        !(empty_ok && !r->saw_row))
        st_problems_add(r->problems, r->file, 0, 0,
                        "no ECB header row: 'Date,USD,...' or "
                        "'KEY,FREQ,CURRENCY,...'");
    return rc;
}

/* Reads fd to its end through r, then ends r's input. */
static int
read_fd(struct st_fx_csv *r, int fd, const char *path, struct st_err *err)
{
    char buf[16384];
    ssize_t n;
    int rc;

    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return st_err_set(err, ST_ERR_IO, "cannot read '%s': %s", path,
                              strerror(errno));
        }
        if ((rc = st_fx_csv_feed(r, buf, (size_t)n, err)) != 0)
            return rc;
    }
    return st_fx_csv_finish(r, 0, err);
}

int
st_fx_csv_read_file(struct st_fx_csv *r, const char *path, struct st_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return st_err_set(err, ST_ERR_NOINPUT, "cannot open '%s': %s", path,
                          strerror(errno));
    rc = read_fd(r, fd, path, err);
    close(fd);
    return rc;
}

long
st_fx_csv_quotes(const struct st_fx_csv *r)
{
    return r->quotes;
}
