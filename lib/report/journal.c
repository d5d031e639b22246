/*
 * journal.c: the journal (report/journal.h): one journal per row of
 * select_journal_parts.sql, its entries built from the part's sums and
 * the account map, converted, checked and written.
 */
#include <stdio.h>
#include <string.h>

#include "core/currency.h"
#include "core/date.h"
#include "core/money.h"
#include "io/dbvalue.h"
#include "fx/fx.h"
#include "fx/rates.h"
#include "report/journal.h"
#include "core/banned.h"

#define QUERY "queries/select_journal_parts.sql"

/* The columns of QUERY, the sums first in the order of sums[] below. */
enum {
    C_SALES,
    C_REFUNDS,
    C_CHARGEBACKS,
    C_RESERVE_RELEASED,
    C_RESERVE_HELD,
    C_ADJUSTMENTS,
    C_DEBT,
    C_CARRYOVER,
    C_OTHER,
    C_FEE_SALES,
    C_FEE_REFUNDS,
    C_FEE_CHARGEBACKS,
    C_FEE_OTHER,
    C_SUMS, /* the transfer and the net are not posted by category */
    C_TRANSFER = C_SUMS,
    C_NET,
    C_ID,
    C_CURRENCY,
    C_BUSINESS_DATE,
    C_PART_DATE,
    C_MONTH,
    C_PARTS,
    C_PART_NO,
    C_TIES,
    NCOL
};

static const char *const cols[NCOL] = {
    "sales",        "refunds",       "chargebacks", "reserve_released",
    "reserve_held", "adjustments",   "debt",        "carryover",
    "other",        "fee_sales",     "fee_refunds", "fee_chargebacks",
    "fee_other",    "transfer",      "net",         "settlement_id",
    "currency",     "business_date", "part_date",   "month",
    "parts",        "part_no",       "ties",
};

/* The account and the words of each category's entry. */
static const struct {
    enum st_account account;
    const char *label;
} sums[C_SUMS] = {
    {ST_ACC_SALES, "Sales"},
    {ST_ACC_REFUNDS, "Refunds"},
    {ST_ACC_CHARGEBACKS, "Chargebacks and claims"},
    {ST_ACC_RESERVE, "Reserve released"},
    {ST_ACC_RESERVE, "Reserve held"},
    {ST_ACC_ADJUSTMENTS, "Adjustments"},
    {ST_ACC_DEBT, "Debt"},
    {ST_ACC_CARRYOVER, "Carried over"},
    {ST_ACC_OTHER, "Other"},
    {ST_ACC_FEE_SALES, "Fees on sales"},
    {ST_ACC_FEE_REFUNDS, "Fees on refunds"},
    {ST_ACC_FEE_CHARGEBACKS, "Fees on chargebacks and claims"},
    {ST_ACC_FEE_OTHER, "Other fees"},
};

/* Categories, the activity, the payout's two sides, the rounding. */
#define MAX_ENTRIES (C_SUMS + 4)

struct entry {
    enum st_account account;
    const char *label;
    int64_t amount; /* minor units of the currency; debit > 0 */
    int64_t rep;    /* minor units of the reporting currency */
};

struct journal {
    const char *id;
    const char *business_date;
    const char *date;
    const struct st_currency *ccy;
    char no[64];
    char narration[160];
    char part[32];
    struct st_fx_rate rate;
    char fx_date[ST_DATE_LEN + 1];
    struct entry e[MAX_ENTRIES];
    size_t n;
};

struct ctx {
    struct st_rows *w;
    const struct st_template *t;
    const struct st_journal_opts *jo;
    const struct st_currency *rep; /* NULL: no reporting currency */
    struct st_fx *fx;
    const PGresult *res;
    int c[NCOL];
    size_t file_lines; /* lines in the open file */
    int files;         /* files opened: journal.csv, journal-2.csv, ... */
};

static void
add(struct journal *j, enum st_account account, const char *label,
    int64_t amount)
{
    j->e[j->n].account = account;
    j->e[j->n].label = label;
    j->e[j->n].amount = amount;
    j->e[j->n].rep = 0;
    j->n++;
}

/*
 * The entries of row r: each category against clearing (one entry for
 * the activity), then the payout. A category mapped to the clearing
 * account itself (carryover, by default) moves nothing and is left out.
 * The categories and the transfer must add up to the part's net.
 */
