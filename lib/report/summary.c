/*
 * summary.c: the cutoff, the sums per (currency, kind) and the rates of a
 * date, read before the report writes anything.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/currency.h"
#include "core/money.h"
#include "core/num.h"
#include "io/dbvalue.h"
#include "report/summary.h"
#include "core/banned.h"

#define RUN_QUERY            "queries/select_statement_run.sql"
#define SUMMARY_QUERY        "queries/select_statement_summary.sql"
#define FX_QUERY             "queries/select_statement_fx.sql"
#define PERIOD_SUMMARY_QUERY "queries/select_period_summary.sql"
#define PERIOD_FX_QUERY      "queries/select_period_fx.sql"

/* What a summary is read from: a date's lines, or a period's line sums. */
struct source {
    const char *sums;
    const char *fx;
    int nparams;
};
static const struct source date_source = {SUMMARY_QUERY, FX_QUERY, 2};
static const struct source period_source = {PERIOD_SUMMARY_QUERY,
                                            PERIOD_FX_QUERY, 3};

/* The columns of select_statement_summary.sql. */
enum {
    SC_CURRENCY,
    SC_KIND,
    SC_REPORTING,
    SC_MINOR_SEEN,
    SC_REPORTING_SEEN,
    SC_LINES, /* the sums, in the order of struct st_sums */
    SC_AMOUNT,
    SC_PFEE,
    SC_FFEE,
    SC_TFEE,
    SC_NET,
    SC_NET_REP,
    SC_CONVERTED,
    SC_COUNT
};
static const char *const summary_cols[SC_COUNT] = {
    "currency",
    "kind",
    "reporting_currency",
    "minor_units_seen",
    "reporting_currencies_seen",
    "lines",
    "amount",
    "percentage_fee",
    "fixed_fee",
    "total_fee",
    "net",
    "net_reporting",
    "converted",
};
#define NSUMS (SC_COUNT - SC_LINES)

struct st_summary_ccy *
st_summary_find(struct st_summary *s, const char *code)
{
    size_t i;

    for (i = 0; i < s->nccy; i++)
        if (strcmp(s->ccys[i].code, code) == 0)
            return &s->ccys[i];
    return NULL;
}

int
st_summary_add_i64(const struct st_summary *s, int64_t *acc, int64_t v,
                   struct st_err *err)
{
    if (st_money_add(*acc, v, acc) != 0)
        return st_err_set(err, ST_ERR_OVERFLOW, "a total of %s passes 64 bits",
                          s->date);
    return 0;
}

int
st_summary_add(const struct st_summary *s, struct st_sums *acc,
               const struct st_sums *v, struct st_err *err)
{
    int rc = st_summary_add_i64(s, &acc->lines, v->lines, err);

    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->amount, v->amount, err);
    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->pfee, v->pfee, err);
    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->ffee, v->ffee, err);
    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->tfee, v->tfee, err);
    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->net, v->net, err);
    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->net_rep, v->net_rep, err);
    if (rc == 0)
        rc = st_summary_add_i64(s, &acc->converted, v->converted, err);
    return rc;
}

/* ---------------------------------------------------------------- run */

static int
load_cutoff(struct st_db *db, const char *const *params, struct st_summary *s,
            struct st_err *err)
{
    static const char *const names[] = {"ledger_cutoff_text", "ledger_cutoff",
                                        "cutoff_moved"};
    PGresult *res = NULL;
    int c[3];
    int rc = st_db_query(db, RUN_QUERY, 2, params, &res, err);

    if (rc == 0)
        rc = st_db_columns(res, names, c, 3, RUN_QUERY, err);
    if (rc == 0 && PQntuples(res) == 1 && !PQgetisnull(res, 0, c[1])) {
        int n1 = snprintf(s->cutoff_text, sizeof(s->cutoff_text), "%s",
                          st_db_text(res, 0, c[0]));
        int n2 = snprintf(s->cutoff_ts, sizeof(s->cutoff_ts), "%s",
                          st_db_text(res, 0, c[1]));

        if (n1 < 0 || (size_t)n1 >= sizeof(s->cutoff_text) || n2 < 0 ||
            (size_t)n2 >= sizeof(s->cutoff_ts))
            rc = st_err_set(err, ST_ERR_INTERNAL, "cutoff text");
        s->have_cutoff = 1;
        s->cutoff_moved = st_db_bool(res, 0, c[2]);
    }
    PQclear(res);
    return rc;
}

/* ---------------------------------------------------------------- sums */

