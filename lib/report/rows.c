/*
 * rows.c: Summary, statement, exceptions, open items and disputes rows, to CSV
 * and sheet at once, with the tie of the lines to the Summary checked as they
 * stream.
 */
#include <stdio.h>
#include <string.h>

#include "core/currency.h"
#include "core/money.h"
#include "io/dbvalue.h"
#include "report/rows.h"
#include "core/banned.h"

#define LINES_QUERY        "queries/select_statement_lines.sql"
#define EXC_QUERY          "queries/select_statement_exceptions.sql"
#define OPEN_QUERY         "queries/select_statement_open_items.sql"
#define SETTLEMENTS_QUERY  "queries/select_statement_settlements.sql"
#define DAYS_QUERY         "queries/select_period_days.sql"
#define LINE_FIELDS        30
#define LINE_COL_CURRENCY  10
#define LINE_COL_AMOUNT    11 /* then the fees and net, as in st_sums */
#define LINE_COL_REPORTING 16
#define LINE_COL_SHA256    28
#define LINE_COL_SOURCE    29
#define SUM_FIELDS         14

/* Summary fields, in the order of lib/report/template.c summary_fields. */
enum {
    SF_CURRENCY,
    SF_KIND,
    SF_LINES,
    SF_AMOUNT,
    SF_PFEE,
    SF_FFEE,
    SF_TFEE,
    SF_NET,
    SF_PAYOUTS,
    SF_RESERVE,
    SF_ACTIVITY,
    SF_REPORTING,
    SF_NET_REPORTING,
    SF_FX_RATES
};

static const struct st_template *
tmpl(const struct st_rows *w, enum st_template_kind kind)
{
    return &w->templates->t[kind];
}

int
st_rows_open_csv(struct st_rows *w, const char *name,
                 const struct st_template *t)
{
    char path[ST_PATH_MAX];
    int rc;

    if ((rc = st_publish_add(w->pub, name, path, sizeof(path), w->err)) != 0 ||
        (rc = st_csvout_open(&w->csv, path, &t->csv, w->err)) != 0)
        return rc;
    st_template_csv_header(t, &w->csv);
    return 0;
}

/* Opens the CSV file and the sheet of t. */
static int
begin_output(struct st_rows *w, const char *name, const struct st_template *t)
{
    int rc = st_rows_open_csv(w, name, t);

    if (rc == 0)
        rc = st_xlsx_sheet_begin(w->x, t->sheet, t->xcols, t->ncols, w->err);
    return rc;
}

static int
end_output(struct st_rows *w)
{
    int rc = st_xlsx_sheet_end(w->x, w->err);

    if (rc != 0)
        return rc;
    return st_csvout_close(&w->csv, w->err);
}

/* The decimals of a row: its minor_units column, -1 when not 0..4. */
static int
row_exp(const PGresult *res, int col)
{
    const char *m = st_db_text(res, 0, col);

    if (m[0] >= '0' && m[0] <= '4' && m[1] == '\0')
        return m[0] - '0';
    return -1;
}

/* ---------------------------------------------------------------- summary */

static void
fmt_i64(char *buf, int64_t v)
{
    if (snprintf(buf, 32, "%lld", (long long)v) < 0)
        buf[0] = '\0';
}

/* The totals' own fields: payouts, reserve, the activity and the rates. */
static int
total_fields(struct st_rows *w, const struct st_sums *s,
             const struct st_summary_ccy *cc, char (*buf)[32], const char **v)
{
    int64_t activity = 0;

    if (st_money_sub(s->net, cc->payouts, &activity) != 0 ||
        st_money_sub(activity, cc->reserve, &activity) != 0)
        return st_err_set(w->err, ST_ERR_OVERFLOW, "net passes 64 bits");
    fmt_i64(buf[SF_PAYOUTS], cc->payouts);
    fmt_i64(buf[SF_RESERVE], cc->reserve);
    fmt_i64(buf[SF_ACTIVITY], activity);
    v[SF_PAYOUTS] = buf[SF_PAYOUTS];
    v[SF_RESERVE] = buf[SF_RESERVE];
    v[SF_ACTIVITY] = buf[SF_ACTIVITY];
    v[SF_FX_RATES] = cc->fx.data;
    return 0;
}

/*
 * Writes one summary row from s; kind rows leave the totals' fields out,
 * the consolidated row (cc NULL) all but lines and the reporting net.
 */