static int
build(struct ctx *x, int r, struct journal *j)
{
    const char *clearing = st_template_account(x->t, ST_ACC_CLEARING).code;
    int64_t v[C_SUMS + 2];
    int64_t activity = 0;
    int64_t total = 0;
    int rc;
    int k;

    for (k = 0; k < C_SUMS + 2; k++)
        if ((rc = st_db_i64(x->res, r, x->c[k], QUERY, &v[k], x->w->err)) != 0)
            return rc;
    for (k = 0; k < C_SUMS; k++) {
        if (st_money_add(total, v[k], &total) != 0)
            return st_err_set(x->w->err, ST_ERR_OVERFLOW, "sum passes 64 bits");
        if (v[k] == 0 || strcmp(st_template_account(x->t, sums[k].account).code,
                                clearing) == 0)
            continue;
        if (st_money_add(activity, v[k], &activity) != 0)
            return st_err_set(x->w->err, ST_ERR_OVERFLOW, "sum passes 64 bits");
        add(j, sums[k].account, sums[k].label, -v[k]);
    }
    if (st_money_add(total, v[C_TRANSFER], &total) != 0 || total != v[C_NET])
        return st_err_set(x->w->err, ST_ERR_INTERNAL,
                          "the journal of settlement %s (%s, %s) does not "
                          "balance: its categories and transfer add up to "
                          "%lld, its lines' net is %lld",
                          j->id, j->ccy->code, j->date, (long long)total,
                          (long long)v[C_NET]);
    if (activity != 0)
        add(j, ST_ACC_CLEARING, "Amazon Pay activity", activity);
    if (v[C_TRANSFER] != 0) {
        add(j, ST_ACC_BANK, "Payout to the bank", -v[C_TRANSFER]);
        add(j, ST_ACC_CLEARING, "Payout from Amazon Pay", v[C_TRANSFER]);
    }
    return 0;
}

/*
 * Converts every entry at the rate of the journal's date and posts what
 * rounding leaves over to fx_rounding, so that both sides balance.
 */
static int
convert(struct ctx *x, struct journal *j)
{
    int32_t day;
    int64_t sum = 0;
    size_t i;
    int rc;

    if (x->rep == NULL)
        return 0;
    if ((rc = st_date_parse(j->date, strlen(j->date), &day, x->w->err)) != 0 ||
        (rc = st_fx_lookup(x->fx, j->ccy->code, x->rep->code, day,
                           x->jo->fx_max_age_days, &j->rate, x->w->err)) != 0) {
        st_err_prefix(x->w->err, "journal of settlement %s", j->id);
        return rc;
    }
    st_date_format(j->rate.date, j->fx_date);
    for (i = 0; i < j->n; i++) {
        if ((rc = st_fx_apply(&j->rate, j->ccy, x->rep, j->e[i].amount,
                              &j->e[i].rep, x->w->err)) != 0)
            return rc;
        if (st_money_add(sum, j->e[i].rep, &sum) != 0)
            return st_err_set(x->w->err, ST_ERR_OVERFLOW, "sum passes 64 bits");
    }
    if (sum != 0) {
        add(j, ST_ACC_FX_ROUNDING, "FX rounding", 0);
        j->e[j->n - 1].rep = -sum;
    }
    return 0;
}

/* Both sides of j add up to zero, else ST_ERR_INTERNAL: never posted. */
static int
check(struct ctx *x, const struct journal *j)
{
    int64_t a = 0;
    int64_t b = 0;
    size_t i;

    for (i = 0; i < j->n; i++)
        if (st_money_add(a, j->e[i].amount, &a) != 0 ||
            st_money_add(b, j->e[i].rep, &b) != 0)
            return st_err_set(x->w->err, ST_ERR_OVERFLOW, "sum passes 64 bits");
    if (a == 0 && b == 0)
        return 0;
    return st_err_set(x->w->err, ST_ERR_INTERNAL,
                      "the journal %s does not balance: debits and credits "
                      "differ by %lld in %s and %lld in the reporting currency",
                      j->no, (long long)a, j->ccy->code, (long long)b);
}

/* Journal fields, in the order of template.c journal_fields. */
enum {
    F_NO,
    F_DATE,
    F_NARRATION,
    F_LINE,
    F_CODE,
    F_NAME,
    F_TAX,
    F_DESCRIPTION,
    F_CURRENCY,
    F_DEBIT,
    F_CREDIT,
    F_AMOUNT,
    F_REPORTING,
    F_FX_RATE,
    F_FX_DATE,
    F_REP_DEBIT,
    F_REP_CREDIT,
    F_REP_AMOUNT,
    F_BOOK,
    F_BOOK_DEBIT,
    F_BOOK_CREDIT,
    F_BOOK_AMOUNT,
    F_SETTLEMENT,
    F_BUSINESS_DATE,
    F_PART,
    NFIELD
};