static int
valid_code(const char *s)
{
    return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
           s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

/* Sets the reporting currency of cc from a row's, which must agree. */
static int
set_reporting(struct st_summary_ccy *cc, const char *rep, struct st_err *err)
{
    const struct st_currency *cur;

    if (rep[0] == '\0')
        return 0;
    if (cc->rep[0] != '\0') {
        if (strcmp(rep, cc->rep) != 0)
            return st_err_set(err, ST_ERR_DATA,
                              "lines of %s have two reporting currencies",
                              cc->code);
        return 0;
    }
    cur = st_currency_find(rep, strlen(rep));
    if (cur == NULL)
        return st_err_set(err, ST_ERR_DATA, "unknown reporting currency '%s'",
                          rep);
    memcpy(cc->rep, cur->code, 4);
    cc->rep_exp = cur->exponent;
    return 0;
}

/* The currency of row r: found, or added to s (which has room for it). */
static int
row_currency(struct st_summary *s, const PGresult *res, int r, const int *c,
             struct st_summary_ccy **out, struct st_err *err)
{
    const char *code = st_db_text(res, r, c[SC_CURRENCY]);
    struct st_summary_ccy *cc = st_summary_find(s, code);
    const struct st_currency *cur;
    int64_t minor_seen = 0;
    int64_t rep_seen = 0;
    int rc;

    *out = NULL;
    if (!valid_code(code) || (cur = st_currency_find(code, 3)) == NULL)
        return st_err_set(err, ST_ERR_DATA, "unknown currency '%s'", code);
    if ((rc = st_db_i64(res, r, c[SC_MINOR_SEEN], SUMMARY_QUERY, &minor_seen,
                        err)) != 0 ||
        (rc = st_db_i64(res, r, c[SC_REPORTING_SEEN], SUMMARY_QUERY, &rep_seen,
                        err)) != 0)
        return rc;
    if (minor_seen != 1 || rep_seen > 1)
        return st_err_set(err, ST_ERR_DATA,
                          "lines of %s disagree on minor units or "
                          "reporting currency",
                          code);
    if (cc == NULL) {
        cc = &s->ccys[s->nccy++];
        memcpy(cc->code, code, 4);
        cc->exp = cur->exponent;
        cc->rep_exp = -1;
        st_buf_init(&cc->fx, 1 << 16);
    }
    if ((rc = set_reporting(cc, st_db_text(res, r, c[SC_REPORTING]), err)) != 0)
        return rc;
    *out = cc;
    return 0;
}

/* The sums of row r into *out; NULL is 0 (no line had a net_reporting). */
static int
row_sums(const PGresult *res, int r, const int *c, const char *code,
         const char *kind, struct st_sums *out, struct st_err *err)
{
    int64_t *dst[NSUMS] = {&out->lines,   &out->amount,   &out->pfee,
                           &out->ffee,    &out->tfee,     &out->net,
                           &out->net_rep, &out->converted};
    int i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < NSUMS; i++) {
        int col = c[SC_LINES + i];

        if (PQgetisnull(res, r, col))
            continue;
        if (st_parse_i64(st_db_text(res, r, col), INT64_MIN, INT64_MAX,
                         dst[i]) != 0)
            return st_err_set(err, ST_ERR_OVERFLOW,
                              "a %s %s total passes 64 bits", code, kind);
    }
    return 0;
}

/* Adds row r, one (currency, kind), to s. */
static int
add_row(struct st_summary *s, const PGresult *res, int r, const int *c,
        struct st_err *err)
{
    const char *kind = st_db_text(res, r, c[SC_KIND]);
    struct st_summary_ccy *cc = NULL;
    struct st_summary_kind *kinds;
    struct st_summary_kind *kr;
    struct st_sums v;
    int rc;

    if ((rc = row_currency(s, res, r, c, &cc, err)) != 0)
        return rc;
    if (cc == NULL) /* for the analyser: row_currency sets it on success */
        return st_err_set(err, ST_ERR_INTERNAL, "no currency");
    if (strlen(kind) >= ST_SUMMARY_KIND_MAX)
        return st_err_set(err, ST_ERR_DATA, "kind '%.30s' too long", kind);
    if ((rc = row_sums(res, r, c, cc->code, kind, &v, err)) != 0)
        return rc;
    kinds = st_reallocarray(cc->kinds, cc->nkinds + 1, sizeof(*kinds));
    if (kinds == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    cc->kinds = kinds;
    kr = &cc->kinds[cc->nkinds++];
    memset(kr, 0, sizeof(*kr));
    memcpy(kr->kind, kind, strlen(kind) + 1);
    kr->s = v;
    if ((rc = st_summary_add(s, &cc->total, &kr->s, err)) != 0)
        return rc;
    if (strcmp(kind, "transfer") == 0)
        cc->payouts = kr->s.net;
    else if (strcmp(kind, "reserve") == 0)
        cc->reserve = kr->s.net;
    return 0;
}

static int
load_sums(struct st_db *db, const struct source *src, const char *const *params,
          struct st_summary *s, struct st_err *err)
{
    PGresult *res = NULL;
    int c[SC_COUNT];
    int rc;
    int r;