static int
summary_row(struct st_rows *w, const char *code, const char *kind,
            const struct st_sums *s, const struct st_summary_ccy *cc, int total)
{
    char buf[SUM_FIELDS][32];
    const char *v[SUM_FIELDS];
    int exp;
    int rc;
    int i;

    for (i = 0; i < SUM_FIELDS; i++)
        v[i] = NULL;
    v[SF_CURRENCY] = code;
    v[SF_KIND] = kind;
    fmt_i64(buf[SF_LINES], s->lines);
    v[SF_LINES] = buf[SF_LINES];
    if (cc != NULL) {
        fmt_i64(buf[SF_AMOUNT], s->amount);
        fmt_i64(buf[SF_PFEE], s->pfee);
        fmt_i64(buf[SF_FFEE], s->ffee);
        fmt_i64(buf[SF_TFEE], s->tfee);
        fmt_i64(buf[SF_NET], s->net);
        for (i = SF_AMOUNT; i <= SF_NET; i++)
            v[i] = buf[i];
    }
    if (cc != NULL && total && (rc = total_fields(w, s, cc, buf, v)) != 0)
        return rc;
    if (cc == NULL || cc->rep[0] != '\0') {
        v[SF_REPORTING] = cc != NULL ? cc->rep : code;
        if (s->converted == s->lines) {
            fmt_i64(buf[SF_NET_REPORTING], s->net_rep);
            v[SF_NET_REPORTING] = buf[SF_NET_REPORTING];
        }
    }
    exp = cc != NULL ? cc->exp : st_currency_find(code, strlen(code))->exponent;
    return st_template_emit(tmpl(w, ST_TMPL_SUMMARY), v, exp,
                            cc != NULL ? cc->rep_exp : exp, &w->csv, w->x,
                            w->err);
}

/* The kind rows and the total row of cc. */
static int
currency_rows(struct st_rows *w, struct st_summary_ccy *cc)
{
    char decimal = tmpl(w, ST_TMPL_SUMMARY)->csv.decimal;
    size_t k;
    int rc;

    /* The rates are text, written with the template's decimal mark. */
    for (k = 0; k < cc->fx.len; k++)
        if (cc->fx.data[k] == '.')
            cc->fx.data[k] = decimal;
    for (k = 0; k < cc->nkinds; k++)
        if ((rc = summary_row(w, cc->code, cc->kinds[k].kind, &cc->kinds[k].s,
                              cc, 0)) != 0)
            return rc;
    return summary_row(w, cc->code, "total", &cc->total, cc, 1);
}

int
st_rows_summary(struct st_rows *w)
{
    const struct st_summary *s = w->sum;
    struct st_sums all;
    const char *rep = NULL;
    int consolidate = s->nccy > 0;
    size_t i;
    int rc;

    memset(&all, 0, sizeof(all));
    if ((rc = begin_output(w, "summary.csv", tmpl(w, ST_TMPL_SUMMARY))) != 0)
        return rc;
    for (i = 0; i < s->nccy; i++) {
        struct st_summary_ccy *cc = &s->ccys[i];

        if ((rc = currency_rows(w, cc)) != 0)
            return rc;
        if (cc->rep[0] == '\0' || cc->total.converted != cc->total.lines ||
            (rep != NULL && strcmp(rep, cc->rep) != 0))
            consolidate = 0;
        rep = cc->rep;
        if ((rc = st_summary_add_i64(s, &all.lines, cc->total.lines, w->err)) !=
                0 ||
            (rc = st_summary_add_i64(s, &all.net_rep, cc->total.net_rep,
                                     w->err)) != 0)
            return rc;
    }
    if (consolidate && rep != NULL) {
        all.converted = all.lines;
        if ((rc = summary_row(w, rep, "consolidated", &all, NULL, 1)) != 0)
            return rc;
    }
    return end_output(w);
}

/* ---------------------------------------------------------------- lines */

static int
check_tie(struct st_rows *w, const struct st_summary_ccy *cc)
{
    const struct st_sums *a = &cc->streamed;
    const struct st_sums *b = &cc->total;

    if (a->lines != b->lines || a->amount != b->amount || a->pfee != b->pfee ||
        a->ffee != b->ffee || a->tfee != b->tfee || a->net != b->net)
        return st_err_set(w->err, ST_ERR_INTERNAL,
                          "the %s lines do not sum to their Summary row "
                          "(%lld lines, want %lld)",
                          cc->code, (long long)a->lines, (long long)b->lines);
    return 0;
}

static int
end_currency(struct st_rows *w)
{
    int rc;

    if (w->cur == NULL)
        return 0;
    if ((rc = end_output(w)) != 0)
        return rc;
    rc = check_tie(w, w->cur);
    w->cur = NULL;
    return rc;
}

