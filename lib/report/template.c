/*
 * template.c: the field tables of the five outputs, the template parser and
 * the row writer that turns a row of values into CSV and XLSX cells.
 *
 * The field tables are the contract with sql/queries/select_statement_*.sql
 * and select_dispute_worklist.sql: each field is a column of the query of
 * the same name, found by st_template_columns (the summary's values are
 * computed in lib/report/rows.c, in the order of summary_fields).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/num.h"
#include "io/dbvalue.h"
#include "report/template.h"
#include "core/banned.h"

#define MAX_TEMPLATE_BYTES (1 << 20)
#define MAX_HEADER         200

static const struct st_template_field statement_fields[] = {
    {"posted_at", ST_TYPE_DATETIME},
    {"kind", ST_TYPE_TEXT},
    {"provider_type", ST_TYPE_TEXT},
    {"status", ST_TYPE_TEXT},
    {"amazon_transaction_id", ST_TYPE_TEXT},
    {"seller_reference_id", ST_TYPE_TEXT},
    {"amazon_order_reference_id", ST_TYPE_TEXT},
    {"seller_order_id", ST_TYPE_TEXT},
    {"store_name", ST_TYPE_TEXT},
    {"description", ST_TYPE_TEXT},
    {"currency", ST_TYPE_TEXT},
    {"amount", ST_TYPE_AMOUNT},
    {"percentage_fee", ST_TYPE_AMOUNT},
    {"fixed_fee", ST_TYPE_AMOUNT},
    {"total_fee", ST_TYPE_AMOUNT},
    {"net", ST_TYPE_AMOUNT},
    {"reporting_currency", ST_TYPE_TEXT},
    {"fx_rate", ST_TYPE_RATE},
    {"fx_date", ST_TYPE_DATE},
    {"net_reporting", ST_TYPE_AMOUNT_REPORTING},
    {"ledger_entry_id", ST_TYPE_TEXT},
    {"ledger_amount", ST_TYPE_AMOUNT},
    {"ledger_fee", ST_TYPE_AMOUNT},
    {"match_rule", ST_TYPE_TEXT},
    {"reason", ST_TYPE_TEXT},
    {"settlement_id", ST_TYPE_TEXT},
    {"settlement_start", ST_TYPE_DATETIME},
    {"settlement_end", ST_TYPE_DATETIME},
    {"source_sha256", ST_TYPE_TEXT},
    {"source_line", ST_TYPE_INT},
};

static const struct st_template_field summary_fields[] = {
    {"currency", ST_TYPE_TEXT},
    {"kind", ST_TYPE_TEXT},
    {"lines", ST_TYPE_INT},
    {"amount", ST_TYPE_AMOUNT},
    {"percentage_fee", ST_TYPE_AMOUNT},
    {"fixed_fee", ST_TYPE_AMOUNT},
    {"total_fee", ST_TYPE_AMOUNT},
    {"net", ST_TYPE_AMOUNT},
    {"payouts", ST_TYPE_AMOUNT},
    {"reserve", ST_TYPE_AMOUNT},
    {"activity_net", ST_TYPE_AMOUNT},
    {"reporting_currency", ST_TYPE_TEXT},
    {"net_reporting", ST_TYPE_AMOUNT_REPORTING},
    {"fx_rates", ST_TYPE_TEXT},
};

static const struct st_template_field exceptions_fields[] = {
    {"status", ST_TYPE_TEXT},
    {"reason", ST_TYPE_TEXT},
    {"kind", ST_TYPE_TEXT},
    {"currency", ST_TYPE_TEXT},
    {"posted_at", ST_TYPE_DATETIME},
    {"amazon_transaction_id", ST_TYPE_TEXT},
    {"reference", ST_TYPE_TEXT},
    {"ledger_entry_id", ST_TYPE_TEXT},
    {"settlement_amount", ST_TYPE_AMOUNT},
    {"settlement_fee", ST_TYPE_AMOUNT},
    {"ledger_amount", ST_TYPE_AMOUNT},
    {"ledger_fee", ST_TYPE_AMOUNT},
    {"difference", ST_TYPE_AMOUNT},
    {"match_rule", ST_TYPE_TEXT},
    {"source_sha256", ST_TYPE_TEXT},
    {"source_line", ST_TYPE_INT},
    {"business_date", ST_TYPE_DATE}, /* the date that found it */
    {"age_days", ST_TYPE_INT},       /* from then to the last date */
};

static const struct st_template_field open_items_fields[] = {
    {"status", ST_TYPE_TEXT},
    {"reason", ST_TYPE_TEXT},
    {"kind", ST_TYPE_TEXT},
    {"currency", ST_TYPE_TEXT},
    {"ledger_entry_id", ST_TYPE_TEXT},
    {"reference", ST_TYPE_TEXT},
    {"amount", ST_TYPE_AMOUNT},
    {"booked_at", ST_TYPE_DATETIME},
    {"age_days", ST_TYPE_INT},
    {"due_date", ST_TYPE_DATE},
    {"days_left", ST_TYPE_INT},
    {"amazon_transaction_id", ST_TYPE_TEXT},
    {"source_sha256", ST_TYPE_TEXT},
    {"source_line", ST_TYPE_INT},
};