/* Signed amount v into buf[0] (amount), buf[1] (debit), buf[2] (credit). */
static void
sides(int64_t v, char (*buf)[32], const char **out)
{
    (void)snprintf(buf[0], 32, "%lld", (long long)v);
    (void)snprintf(buf[1], 32, "%lld", (long long)(v > 0 ? v : 0));
    (void)snprintf(buf[2], 32, "%lld", (long long)(v < 0 ? -v : 0));
    out[0] = buf[0];
    out[1] = v > 0 ? buf[1] : NULL;
    out[2] = v < 0 ? buf[2] : NULL;
}

static int
emit_entry(struct ctx *x, const struct journal *j, size_t i)
{
    const struct entry *e = &j->e[i];
    struct st_account_ref a = st_template_account(x->t, e->account);
    const char *v[NFIELD] = {NULL};
    const char *sd[3];
    char own[3][32];
    char rep[3][32];
    char line[24];
    char description[160];
    int book_exp = x->rep != NULL ? x->rep->exponent : j->ccy->exponent;

    (void)snprintf(line, sizeof(line), "%zu", i + 1);
    (void)snprintf(description, sizeof(description), "%s, settlement %s",
                   e->label, j->id);
    v[F_NO] = j->no;
    v[F_DATE] = j->date;
    v[F_NARRATION] = j->narration;
    v[F_LINE] = line;
    v[F_CODE] = a.code;
    v[F_NAME] = a.name;
    v[F_TAX] = a.tax;
    v[F_DESCRIPTION] = description;
    v[F_CURRENCY] = j->ccy->code;
    sides(e->amount, own, sd);
    v[F_AMOUNT] = sd[0];
    v[F_DEBIT] = sd[1];
    v[F_CREDIT] = sd[2];
    v[F_BOOK] = j->ccy->code;
    v[F_BOOK_DEBIT] = v[F_DEBIT];
    v[F_BOOK_CREDIT] = v[F_CREDIT];
    v[F_BOOK_AMOUNT] = v[F_AMOUNT];
    if (x->rep != NULL) {
        v[F_REPORTING] = x->rep->code;
        v[F_FX_RATE] = j->rate.text;
        v[F_FX_DATE] = j->fx_date;
        sides(e->rep, rep, sd);
        v[F_REP_AMOUNT] = v[F_BOOK_AMOUNT] = sd[0];
        v[F_REP_DEBIT] = v[F_BOOK_DEBIT] = sd[1];
        v[F_REP_CREDIT] = v[F_BOOK_CREDIT] = sd[2];
        v[F_BOOK] = x->rep->code;
    }
    v[F_SETTLEMENT] = j->id;
    v[F_BUSINESS_DATE] = j->business_date;
    v[F_PART] = j->part;
    return st_template_emit(x->t, v, j->ccy->exponent, book_exp, &x->w->csv,
                            NULL, x->w->err);
}

/*
 * Opens journal.csv, or journal-N.csv for the Nth file when the template's
 * max_lines has filled the ones before.
 */
static int
open_file(struct ctx *x)
{
    char name[32];
    int rc;

    if (x->files > 0 && (rc = st_csvout_close(&x->w->csv, x->w->err)) != 0)
        return rc;
    x->files++;
    if (x->files == 1)
        (void)snprintf(name, sizeof(name), "journal.csv");
    else
        (void)snprintf(name, sizeof(name), "journal-%d.csv", x->files);
    x->file_lines = 0;
    return st_rows_open_csv(x->w, name, x->t);
}

/* A journal is never cut: one that would pass max_lines starts a file. */
static int
make_room(struct ctx *x, const struct journal *j)
{
    if (x->t->max_lines == 0 || x->file_lines + j->n <= x->t->max_lines)
        return 0;
    if (j->n > x->t->max_lines)
        return st_err_set(x->w->err, ST_ERR_CONFIG,
                          "journal %s has %zu lines, more than the "
                          "template's max_lines %zu",
                          j->no, j->n, x->t->max_lines);
    return open_file(x);
}