    rc = st_db_query(db, src->sums, src->nparams, params, &res, err);
    if (rc != 0 || (rc = st_db_columns(res, summary_cols, c, SC_COUNT,
                                       src->sums, err)) != 0)
        goto out;
    s->ccys = st_calloc((size_t)PQntuples(res) + 1, sizeof(*s->ccys));
    if (s->ccys == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (r = 0; r < PQntuples(res); r++)
        if ((rc = add_row(s, res, r, c, err)) != 0)
            goto out;
    rc = 0;
out:
    PQclear(res);
    return rc;
}

/* ---------------------------------------------------------------- rates */

/* Copies rate row r into s->rates and onto its currency's fx text. */
static int
add_rate(struct st_summary *s, const PGresult *res, int r, const int *c,
         struct st_err *err)
{
    struct st_summary_rate *rt = &s->rates[s->nrates];
    struct st_summary_ccy *cc = st_summary_find(s, st_db_text(res, r, c[0]));
    int rc;

    if ((rc = st_db_i64(res, r, c[4], FX_QUERY, &rt->lines, err)) != 0)
        return rc;
    s->nrates++; /* owns what is copied from here on */
    rt->currency = st_strdup(st_db_text(res, r, c[0]));
    rt->reporting = st_strdup(st_db_text(res, r, c[1]));
    rt->date =
        PQgetisnull(res, r, c[2]) ? NULL : st_strdup(st_db_text(res, r, c[2]));
    rt->rate = st_strdup(st_db_text(res, r, c[3]));
    if (rt->currency == NULL || rt->reporting == NULL || rt->rate == NULL ||
        (rt->date == NULL && !PQgetisnull(res, r, c[2])))
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    if (cc == NULL)
        return 0;
    if (cc->fx.len > 0)
        st_buf_addstr(&cc->fx, "; ");
    st_buf_addf(&cc->fx, "%s %s", st_db_text(res, r, c[2]),
                st_db_text(res, r, c[3]));
    if (st_buf_error(&cc->fx) != 0)
        return st_err_set(err, ST_ERR_TOOLONG, "too many exchange rates for %s",
                          cc->code);
    return 0;
}

static int
load_rates(struct st_db *db, const struct source *src,
           const char *const *params, struct st_summary *s, struct st_err *err)
{
    static const char *const names[] = {"currency", "reporting_currency",
                                        "fx_date", "fx_rate", "lines"};
    PGresult *res = NULL;
    int c[5];
    int rc;
    int r;

    rc = st_db_query(db, src->fx, src->nparams, params, &res, err);
    if (rc != 0 || (rc = st_db_columns(res, names, c, 5, src->fx, err)) != 0)
        goto out;
    s->rates = st_calloc((size_t)PQntuples(res) + 1, sizeof(*s->rates));
    if (s->rates == NULL) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (r = 0; r < PQntuples(res); r++)
        if ((rc = add_rate(s, res, r, c, err)) != 0)
            goto out;
    rc = 0;
out:
    PQclear(res);
    return rc;
}

/* ---------------------------------------------------------------- all */

/* The cutoff of params[0] on cutoff_date, then the sums and rates of src. */
static int
load(struct st_db *db, const struct source *src, const char *const *params,
     const char *cutoff_date, struct st_summary *s, struct st_err *err)
{
    const char *run_params[2];
    size_t len = strlen(cutoff_date);
    size_t i;
    int rc;

    if (len > ST_DATE_LEN)
        return st_err_set(err, ST_ERR_INTERNAL, "date '%.20s'", cutoff_date);
    memcpy(s->date, cutoff_date, len + 1);
    run_params[0] = params[0];
    run_params[1] = s->date;
    if ((rc = load_cutoff(db, run_params, s, err)) != 0 ||
        (rc = load_sums(db, src, params, s, err)) != 0 ||
        (rc = load_rates(db, src, params, s, err)) != 0)
        return rc;
    for (i = 0; i < s->nccy; i++)
        s->total_lines += (uint64_t)s->ccys[i].total.lines;
    return 0;
}

int
st_summary_load(struct st_db *db, const char *seller_id, const char *date,
                struct st_summary *s, struct st_err *err)
{
    const char *params[2] = {seller_id, date};

    memset(s, 0, sizeof(*s));
    return load(db, &date_source, params, date, s, err);
}

int
st_summary_load_period(struct st_db *db, const char *seller_id,
                       const char *from, const char *to, struct st_summary *s,
                       struct st_err *err)
{
    const char *params[3] = {seller_id, from, to};

    memset(s, 0, sizeof(*s));
    return load(db, &period_source, params, to, s, err);
}

void
st_summary_release(struct st_summary *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nccy; i++) {
        st_free(s->ccys[i].kinds);
        st_buf_release(&s->ccys[i].fx);
    }
    st_free(s->ccys);
    for (i = 0; i < s->nrates; i++) {
        st_free(s->rates[i].currency);
        st_free(s->rates[i].reporting);
        st_free(s->rates[i].date);
        st_free(s->rates[i].rate);
    }
    st_free(s->rates);
    memset(s, 0, sizeof(*s));
}