static const struct st_template_field settlements_fields[] = {
    {"settlement_id", ST_TYPE_TEXT},
    {"currency", ST_TYPE_TEXT},
    {"settlement_start", ST_TYPE_DATETIME},
    {"settlement_end", ST_TYPE_DATETIME},
    {"lines", ST_TYPE_INT},
    {"opening", ST_TYPE_AMOUNT},
    {"opening_from", ST_TYPE_TEXT},
    {"sales", ST_TYPE_AMOUNT},
    {"refunds", ST_TYPE_AMOUNT},
    {"fees", ST_TYPE_AMOUNT},
    {"chargebacks", ST_TYPE_AMOUNT},
    {"reserve_released", ST_TYPE_AMOUNT},
    {"reserve_held", ST_TYPE_AMOUNT},
    {"adjustments", ST_TYPE_AMOUNT},
    {"debt", ST_TYPE_AMOUNT},
    {"carryover", ST_TYPE_AMOUNT},
    {"other", ST_TYPE_AMOUNT},
    {"activity", ST_TYPE_AMOUNT},
    {"transfer", ST_TYPE_AMOUNT},
    {"closing", ST_TYPE_AMOUNT},
    {"check", ST_TYPE_AMOUNT},
    {"left_after_payout", ST_TYPE_AMOUNT},
    {"tie_out", ST_TYPE_TEXT},
    {"payout_status", ST_TYPE_TEXT},
    {"payout_entry", ST_TYPE_TEXT},
    {"bank_reference", ST_TYPE_TEXT},
    {"disbursed", ST_TYPE_AMOUNT},
};

static const struct st_template_field days_fields[] = {
    {"business_date", ST_TYPE_DATE},
    {"currency", ST_TYPE_TEXT},
    {"lines", ST_TYPE_INT},
    {"amount", ST_TYPE_AMOUNT},
    {"total_fee", ST_TYPE_AMOUNT},
    {"net", ST_TYPE_AMOUNT},
    {"payouts", ST_TYPE_AMOUNT},
    {"reserve", ST_TYPE_AMOUNT},
    {"reserve_balance", ST_TYPE_AMOUNT},
    {"reporting_currency", ST_TYPE_TEXT},
    {"net_reporting", ST_TYPE_AMOUNT_REPORTING},
    {"exceptions", ST_TYPE_INT},
    {"settlements", ST_TYPE_INT},
};

static const struct st_template_field disputes_fields[] = {
    {"case_id", ST_TYPE_TEXT},
    {"kind", ST_TYPE_TEXT},
    {"capture_id", ST_TYPE_TEXT},
    {"order_reference", ST_TYPE_TEXT},
    {"opened_at", ST_TYPE_DATETIME},
    {"respond_by", ST_TYPE_DATE},
    {"respond_by_estimated", ST_TYPE_TEXT},
    {"days_left", ST_TYPE_INT},
    {"amount", ST_TYPE_AMOUNT},
    {"currency", ST_TYPE_TEXT},
    {"status", ST_TYPE_TEXT},
    {"note", ST_TYPE_TEXT},
    {"amazon_state", ST_TYPE_TEXT},
    {"resolution", ST_TYPE_TEXT},
};

/* Built in C (report/journal.c), not read from a query. */
static const struct st_template_field journal_fields[] = {
    {"journal_no", ST_TYPE_TEXT},
    {"journal_date", ST_TYPE_DATE},
    {"narration", ST_TYPE_TEXT},
    {"line", ST_TYPE_INT},
    {"account_code", ST_TYPE_TEXT},
    {"account_name", ST_TYPE_TEXT},
    {"tax_code", ST_TYPE_TEXT},
    {"description", ST_TYPE_TEXT},
    {"currency", ST_TYPE_TEXT},
    {"debit", ST_TYPE_AMOUNT},
    {"credit", ST_TYPE_AMOUNT},
    {"amount", ST_TYPE_AMOUNT},
    {"reporting_currency", ST_TYPE_TEXT},
    {"fx_rate", ST_TYPE_RATE},
    {"fx_date", ST_TYPE_DATE},
    {"reporting_debit", ST_TYPE_AMOUNT_REPORTING},
    {"reporting_credit", ST_TYPE_AMOUNT_REPORTING},
    {"reporting_amount", ST_TYPE_AMOUNT_REPORTING},
    {"book_currency", ST_TYPE_TEXT},
    {"book_debit", ST_TYPE_AMOUNT_REPORTING},
    {"book_credit", ST_TYPE_AMOUNT_REPORTING},
    {"book_amount", ST_TYPE_AMOUNT_REPORTING},
    {"settlement_id", ST_TYPE_TEXT},
    {"business_date", ST_TYPE_DATE},
    {"part", ST_TYPE_TEXT},
};