/* The journal of row r: named, built, converted, checked, written. */
static int
journal_row(struct ctx *x, int r)
{
    const PGresult *res = x->res;
    const char *code = st_db_text(res, r, x->c[C_CURRENCY]);
    const char *month = st_db_text(res, r, x->c[C_MONTH]);
    struct journal j;
    size_t i;
    int rc;

    memset(&j, 0, sizeof(j));
    j.id = st_db_text(res, r, x->c[C_ID]);
    j.business_date = st_db_text(res, r, x->c[C_BUSINESS_DATE]);
    j.date = st_db_text(res, r, x->c[C_PART_DATE]);
    if (!st_db_bool(res, r, x->c[C_TIES]))
        return st_err_set(x->w->err, ST_ERR_INTERNAL,
                          "the months of settlement %s (%s) do not add up "
                          "to its totals: no journal can be posted",
                          j.id, code);
    if ((j.ccy = st_currency_find(code, strlen(code))) == NULL)
        return st_err_set(x->w->err, ST_ERR_DATA,
                          "settlement %s: unknown currency '%s'", j.id, code);
    /* 41528830227-EUR-2602: unique, and short enough for QuickBooks */
    (void)snprintf(j.no, sizeof(j.no), "%s-%s-%.2s%.2s", j.id, code, month + 2,
                   month + 5);
    (void)snprintf(j.narration, sizeof(j.narration),
                   "Amazon Pay settlement %s %s %s", j.id, code, month);
    (void)snprintf(j.part, sizeof(j.part), "%s of %s",
                   st_db_text(res, r, x->c[C_PART_NO]),
                   st_db_text(res, r, x->c[C_PARTS]));
    if ((rc = build(x, r, &j)) != 0 || (rc = convert(x, &j)) != 0 ||
        (rc = check(x, &j)) != 0 || (rc = make_room(x, &j)) != 0)
        return rc;
    for (i = 0; i < j.n; i++)
        if ((rc = emit_entry(x, &j, i)) != 0)
            return rc;
    x->file_lines += j.n;
    x->w->journals += j.n > 0;
    x->w->journal_lines += j.n;
    return 0;
}

/* The quotes the journals' dates need (their part dates in x->res), as
 * far back as fx_max_age_days. */
static int
load_rates(struct ctx *x)
{
    const char *lo = NULL;
    const char *hi = NULL;
    int32_t from;
    int32_t to;
    int rc;
    int r;

    for (r = 0; r < PQntuples(x->res); r++) {
        const char *d = st_db_text(x->res, r, x->c[C_PART_DATE]);

        if (d[0] == '\0') /* no parts: journal_row refuses it */
            continue;
        if (lo == NULL || strcmp(d, lo) < 0)
            lo = d;
        if (hi == NULL || strcmp(d, hi) > 0)
            hi = d;
    }
    if ((rc = st_fx_new(&x->fx, x->w->err)) != 0 || lo == NULL)
        return rc;
    if ((rc = st_date_parse(lo, strlen(lo), &from, x->w->err)) != 0 ||
        (rc = st_date_parse(hi, strlen(hi), &to, x->w->err)) != 0)
        return rc;
    return st_rates_load(x->w->db, from - x->jo->fx_max_age_days, to, x->fx,
                         x->w->err);
}

int
st_journal_write(struct st_rows *w, const char *const *range,
                 const struct st_journal_opts *jo)
{
    struct ctx x;
    PGresult *res = NULL;
    int rc;
    int r;

    memset(&x, 0, sizeof(x));
    x.w = w;
    x.t = &w->templates->t[ST_TMPL_JOURNAL];
    x.jo = jo;
    if (jo->reporting != NULL && jo->reporting[0] != '\0' &&
        (x.rep = st_currency_find(jo->reporting, strlen(jo->reporting))) ==
            NULL)
        return st_err_set(w->err, ST_ERR_CONFIG,
                          "unknown reporting currency '%s'", jo->reporting);
    if ((rc = st_db_query(w->db, QUERY, 3, range, &res, w->err)) == 0 &&
        (rc = st_db_columns(res, cols, x.c, NCOL, QUERY, w->err)) == 0) {
        x.res = res;
        if (x.rep != NULL)
            rc = load_rates(&x);
    }
    if (rc == 0 && (rc = open_file(&x)) == 0) {
        for (r = 0; rc == 0 && r < PQntuples(res); r++)
            rc = journal_row(&x, r);
        if (rc == 0)
            rc = st_csvout_close(&w->csv, w->err);
    }
    PQclear(res);
    st_fx_free(x.fx);
    return rc;
}