static int
begin_currency(struct st_rows *w, const char *code)
{
    const struct st_template *t = tmpl(w, ST_TMPL_STATEMENT);
    char name[ST_PUBLISH_NAME_MAX];
    int rc;
    int n;

    if ((rc = end_currency(w)) != 0)
        return rc;
    w->cur = st_summary_find(w->sum, code);
    if (w->cur == NULL || w->cur->streamed.lines != 0)
        return st_err_set(w->err, ST_ERR_INTERNAL,
                          "lines of '%.8s' out of order or not in the "
                          "summary",
                          code);
    n = snprintf(name, sizeof(name), "statement-%s.csv", w->cur->code);
    if (n < 0 || (size_t)n >= sizeof(name))
        return st_err_set(w->err, ST_ERR_INTERNAL, "file name");
    if ((rc = st_rows_open_csv(w, name, t)) != 0)
        return rc;
    return st_xlsx_sheet_begin(w->x, w->cur->code, t->xcols, t->ncols, w->err);
}

/* The decimals of a line's reporting currency, -1 when none. */
static int
reporting_exp(struct st_rows *w, const char *rep)
{
    const struct st_currency *cur;

    if (rep == NULL)
        return -1;
    if (strcmp(rep, w->rep_cache) == 0)
        return w->rep_cache_exp;
    cur = st_currency_find(rep, strlen(rep));
    if (cur == NULL)
        return -1;
    memcpy(w->rep_cache, cur->code, 4);
    w->rep_cache_exp = cur->exponent;
    return cur->exponent;
}

/* Adds the amounts of a line to its currency's streamed sums. */
static int
add_line(struct st_rows *w, const PGresult *res, const int *cols)
{
    struct st_sums s;
    int64_t *dst[5];
    int rc;
    int i;

    memset(&s, 0, sizeof(s));
    s.lines = 1;
    dst[0] = &s.amount;
    dst[1] = &s.pfee;
    dst[2] = &s.ffee;
    dst[3] = &s.tfee;
    dst[4] = &s.net;
    for (i = 0; i < 5; i++)
        if ((rc = st_db_i64(res, 0, cols[LINE_COL_AMOUNT + i], LINES_QUERY,
                            dst[i], w->err)) != 0)
            return rc;
    return st_summary_add(w->sum, &w->cur->streamed, &s, w->err);
}

static int
line_row(void *arg, const PGresult *res, struct st_err *err)
{
    struct st_rows *w = arg;
    const int *cols = w->line_cols;
    const char *v[LINE_FIELDS];
    int rc;
    int i;

    if (!w->have_line_cols) {
        if ((rc = st_template_columns(ST_TMPL_STATEMENT, res, w->line_cols,
                                      LINES_QUERY, err)) != 0)
            return rc;
        w->have_line_cols = 1;
    }
    for (i = 0; i < LINE_FIELDS; i++)
        v[i] =
            PQgetisnull(res, 0, cols[i]) ? NULL : st_db_text(res, 0, cols[i]);
    if (w->cur == NULL || strcmp(v[LINE_COL_CURRENCY], w->cur->code) != 0)
        if ((rc = begin_currency(w, v[LINE_COL_CURRENCY])) != 0)
            return rc;
    rc = st_template_emit(
        tmpl(w, ST_TMPL_STATEMENT), v, row_exp(res, cols[LINE_FIELDS]),
        reporting_exp(w, v[LINE_COL_REPORTING]), &w->csv, w->x, err);
    if (rc != 0) {
        st_err_prefix(err, "line %s:%s",
                      v[LINE_COL_SHA256] ? v[LINE_COL_SHA256] : "",
                      v[LINE_COL_SOURCE] ? v[LINE_COL_SOURCE] : "");
        return rc;
    }
    if ((rc = add_line(w, res, cols)) != 0)
        return rc;
    w->lines++;
    if ((w->lines & 0xffff) == 0 || w->lines == w->sum->total_lines)
        st_log_progress(w->log, "report", w->lines, w->sum->total_lines,
                        "lines");
    return 0;
}

/*
 * The statement lines, a currency sheet at a time. The primary key of
 * settle.settlement_line is in the statements' order (migration 006), so
 * PostgreSQL can hand over the first line at once and the rest as fast as
 * they are written, each line's results fetched by index beside it. Left
 * to itself it would rather join everything by hash and sort it whole,
 * cheaper in total but idle for us until the last line is sorted (a
 * second a date at 143,000 lines): sorting is off for this one query.
 */
int
st_rows_lines(struct st_rows *w, const char *const *params)
{
    size_t i;
    int rc;

    if ((rc = st_db_exec(w->db, "SET LOCAL enable_sort = off", w->err)) != 0 ||
        (rc = st_db_stream(w->db, LINES_QUERY, 2, params, LINE_FIELDS + 1,
                           line_row, w, w->err)) != 0 ||
        (rc = st_db_exec(w->db, "SET LOCAL enable_sort = on", w->err)) != 0 ||
        (rc = end_currency(w)) != 0)
        return rc;
    for (i = 0; i < w->sum->nccy; i++)
        if ((rc = check_tie(w, &w->sum->ccys[i])) != 0)
            return rc;
    return 0;
}