/* The keys of journal.tmpl's account lines, in enum st_account order. */
static const char *const account_keys[ST_ACCOUNTS] = {
    "clearing",    "bank",
    "sales",       "refunds",
    "chargebacks", "reserve",
    "adjustments", "debt",
    "carryover",   "other",
    "fees",        "fee_sales",
    "fee_refunds", "fee_chargebacks",
    "fee_other",   "fx_rounding",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *file;
    const char *sheet;
    const struct st_template_field *fields;
    size_t n;
} kinds[ST_TMPL_KINDS] = {
    {"statement.tmpl", NULL, statement_fields, NELEM(statement_fields)},
    {"summary.tmpl", "Summary", summary_fields, NELEM(summary_fields)},
    {"exceptions.tmpl", "Exceptions", exceptions_fields,
     NELEM(exceptions_fields)},
    {"disputes.tmpl", "Disputes", disputes_fields, NELEM(disputes_fields)},
    {"open_items.tmpl", "Open items", open_items_fields,
     NELEM(open_items_fields)},
    {"settlements.tmpl", "Settlements", settlements_fields,
     NELEM(settlements_fields)},
    {"days.tmpl", "Days", days_fields, NELEM(days_fields)},
    {"period_exceptions.tmpl", "Open exceptions", exceptions_fields,
     NELEM(exceptions_fields)},
    {"journal.tmpl", NULL, journal_fields, NELEM(journal_fields)},
};