/* ---------------------------------------------------------------- others */

/*
 * A listing: one query whose columns are one template's fields in order
 * (found by name on the first row), then minor_units, each row written as
 * it comes and counted.
 */
struct listing {
    struct st_rows *w;
    enum st_template_kind kind;
    const char *query;
    int cols[ST_TEMPLATE_FIELDS_MAX + 1];
    int have_cols;
    int rep_field; /* the reporting_currency field, -1 when none */
    uint64_t rows;
};

static int
listing_row(void *arg, const PGresult *res, struct st_err *err)
{
    struct listing *l = arg;
    const char *v[ST_TEMPLATE_FIELDS_MAX];
    size_t n;
    size_t i;
    int rc;

    (void)st_template_fields(l->kind, &n);
    if (!l->have_cols) {
        if ((rc = st_template_columns(l->kind, res, l->cols, l->query, err)) !=
            0)
            return rc;
        l->have_cols = 1;
    }
    for (i = 0; i < n; i++)
        v[i] = st_db_text_or_null(res, 0, l->cols[i]);
    l->rows++;
    return st_template_emit(
        tmpl(l->w, l->kind), v, row_exp(res, l->cols[n]),
        l->rep_field >= 0 ? reporting_exp(l->w, v[l->rep_field]) : -1,
        &l->w->csv, l->w->x, err);
}

/* The index of kind's reporting_currency field, -1 when it has none. */
static int
reporting_field(enum st_template_kind kind)
{
    size_t n;
    const struct st_template_field *f = st_template_fields(kind, &n);
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(f[i].name, "reporting_currency") == 0)
            return (int)i;
    return -1;
}

/*
 * The sheet and CSV file name of kind, from query and its nparams params;
 * *count its rows.
 */
static int
write_listing(struct st_rows *w, enum st_template_kind kind, const char *name,
              const char *query, int nparams, const char *const *params,
              uint64_t *count)
{
    struct listing l;
    size_t n;
    int rc;

    memset(&l, 0, sizeof(l));
    l.w = w;
    l.kind = kind;
    l.query = query;
    l.rep_field = reporting_field(kind);
    (void)st_template_fields(kind, &n);
    if ((rc = begin_output(w, name, tmpl(w, kind))) != 0 ||
        (rc = st_db_stream(w->db, query, nparams, params, (int)n + 1,
                           listing_row, &l, w->err)) != 0)
        return rc;
    *count = l.rows;
    return end_output(w);
}

int
st_rows_exceptions(struct st_rows *w, const char *const *range)
{
    return write_listing(w, ST_TMPL_EXCEPTIONS, "exceptions.csv", EXC_QUERY, 3,
                         range, &w->exceptions);
}

int
st_rows_open_items(struct st_rows *w, const char *const *params)
{
    return write_listing(w, ST_TMPL_OPEN_ITEMS, "open-items.csv", OPEN_QUERY, 2,
                         params, &w->open_items);
}

int
st_rows_settlements(struct st_rows *w, const char *const *range)
{
    return write_listing(w, ST_TMPL_SETTLEMENTS, "settlements.csv",
                         SETTLEMENTS_QUERY, 3, range, &w->settlements);
}

int
st_rows_days(struct st_rows *w, const char *const *range)
{
    uint64_t n = 0;

    return write_listing(w, ST_TMPL_DAYS, "days.csv", DAYS_QUERY, 3, range, &n);
}

int
st_rows_period_exceptions(struct st_rows *w, const char *const *range)
{
    return write_listing(w, ST_TMPL_PERIOD_EXCEPTIONS, "exceptions.csv",
                         EXC_QUERY, 3, range, &w->exceptions);
}

int
st_rows_disputes(struct st_rows *w, const struct st_dispute_query *q,
                 struct st_dispute_counts *counts)
{
    const struct st_template *t = tmpl(w, ST_TMPL_DISPUTES);
    int rc;

    if ((rc = begin_output(w, "disputes.csv", t)) != 0 ||
        (rc = st_dispute_worklist(w->db, q, t, &w->csv, w->x, counts,
                                  w->err)) != 0)
        return rc;
    return end_output(w);
}

void
st_rows_release(struct st_rows *w)
{
    if (w != NULL && w->csv.fp != NULL)
        (void)st_csvout_close(&w->csv, NULL); /* after an error: abandoned */
}