_Static_assert(NELEM(statement_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(summary_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(exceptions_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(disputes_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(open_items_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(settlements_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(days_fields) <= ST_TEMPLATE_FIELDS_MAX &&
                   NELEM(journal_fields) <= ST_TEMPLATE_FIELDS_MAX,
               "ST_TEMPLATE_FIELDS_MAX");

static const char *const format_names[] = {
    "text", "int", "amount", "amount", "date", "datetime", "rate"};

const struct st_template_field *
st_template_fields(enum st_template_kind kind, size_t *n)
{
    *n = kinds[kind].n;
    return kinds[kind].fields;
}

int
st_template_columns(enum st_template_kind kind, const PGresult *res, int *idx,
                    const char *query, struct st_err *err)
{
    const char *names[ST_TEMPLATE_FIELDS_MAX + 1];
    size_t i;

    for (i = 0; i < kinds[kind].n; i++)
        names[i] = kinds[kind].fields[i].name;
    names[i] = "minor_units";
    return st_db_columns(res, names, idx, kinds[kind].n + 1, query, err);
}

const char *
st_template_file(enum st_template_kind kind)
{
    return kinds[kind].file;
}

void
st_template_release(struct st_template *t)
{
    size_t i;

    if (t == NULL)
        return;
    if (t->xcols != NULL)
        for (i = 0; i < t->ncols; i++)
            st_free((void *)(uintptr_t)t->xcols[i].header);
    st_free(t->xcols);
    st_free(t->cols);
    st_free(t->path);
    st_free(t->sheet);
    for (i = 0; i < ST_ACCOUNTS; i++) {
        st_free(t->accounts[i].code);
        st_free(t->accounts[i].name);
        st_free(t->accounts[i].tax);
    }
    st_free(t->default_tax);
    memset(t, 0, sizeof(*t));
}

/* One line's tokens: [start, end) spans, split at blanks. */
struct line {
    const char *p;
    size_t len;
    long no;
    const char *base; /* start of the line, for columns */
};

static int at(const struct line *ln, const char *where, const char *name,
              struct st_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
at(const struct line *ln, const char *where, const char *name,
   struct st_err *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_err_setv(err, ST_ERR_CONFIG, fmt, ap);
    va_end(ap);
    st_err_at(err, name, ln->no, (long)(where - ln->base) + 1);
    return ST_ERR_CONFIG;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Next token of ln from *pos; returns its length (0 at the end). */
static size_t
token(const struct line *ln, size_t *pos, const char **start)
{
    size_t i = *pos;
    size_t b;

    while (i < ln->len && is_blank(ln->p[i]))
        i++;
    b = i;
    while (i < ln->len && !is_blank(ln->p[i]))
        i++;
    *start = ln->p + b;
    *pos = i;
    return i - b;
}

static int
tok_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Copies the token s (n bytes) into tmp (64 bytes), cut short if need be. */
static void
copy_token(char *tmp, const char *s, size_t n)
{
    size_t k = n < 64 ? n : 63;

    memcpy(tmp, s, k);
    tmp[k] = '\0';
}

/* The column's FIELD: its index into the kind's fields, in *f. */
static int
column_field(const struct st_template *t, const struct line *ln, size_t *pos,
             const char *name, size_t *f, struct st_err *err)
{
    size_t nf = kinds[t->kind].n;
    const struct st_template_field *fields = kinds[t->kind].fields;
    const char *s;
    char tmp[64];
    size_t n = token(ln, pos, &s);

    if (n == 0)
        return at(ln, ln->p + *pos, name, err, "column needs a field");
    for (*f = 0; *f < nf; (*f)++)
        if (tok_is(s, n, fields[*f].name))
            break;
    if (*f == nf || n >= sizeof(tmp)) {
        copy_token(tmp, s, n);
        return at(ln, s, name, err, "unknown field '%s'", tmp);
    }
    return 0;
}

/* The column's FORMAT, which must be field f's type or text, in *fmt. */
static int
column_format(const struct st_template *t, const struct line *ln, size_t *pos,
              const char *name, size_t f, int *fmt, struct st_err *err)
{
    const struct st_template_field *field = &kinds[t->kind].fields[f];
    const char *s;
    char tmp[64];
    size_t n = token(ln, pos, &s);
    size_t i;

    *fmt = -1;
    if (n == 0)
        return at(ln, s, name, err, "column needs a format");
    for (i = 0; i < NELEM(format_names) && *fmt < 0; i++)
        if (tok_is(s, n, format_names[i]))
            *fmt = (int)i;
    if (*fmt == ST_TYPE_AMOUNT && field->type == ST_TYPE_AMOUNT_REPORTING)
        *fmt = ST_TYPE_AMOUNT_REPORTING;
    if (*fmt < 0 || (*fmt != ST_TYPE_TEXT && *fmt != (int)field->type)) {
        copy_token(tmp, s, n);
        st_err_set(err, ST_ERR_CONFIG,
                   "format '%s' does not suit field '%s' (want %s or text)",
                   tmp, field->name, format_names[field->type]);
        st_err_at(err, name, ln->no, (long)(s - ln->base) + 1);
        return ST_ERR_CONFIG;
    }
    return 0;
}

/* The column's WIDTH, 1..255, in *width. */
static int
column_width(const struct line *ln, size_t *pos, const char *name,
             unsigned *width, struct st_err *err)
{
    const char *s;
    char tmp[64];
    size_t n = token(ln, pos, &s);
    size_t i;

    *width = 0;
    for (i = 0; i < n && i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            break;
        *width = *width * 10 + (unsigned)(s[i] - '0');
    }
    if (n == 0 || i != n || *width < 1 || *width > 255) {
        copy_token(tmp, s, n);
        return at(ln, s, name, err, "width '%s' must be a number 1..255", tmp);
    }
    return 0;
}

/* The column's HEADER TEXT, the rest of the line, trimmed: *hpos, *hlen. */
static int
column_header(const struct st_template *t, const struct line *ln, size_t pos,
              const char *name, size_t *hpos, size_t *hlen, struct st_err *err)
{
    size_t n;
    size_t i;

    while (pos < ln->len && is_blank(ln->p[pos]))
        pos++;
    n = ln->len - pos;
    while (n > 0 && is_blank(ln->p[pos + n - 1]))
        n--;
    if (n == 0)
        return at(ln, ln->p + pos, name, err,
                  "column needs a header text after the width");
    if (n > MAX_HEADER)
        return at(ln, ln->p + pos, name, err, "header text too long");
    if (t->ncols >= ST_XLSX_MAX_COLS)
        return at(ln, ln->base, name, err, "too many columns");
    for (i = 0; i < n; i++)
        if ((unsigned char)ln->p[pos + i] < 0x20 && ln->p[pos + i] != '\t')
            return at(ln, ln->p + pos + i, name, err,
                      "control character in header text");
    *hpos = pos;
    *hlen = n;
    return 0;
}

static int
add_column(struct st_template *t, const struct line *ln, size_t pos,
           const char *name, struct st_err *err)
{
    size_t f = 0;
    int fmt = -1;
    unsigned width = 0;
    size_t hpos = 0;
    size_t hlen = 0;
    struct st_template_col *cols;
    struct st_xlsx_col *xcols;
    char *header;
    int rc;

    if ((rc = column_field(t, ln, &pos, name, &f, err)) != 0 ||
        (rc = column_format(t, ln, &pos, name, f, &fmt, err)) != 0 ||
        (rc = column_width(ln, &pos, name, &width, err)) != 0 ||
        (rc = column_header(t, ln, pos, name, &hpos, &hlen, err)) != 0)
        return rc;
    cols = st_reallocarray(t->cols, t->ncols + 1, sizeof(*cols));
    if (cols == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    t->cols = cols;
    xcols = st_reallocarray(t->xcols, t->ncols + 1, sizeof(*xcols));
    if (xcols == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    t->xcols = xcols;
    header = st_memdup(ln->p + hpos, hlen);
    if (header == NULL)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    t->cols[t->ncols].field = f;
    t->cols[t->ncols].format = (enum st_template_type)fmt;
    t->xcols[t->ncols].header = header;
    t->xcols[t->ncols].width = width;
    t->ncols++;
    return 0;
}

static int
bad_sheet_name(const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strchr("[]:*?/\\", v[i]) != NULL || (unsigned char)v[i] < 0x20)
            return 1;
    return 0;
}

/* The rest of the line from pos, trimmed, into *v and *vn. */
static void
rest_of_line(const struct line *ln, size_t pos, const char **v, size_t *vn)
{
    while (pos < ln->len && is_blank(ln->p[pos]))
        pos++;
    *v = ln->p + pos;
    *vn = ln->len - pos;
    while (*vn > 0 && is_blank((*v)[*vn - 1]))
        (*vn)--;
}

/* The account key at s (n bytes), or -1; "default" is ST_ACCOUNTS. */
static int
account_key(const char *s, size_t n, int allow_default)
{
    int k;

    for (k = 0; k < ST_ACCOUNTS; k++)
        if (tok_is(s, n, account_keys[k]))
            return k;
    return allow_default && tok_is(s, n, "default") ? ST_ACCOUNTS : -1;
}

/* "account KEY CODE [NAME]" or "tax KEY TEXT" of journal.tmpl. */
static int
map_line(struct st_template *t, const struct line *ln, size_t pos,
         const char *name, int is_tax, struct st_err *err)
{
    const char *s;
    const char *v;
    size_t n = token(ln, &pos, &s);
    size_t vn;
    char **slot;
    int k;

    if (t->kind != ST_TMPL_JOURNAL)
        return at(ln, ln->p, name, err, "only journal.tmpl has %s lines",
                  is_tax ? "tax" : "account");
    if ((k = account_key(s, n, is_tax)) < 0)
        return at(ln, s, name, err,
                  "unknown account '%.*s' (README: The "
                  "journal)",
                  (int)(n < 32 ? n : 32), s);
    if (!is_tax) {
        n = token(ln, &pos, &s);
        if (n == 0)
            return at(ln, s, name, err, "account needs a code");
        if (t->accounts[k].code != NULL)
            return at(ln, ln->p, name, err, "account '%s' given twice",
                      account_keys[k]);
        rest_of_line(ln, pos, &v, &vn);
        if (vn == 0) {
            v = s;
            vn = n;
        }
        t->accounts[k].code = st_memdup(s, n);
        t->accounts[k].name = st_memdup(v, vn);
        return t->accounts[k].code == NULL || t->accounts[k].name == NULL
                   ? st_err_set(err, ST_ERR_NOMEM, "out of memory")
                   : 0;
    }
    rest_of_line(ln, pos, &v, &vn);
    slot = k == ST_ACCOUNTS ? &t->default_tax : &t->accounts[k].tax;
    if (vn == 0)
        return at(ln, v, name, err, "tax needs a code after the account");
    if (*slot != NULL)
        return at(ln, ln->p, name, err, "tax of '%s' given twice",
                  k == ST_ACCOUNTS ? "default" : account_keys[k]);
    *slot = st_memdup(v, vn);
    return *slot == NULL ? st_err_set(err, ST_ERR_NOMEM, "out of memory") : 0;
}

/* The "dates" setting's value at v. */
static int
date_style(struct st_template *t, const struct line *ln, const char *v,
           size_t vn, const char *name, struct st_err *err)
{
    if (tok_is(v, vn, "iso"))
        t->dates = ST_DATES_ISO;
    else if (tok_is(v, vn, "dd/mm/yyyy"))
        t->dates = ST_DATES_DMY;
    else if (tok_is(v, vn, "mm/dd/yyyy"))
        t->dates = ST_DATES_MDY;
    else
        return at(ln, v, name, err,
                  "dates must be iso, dd/mm/yyyy or mm/dd/yyyy");
    return 0;
}

/* The "max_lines" setting's value at v: journal.tmpl only. */
static int
max_lines(struct st_template *t, const struct line *ln, const char *v,
          size_t vn, const char *name, struct st_err *err)
{
    char num[16];
    int64_t n;

    if (t->kind != ST_TMPL_JOURNAL)
        return at(ln, v, name, err, "max_lines is for journal.tmpl only");
    if (vn == 0 || vn >= sizeof(num))
        return at(ln, v, name, err, "max_lines must be 1 to 1000000");
    memcpy(num, v, vn);
    num[vn] = '\0';
    if (st_parse_i64(num, 1, 1000000, &n) != 0)
        return at(ln, v, name, err, "max_lines must be 1 to 1000000");
    t->max_lines = (size_t)n;
    return 0;
}

/* journal.tmpl must name every account without a fallback. */
static int
check_accounts(const struct st_template *t, const char *name,
               struct st_err *err)
{
    int k;

    for (k = 0; k < ST_ACCOUNTS; k++) {
        if (t->accounts[k].code != NULL || k == ST_ACC_CARRYOVER ||
            (k >= ST_ACC_FEE_SALES && k <= ST_ACC_FEE_OTHER))
            continue;
        st_err_set(err, ST_ERR_CONFIG, "journal template has no account '%s'",
                   account_keys[k]);
        st_err_at(err, name, 0, 0);
        st_err_hint(err, "add a line: account %s CODE NAME", account_keys[k]);
        return ST_ERR_CONFIG;
    }
    return 0;
}

struct st_account_ref
st_template_account(const struct st_template *t, enum st_account key)
{
    const struct st_template_account *a = &t->accounts[key];
    const struct st_template_account *up = NULL; /* the fallback */
    struct st_account_ref r;

    if (key == ST_ACC_CARRYOVER)
        up = &t->accounts[ST_ACC_CLEARING];
    else if (key >= ST_ACC_FEE_SALES && key <= ST_ACC_FEE_OTHER)
        up = &t->accounts[ST_ACC_FEES];
    r.code = a->code != NULL || up == NULL ? a->code : up->code;
    r.name = a->code != NULL || up == NULL ? a->name : up->name;
    r.tax = a->tax;
    if (r.tax == NULL && up != NULL)
        r.tax = up->tax;
    if (r.tax == NULL)
        r.tax = t->default_tax != NULL ? t->default_tax : "";
    return r;
}

static int
parse_line(struct st_template *t, const struct line *ln, const char *name,
           struct st_err *err)
{
    size_t pos = 0;
    const char *s;
    const char *v;
    size_t n = token(ln, &pos, &s);
    size_t vn;
    size_t rest;

    if (n == 0 || s[0] == '#')
        return 0;
    if (tok_is(s, n, "column"))
        return add_column(t, ln, pos, name, err);
    if (tok_is(s, n, "account") || tok_is(s, n, "tax"))
        return map_line(t, ln, pos, name, tok_is(s, n, "tax"), err);
    vn = token(ln, &pos, &v);
    rest = pos;
    while (rest < ln->len && is_blank(ln->p[rest]))
        rest++;
    if (tok_is(s, n, "delimiter")) {
        if (tok_is(v, vn, "tab"))
            t->csv.delimiter = '\t';
        else if (vn == 1 && v[0] != '"' && v[0] != '#' &&
                 (unsigned char)v[0] > 0x20 && (unsigned char)v[0] < 0x7f)
            t->csv.delimiter = v[0];
        else
            return at(ln, v, name, err,
                      "delimiter must be one character or 'tab'");
    } else if (tok_is(s, n, "decimal")) {
        if (vn != 1 || (v[0] != '.' && v[0] != ','))
            return at(ln, v, name, err, "decimal must be '.' or ','");
        t->csv.decimal = v[0];
    } else if (tok_is(s, n, "dates")) {
        int rc = date_style(t, ln, v, vn, name, err);

        if (rc != 0)
            return rc;
    } else if (tok_is(s, n, "max_lines")) {
        int rc = max_lines(t, ln, v, vn, name, err);

        if (rc != 0)
            return rc;
    } else if (tok_is(s, n, "sheet")) {
        char *sheet;

        if (t->kind == ST_TMPL_STATEMENT)
            return at(ln, s, name, err,
                      "statement sheets are named by currency: no 'sheet'");
        if (t->kind == ST_TMPL_JOURNAL)
            return at(ln, s, name, err, "the journal is CSV only: no 'sheet'");
        /* The name is the rest of the line; Excel forbids []:*?/\ */
        vn = ln->len - (size_t)(v - ln->p);
        while (vn > 0 && is_blank(v[vn - 1]))
            vn--;
        if (vn == 0 || vn > 25 || v[0] == '\'' || bad_sheet_name(v, vn))
            return at(ln, v, name, err,
                      "sheet name must have 1 to 25 characters, none of "
                      "[]:*?/\\");
        sheet = st_memdup(v, vn);
        if (sheet == NULL)
            return st_err_set(err, ST_ERR_NOMEM, "out of memory");
        st_free(t->sheet);
        t->sheet = sheet;
        return 0;
    } else {
        char tmp[32];

        memcpy(tmp, s, n < sizeof(tmp) ? n : sizeof(tmp) - 1);
        tmp[n < sizeof(tmp) ? n : sizeof(tmp) - 1] = '\0';
        return at(ln, s, name, err,
                  "unknown setting '%s' (want column, delimiter, decimal, "
                  "dates or sheet)",
                  tmp);
    }
    if (rest < ln->len && ln->p[rest] != '#')
        return at(ln, ln->p + rest, name, err,
                  "unexpected text after the "
                  "value");
    return 0;
}

int
st_template_parse(const char *text, size_t len, const char *name,
                  enum st_template_kind kind, struct st_template *t,
                  struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    size_t i = 0;
    long no = 0;

    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->csv = st_csvout_excel;
    t->path = st_strdup(name);
    if (t->path == NULL) {
        st_err_set(err, rc, "out of memory");
        goto out;
    }
    if (kinds[kind].sheet != NULL) {
        t->sheet = st_strdup(kinds[kind].sheet);
        if (t->sheet == NULL) {
            st_err_set(err, rc, "out of memory");
            goto out;
        }
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        struct line ln;
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;

        ln.p = text + i;
        ln.base = text + i;
        ln.len = end - i;
        ln.no = ++no;
        if (ln.len > 0 && ln.p[ln.len - 1] == '\r')
            ln.len--;
        if (memchr(ln.p, '\0', ln.len) != NULL) {
            rc = at(&ln, ln.p, name, err, "NUL byte in template");
            goto out;
        }
        if ((rc = parse_line(t, &ln, name, err)) != 0)
            goto out;
        i = end + 1;
    }
    if (t->ncols == 0) {
        rc = st_err_set(err, ST_ERR_CONFIG, "template has no column lines");
        st_err_at(err, name, 0, 0);
        goto out;
    }
    rc = kind == ST_TMPL_JOURNAL ? check_accounts(t, name, err) : 0;
out:
    return rc;
}

int
st_template_load(const char *path, enum st_template_kind kind,
                 struct st_template *t, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    FILE *fp = NULL;
    char *text = NULL;
    size_t len = 0;
    size_t n;

    memset(t, 0, sizeof(*t));
    fp = fopen(path, "rb");
    if (fp == NULL) {
        rc = st_err_set(err, ST_ERR_CONFIG, "cannot read template '%s': %s",
                        path, strerror(errno));
        goto out;
    }
    text = st_malloc(MAX_TEMPLATE_BYTES + 1);
    if (text == NULL) {
        st_err_set(err, rc, "out of memory");
        goto out;
    }
    while ((n = fread(text + len, 1, MAX_TEMPLATE_BYTES + 1 - len, fp)) > 0)
        len += n;
    if (ferror(fp) || len > MAX_TEMPLATE_BYTES) {
        rc = st_err_set(err, ST_ERR_CONFIG, "cannot read template '%s': %s",
                        path, ferror(fp) ? "read error" : "too large");
        goto out;
    }
    rc = st_template_parse(text, len, path, kind, t, err);
out:
    if (fp != NULL)
        (void)fclose(fp);
    st_free(text);
    return rc;
}

void
st_template_set_release(struct st_template_set *set)
{
    int k;

    if (set == NULL)
        return;
    for (k = 0; k < ST_TMPL_KINDS; k++)
        st_template_release(&set->t[k]);
}

static int
same_ascii_nocase(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        int x = (unsigned char)*a;
        int y = (unsigned char)*b;

        if (x >= 'a' && x <= 'z')
            x -= 'a' - 'A';
        if (y >= 'a' && y <= 'z')
            y -= 'a' - 'A';
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int
three_letters(const char *s)
{
    int i;

    for (i = 0; i < 3; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
            return 0;
    return s[3] == '\0';
}

/*
 * Excel wants sheet names unique regardless of case, and currency sheets
 * are named by their three-letter codes: refuse clashes before writing.
 */
static int
check_sheet_names(const struct st_template_set *set, struct st_err *err)
{
    int a;
    int b;

    for (a = 0; a < ST_TMPL_KINDS; a++) {
        const char *sa = set->t[a].sheet;

        if (sa == NULL)
            continue;
        if (three_letters(sa)) {
            st_err_set(err, ST_ERR_CONFIG,
                       "sheet name '%s' could clash with a currency sheet", sa);
            st_err_at(err, set->t[a].path, 0, 0);
            return ST_ERR_CONFIG;
        }
        for (b = a + 1; b < ST_TMPL_KINDS; b++)
            if (set->t[b].sheet != NULL &&
                same_ascii_nocase(sa, set->t[b].sheet)) {
                st_err_set(err, ST_ERR_CONFIG,
                           "sheet name '%s' is also the sheet of %s", sa,
                           kinds[a].file);
                st_err_at(err, set->t[b].path, 0, 0);
                return ST_ERR_CONFIG;
            }
    }
    return 0;
}

/* dir/<file of kind> into path; the fallback's when dir has none. */
static int
kind_path(const char *dir, const char *fallback, int kind, struct st_buf *path,
          struct st_err *err)
{
    st_buf_reset(path);
    st_buf_addf(path, "%s/%s", dir, kinds[kind].file);
    if (st_buf_error(path) == 0 && fallback != NULL &&
        access(path->data, F_OK) != 0 && errno == ENOENT) {
        st_buf_reset(path);
        st_buf_addf(path, "%s/%s", fallback, kinds[kind].file);
    }
    if (st_buf_error(path) != 0)
        return st_err_set(err, ST_ERR_CONFIG, "template path too long");
    return 0;
}

int
st_template_set_load(const char *dir, const char *fallback,
                     struct st_template_set *set, struct st_err *err)
{
    int rc = 0;
    int k;
    struct st_buf path;

    struct stat sb;

    memset(set, 0, sizeof(*set));
    if (fallback != NULL && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return st_err_set(err, ST_ERR_CONFIG,
                          "template directory '%s' is not a directory", dir);
    st_buf_init(&path, 4096);
    for (k = 0; k < ST_TMPL_KINDS && rc == 0; k++)
        if ((rc = kind_path(dir, fallback, k, &path, err)) == 0)
            rc = st_template_load(path.data, (enum st_template_kind)k,
                                  &set->t[k], err);
    st_buf_release(&path);
    if (rc == 0)
        rc = check_sheet_names(set, err);
    return rc;
}

static int
has_templates(const char *dir, size_t n, const char *suffix, char *out,
              size_t size)
{
    struct stat sb;
    char probe[4096];
    int w = snprintf(out, size, "%.*s%s", (int)n, dir, suffix);

    if (w < 0 || (size_t)w >= size)
        return 0;
    w = snprintf(probe, sizeof(probe), "%s/statement.tmpl", out);
    if (w < 0 || (size_t)w >= sizeof(probe))
        return 0;
    return stat(probe, &sb) == 0 && S_ISREG(sb.st_mode);
}

int
st_template_find_dir(const char *exe, char *out, size_t size,
                     struct st_err *err)
{
    const char *slash = strrchr(exe, '/');
    size_t n = slash != NULL ? (size_t)(slash - exe) : 1;
    const char *dir = slash != NULL ? exe : ".";

    if (has_templates(dir, n, "/../share/settle/templates", out, size) ||
        has_templates(dir, n, "/../../templates", out, size) ||
        has_templates(dir, n, "/../../../templates", out, size))
        return 0;
    if (size > 0)
        out[0] = '\0';
    return st_err_set(err, ST_ERR_CONFIG,
                      "no statement templates found next to '%s'", exe);
}

int
st_template_dir(const char *configured, char *out, size_t size,
                struct st_err *err)
{
    char exe[4096];
    ssize_t n;

    if (configured != NULL && configured[0] != '\0') {
        int w = snprintf(out, size, "%s", configured);

        if (w < 0 || (size_t)w >= size)
            return st_err_set(err, ST_ERR_CONFIG, "template_dir too long");
        return 0;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return st_err_set(err, ST_ERR_CONFIG,
                          "cannot find the program's own path; set "
                          "template_dir");
    exe[n] = '\0';
    return st_template_find_dir(exe, out, size, err);
}

void
st_template_csv_header(const struct st_template *t, struct st_csvout *csv)
{
    size_t c;

    if (csv == NULL)
        return;
    for (c = 0; c < t->ncols; c++)
        st_csvout_str(csv, t->xcols[c].header);
    st_csvout_end_row(csv);
}

static int
bad_value(const struct st_template *t, size_t f, const char *v,
          struct st_err *err)
{
    return st_err_set(err, ST_ERR_DATA, "field '%s': cannot read '%.40s'",
                      kinds[t->kind].fields[f].name, v);
}

/* An ISO date v (checked) as the template's dates setting writes it. */
static void
csv_date(const struct st_template *t, struct st_csvout *csv, const char *v)
{
    char d[ST_DATE_LEN + 1];

    if (t->dates == ST_DATES_ISO) {
        st_csvout_number(csv, v, ST_DATE_LEN);
        return;
    }
    /* v is YYYY-MM-DD: DD/MM/YYYY or MM/DD/YYYY */
    memcpy(d, t->dates == ST_DATES_DMY ? v + 8 : v + 5, 2);
    d[2] = '/';
    memcpy(d + 3, t->dates == ST_DATES_DMY ? v + 5 : v + 8, 2);
    d[5] = '/';
    memcpy(d + 6, v, 4);
    st_csvout_number(csv, d, ST_DATE_LEN);
}

int
st_template_emit(const struct st_template *t, const char *const *values,
                 int exp, int rep_exp, struct st_csvout *csv,
                 struct st_xlsx *xlsx, struct st_err *err)
{
    size_t c;
    int rc;

    if (xlsx != NULL && (rc = st_xlsx_row(xlsx, err)) != 0)
        return rc;
    for (c = 0; c < t->ncols; c++) {
        size_t f = t->cols[c].field;
        const char *v = values[f];
        int64_t i;
        int32_t d;
        int e;

        if (v == NULL || v[0] == '\0') {
            if (csv != NULL)
                st_csvout_empty(csv);
            continue;
        }
        switch (t->cols[c].format) {
        case ST_TYPE_TEXT:
            if (csv != NULL)
                st_csvout_str(csv, v);
            if (xlsx != NULL)
                st_xlsx_str(xlsx, c, v);
            break;
        case ST_TYPE_INT:
            if (st_parse_i64(v, INT64_MIN, INT64_MAX, &i) != 0)
                return bad_value(t, f, v, err);
            if (csv != NULL)
                st_csvout_int(csv, i);
            if (xlsx != NULL)
                st_xlsx_int(xlsx, c, i);
            break;
        case ST_TYPE_AMOUNT:
        case ST_TYPE_AMOUNT_REPORTING:
            e = t->cols[c].format == ST_TYPE_AMOUNT ? exp : rep_exp;
            if (st_parse_i64(v, INT64_MIN, INT64_MAX, &i) != 0 || e < 0)
                return bad_value(t, f, v, err);
            if (csv != NULL)
                st_csvout_amount(csv, i, e);
            if (xlsx != NULL)
                st_xlsx_money(xlsx, c, i, e);
            break;
        case ST_TYPE_DATE:
            if (st_date_parse(v, strlen(v), &d, NULL) != 0)
                return bad_value(t, f, v, err);
            if (csv != NULL)
                csv_date(t, csv, v);
            if (xlsx != NULL)
                st_xlsx_date(xlsx, c, d);
            break;
        case ST_TYPE_DATETIME:
            if (st_datetime_parse(v, strlen(v), &i, NULL) != 0)
                return bad_value(t, f, v, err);
            if (csv != NULL)
                st_csvout_number(csv, v, strlen(v));
            if (xlsx != NULL)
                st_xlsx_datetime(xlsx, c, i);
            break;
        case ST_TYPE_RATE:
            if (csv != NULL)
                st_csvout_number(csv, v, strlen(v));
            if (xlsx != NULL)
                st_xlsx_decimal(xlsx, c, v);
            break;
        }
    }
    if (csv != NULL) {
        st_csvout_end_row(csv);
        if (st_csvout_error(csv) != 0)
            return st_err_set(err, st_csvout_error(csv),
                              "cannot write a CSV row");
    }
    return 0;
}
