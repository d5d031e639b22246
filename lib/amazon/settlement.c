/*
 * settlement.c: Amazon Pay settlement reports, row by row.
 *
 * The parser is a small state machine over the rows lib/io/csvin delivers:
 * preamble rows until the header, then body rows. Validation never stops
 * at the first problem: a file is refused as a whole, and the person who
 * fixes it wants to see every problem (the first ST_PROBLEMS_KEEP of
 * them) at once. Rows with a problem are not passed on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "io/csvin.h"
#include "core/date.h"
#include "core/location.h"
#include "core/money.h"
#include "amazon/settlement.h"
#include "core/banned.h"

/* ---------------------------------------------------------- kinds */

static const char *const kind_names[ST_KIND_COUNT] = {
    [ST_KIND_CAPTURE] = "capture",
    [ST_KIND_REFUND] = "refund",
    [ST_KIND_CHARGEBACK] = "chargeback",
    [ST_KIND_ATOZ_CLAIM] = "atoz_claim",
    [ST_KIND_DISPUTE] = "dispute",
    [ST_KIND_AUTHORIZATION] = "authorization",
    [ST_KIND_ADJUSTMENT] = "adjustment",
    [ST_KIND_DEBT] = "debt",
    [ST_KIND_TRANSFER] = "transfer",
    [ST_KIND_RESERVE] = "reserve",
    [ST_KIND_CARRYOVER] = "carryover",
    [ST_KIND_UNKNOWN] = "unknown",
};

/* The exact table (ARCHITECTURE.md "Transaction types"), compared
 * case-insensitively. */
static const struct {
    const char *type;
    enum st_kind kind;
} kind_table[] = {
    {"Capture", ST_KIND_CAPTURE},
    {"Refund", ST_KIND_REFUND},
    {"Chargeback", ST_KIND_CHARGEBACK},
    {"A-to-z Guarantee Claim", ST_KIND_ATOZ_CLAIM},
    {"A-to-z claim", ST_KIND_ATOZ_CLAIM},
    {"A to Z Guarantee Claim", ST_KIND_ATOZ_CLAIM},
    {"Dispute", ST_KIND_DISPUTE},
    {"Authorization", ST_KIND_AUTHORIZATION},
    {"Adjustment", ST_KIND_ADJUSTMENT},
    {"Debt", ST_KIND_DEBT},
    {"Debt recovery", ST_KIND_DEBT},
    {"Transfer", ST_KIND_TRANSFER},
    {"Reserve", ST_KIND_RESERVE},
    {"Carryover", ST_KIND_CARRYOVER},
};

const char *
st_kind_name(enum st_kind kind)
{
    if ((int)kind < 0 || kind >= ST_KIND_COUNT)
        return "unknown";
    return kind_names[kind];
}

static int
ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
same_fold(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++)
        if (b[i] == '\0' || ascii_lower((unsigned char)a[i]) !=
                                ascii_lower((unsigned char)b[i]))
            return 0;
    return b[alen] == '\0';
}

enum st_kind
st_kind_of(const char *type, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++)
        if (same_fold(type, len, kind_table[i].type))
            return kind_table[i].kind;
    return ST_KIND_UNKNOWN;
}

/* ---------------------------------------------------------- columns */

enum col {
    C_POSTED = 0,
    C_SETTLEMENT_ID,
    C_TXN_ID,
    C_SELLER_REF,
    C_TYPE,
    C_ORDER_REF,
    C_SELLER_ORDER,
    C_STORE,
    C_CURRENCY,
    C_DESC,
    C_AMOUNT,
    C_PCT_FEE,
    C_FIXED_FEE,
    C_TOTAL_FEE,
    C_NET,
    NCOLS
};

static const char *const col_names[NCOLS] = {
    "TransactionPostedDate",  "SettlementId",        "AmazonTransactionId",
    "SellerReferenceId",      "TransactionType",     "AmazonOrderReferenceId",
    "SellerOrderId",          "StoreName",           "CurrencyCode",
    "TransactionDescription", "TransactionAmount",   "TransactionPercentageFee",
    "TransactionFixedFee",    "TotalTransactionFee", "NetTransactionAmount",
};

enum phase { PH_PREAMBLE = 0, PH_BODY, PH_DEAD };

struct st_settlement {
    struct st_settlement_opts o;
    struct st_csvin *csv;
    enum phase phase;
    int stop_after_first; /* st_settlement_preamble: stop at the first row */
    int pre_ok;           /* preamble complete and valid */
    struct st_settlement_preamble pre;
    long seller_line;
    long start_line;
    long end_line;
    size_t idx[NCOLS]; /* header field index of each column */
    size_t nfields;    /* fields a body row must have */
    long rows;
    size_t base_problems; /* problems->total when this file began */
    const struct st_currency *last_ccy;
};

static const char *
file_of(const struct st_settlement *r)
{
    return r->o.file ? r->o.file : "-";
}

static void problem(struct st_settlement *r, long line, long col,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct st_settlement *r, long line, long col, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    st_problems_add(r->o.problems, file_of(r), line, col, "%s", msg);
}

static int
field_is(const struct st_csvin_row *row, size_t i, const char *s)
{
    size_t n = strlen(s);

    return i < row->n && row->len[i] == n && memcmp(row->field[i], s, n) == 0;
}

/* Valid UTF-8 without NUL bytes (PostgreSQL refuses both otherwise). */
static int
utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c;

        /* Eight ASCII bytes without a NUL at a time: the common case. */
        while (n - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ULL) != 0 ||
                ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0)
                break;
            i += 8;
        }
        if (i == n)
            break;
        c = s[i];
        size_t k;
        unsigned long cp;

        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void
preamble_row(struct st_settlement *r, const struct st_csvin_row *row)
{
    struct st_err e;
    int64_t *when = NULL;
    long *where = NULL;

    if (row->n < 2)
        return;
    if (field_is(row, 0, "SellerId")) {
        r->seller_line = row->line;
        if (row->len[1] == 0 || row->len[1] >= sizeof(r->pre.seller_id) ||
            !utf8_ok((const unsigned char *)row->field[1], row->len[1])) {
            problem(r, row->line, 2, "invalid SellerId");
            return;
        }
        memcpy(r->pre.seller_id, row->field[1], row->len[1] + 1);
        return;
    }
    if (field_is(row, 0, "SettlementStartDate")) {
        when = &r->pre.settlement_start;
        where = &r->start_line;
    } else if (field_is(row, 0, "SettlementEndDate")) {
        when = &r->pre.settlement_end;
        where = &r->end_line;
    } else {
        return;
    }
    if (st_datetime_parse(row->field[1], row->len[1], when, &e) != 0) {
        problem(r, row->line, 2, "%s: %s", row->field[0], e.msg);
        *where = -row->line; /* seen, but bad */
        return;
    }
    *where = row->line;
}

static void
header_row(struct st_settlement *r, const struct st_csvin_row *row)
{
    size_t n = row->n;
    size_t i;
    size_t c;
    int missing = 0;

    r->phase = PH_BODY;
    r->pre.header_line = row->line;
    if (n > 0 && row->len[n - 1] == 0)
        n--; /* Amazon's trailing comma */
    r->nfields = n;
    for (c = 0; c < NCOLS; c++)
        r->idx[c] = (size_t)-1;
    for (i = 0; i < n; i++) {
        for (c = 0; c < NCOLS; c++)
            if (field_is(row, i, col_names[c]))
                break;
        if (c == NCOLS) {
            char where[ST_LOCATION_MAX];

            st_location_prefix(where, sizeof(where), file_of(r), row->line,
                               (long)i + 1);
            st_log_msg(r->o.log, ST_LOG_WARN, "normalize",
                       "%sextra column '%.64s' ignored", where, row->field[i]);
            continue;
        }
        if (r->idx[c] != (size_t)-1) {
            problem(r, row->line, (long)i + 1, "duplicate column '%s'",
                    col_names[c]);
            missing = 1;
            continue;
        }
        r->idx[c] = i;
    }
    for (c = 0; c < NCOLS; c++) {
        if (r->idx[c] == (size_t)-1) {
            problem(r, row->line, 0, "missing required column '%s'",
                    col_names[c]);
            missing = 1;
        }
    }
    if (r->seller_line == 0)
        problem(r, row->line, 0, "no SellerId in the preamble");
    if (r->start_line == 0)
        problem(r, row->line, 0, "no SettlementStartDate in the preamble");
    if (r->end_line == 0)
        problem(r, row->line, 0, "no SettlementEndDate in the preamble");
    if (r->seller_line > 0 && r->pre.seller_id[0] != '\0' &&
        r->o.expect_seller != NULL && r->o.expect_seller[0] != '\0' &&
        strcmp(r->o.expect_seller, r->pre.seller_id) != 0)
        problem(r, r->seller_line, 2,
                "SellerId '%s' differs from the configured seller_id '%s'",
                r->pre.seller_id, r->o.expect_seller);
    if (missing) {
        r->phase = PH_DEAD; /* body rows cannot be read without columns */
        return;
    }
    r->pre_ok = r->seller_line > 0 && r->pre.seller_id[0] != '\0' &&
                r->start_line > 0 && r->end_line > 0 &&
                r->o.problems->total == r->base_problems;
}

static void
text_of(const struct st_settlement *r, const struct st_csvin_row *row,
        enum col c, struct st_settlement_text *t)
{
    t->s = row->field[r->idx[c]];
    t->len = row->len[r->idx[c]];
}

/* Parses amount column c; 0 or -1 after recording the problem. */
static int
amount_of(struct st_settlement *r, const struct st_csvin_row *row, enum col c,
          int exponent, int64_t *v)
{
    size_t i = r->idx[c];
    struct st_err e;

    if (row->len[i] == 0) {
        problem(r, row->line, (long)i + 1, "%s is empty", col_names[c]);
        return -1;
    }
    if (st_money_parse(row->field[i], row->len[i], exponent, ST_MONEY_THOUSANDS,
                       v, &e) != 0) {
        problem(r, row->line, (long)i + 1, "%s: %s", col_names[c], e.msg);
        return -1;
    }
    return 0;
}

/* The first body row names the settlement when the preamble did not. */
static void
take_settlement_id(struct st_settlement *r, const struct st_csvin_row *row)
{
    size_t n;

    if (r->pre.settlement_id[0] != '\0' || r->rows != 1 ||
        row->n <= r->idx[C_SETTLEMENT_ID])
        return;
    n = row->len[r->idx[C_SETTLEMENT_ID]];
    if (n >= sizeof(r->pre.settlement_id))
        n = sizeof(r->pre.settlement_id) - 1;
    memcpy(r->pre.settlement_id, row->field[r->idx[C_SETTLEMENT_ID]], n);
    r->pre.settlement_id[n] = '\0';
}

/* Every text column must be valid UTF-8. */
static void
check_texts(struct st_settlement *r, const struct st_csvin_row *row)
{
    static const enum col texts[] = {
        C_SETTLEMENT_ID, C_TXN_ID,       C_SELLER_REF, C_TYPE,
        C_ORDER_REF,     C_SELLER_ORDER, C_STORE,      C_DESC};
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t k = r->idx[texts[i]];

        if (!utf8_ok((const unsigned char *)row->field[k], row->len[k]))
            problem(r, row->line, (long)k + 1, "%s: invalid UTF-8",
                    col_names[texts[i]]);
    }
}

/* Fees must add up to the total fee, and amount plus total fee to net. */
static void
check_ties(struct st_settlement *r, const struct st_csvin_row *row,
           const struct st_settlement_line *l)
{
    int64_t sum;

    if (st_money_add(l->percentage_fee, l->fixed_fee, &sum) != 0 ||
        sum != l->total_fee)
        problem(r, row->line, (long)r->idx[C_TOTAL_FEE] + 1,
                "TotalTransactionFee %s != TransactionPercentageFee "
                "%s + TransactionFixedFee %s",
                row->field[r->idx[C_TOTAL_FEE]], row->field[r->idx[C_PCT_FEE]],
                row->field[r->idx[C_FIXED_FEE]]);
    if (st_money_add(l->amount, l->total_fee, &sum) != 0 || sum != l->net)
        problem(r, row->line, (long)r->idx[C_NET] + 1,
                "NetTransactionAmount %s != TransactionAmount %s + "
                "TotalTransactionFee %s",
                row->field[r->idx[C_NET]], row->field[r->idx[C_AMOUNT]],
                row->field[r->idx[C_TOTAL_FEE]]);
}

/* The currency (the last one is tried first) and the five amounts. */
static void
money_of(struct st_settlement *r, const struct st_csvin_row *row,
         struct st_settlement_line *l)
{
    size_t i = r->idx[C_CURRENCY];
    const char *cc = row->field[i];
    size_t cclen = row->len[i];
    int bad = 0;
    int x;

    if (r->last_ccy != NULL && cclen == 3 &&
        memcmp(r->last_ccy->code, cc, 3) == 0)
        l->currency = r->last_ccy;
    else
        l->currency = st_currency_find(cc, cclen);
    if (l->currency == NULL) {
        problem(r, row->line, (long)i + 1, "unknown currency '%.16s'", cc);
        return;
    }
    x = l->currency->exponent;
    r->last_ccy = l->currency;
    bad |= amount_of(r, row, C_AMOUNT, x, &l->amount);
    bad |= amount_of(r, row, C_PCT_FEE, x, &l->percentage_fee);
    bad |= amount_of(r, row, C_FIXED_FEE, x, &l->fixed_fee);
    bad |= amount_of(r, row, C_TOTAL_FEE, x, &l->total_fee);
    bad |= amount_of(r, row, C_NET, x, &l->net);
    if (!bad)
        check_ties(r, row, l);
}

static void
texts_of(struct st_settlement *r, const struct st_csvin_row *row,
         struct st_settlement_line *l)
{
    text_of(r, row, C_SETTLEMENT_ID, &l->settlement_id);
    text_of(r, row, C_TYPE, &l->provider_type);
    text_of(r, row, C_TXN_ID, &l->amazon_transaction_id);
    text_of(r, row, C_SELLER_REF, &l->seller_reference_id);
    text_of(r, row, C_ORDER_REF, &l->amazon_order_reference_id);
    text_of(r, row, C_SELLER_ORDER, &l->seller_order_id);
    text_of(r, row, C_STORE, &l->store_name);
    text_of(r, row, C_DESC, &l->description);
    l->kind = st_kind_of(l->provider_type.s, l->provider_type.len);
}

static int
body_row(struct st_settlement *r, const struct st_csvin_row *row,
         struct st_err *err)
{
    struct st_settlement_line l;
    struct st_err e;
    size_t before = r->o.problems->total;
    size_t i;

    r->rows++;
    take_settlement_id(r, row);
    if (r->stop_after_first)
        return ST_CSVIN_STOP;
    if (row->n != r->nfields &&
        !(row->n == r->nfields + 1 && row->len[row->n - 1] == 0)) {
        problem(r, row->line, 0, "row has %zu fields, the header has %zu",
                row->n, r->nfields);
        return 0;
    }
    memset(&l, 0, sizeof(l));
    l.line = row->line;
    i = r->idx[C_POSTED];
    if (st_datetime_parse(row->field[i], row->len[i], &l.posted_at, &e) != 0)
        problem(r, row->line, (long)i + 1, "%s: %s", col_names[C_POSTED],
                e.msg);
    check_texts(r, row);
    money_of(r, row, &l);
    if (r->o.problems->total != before || !r->pre_ok || r->o.on_line == NULL)
        return 0;
    texts_of(r, row, &l);
    return r->o.on_line(r->o.ctx, &r->pre, &l, err);
}

static int
on_row(void *ctx, const struct st_csvin_row *row, struct st_err *err)
{
    struct st_settlement *r = ctx;

    switch (r->phase) {
    case PH_PREAMBLE:
        if (field_is(row, 0, col_names[C_POSTED]))
            header_row(r, row);
        else
            preamble_row(r, row);
        return 0;
    case PH_BODY:
        return body_row(r, row, err);
    case PH_DEAD:
    default:
        return 0;
    }
}

int
st_settlement_new(const struct st_settlement_opts *opts,
                  struct st_settlement **out, struct st_err *err)
{
    int rc = ST_ERR_NOMEM;
    struct st_settlement *r = NULL;

    *out = NULL;
    r = st_calloc(1, sizeof(*r));
    if (r == NULL) {
        st_err_set(err, rc, "out of memory creating a report parser");
        goto out;
    }
    r->o = *opts;
    r->base_problems = opts->problems->total;
    if ((rc = st_csvin_new(file_of(r), on_row, r, &r->csv, err)) != 0)
        goto out;
    *out = r;
    r = NULL; /* transferred */
    rc = 0;
out:
    st_settlement_free(r);
    return rc;
}

void
st_settlement_free(struct st_settlement *r)
{
    if (r == NULL)
        return;
    st_csvin_free(r->csv);
    st_free(r);
}

/* Turns a CSV-level failure into a problem; hard errors pass through. */
static int
csv_result(struct st_settlement *r, int rc, struct st_err *err)
{
    if (rc == ST_ERR_DATA) {
        st_problems_add(r->o.problems, file_of(r), err->line, err->col, "%s",
                        err->msg);
        st_err_clear(err);
        r->phase = PH_DEAD;
        return 0;
    }
    if (rc == ST_CSVIN_STOP)
        return 0;
    return rc;
}

int
st_settlement_feed(struct st_settlement *r, const void *data, size_t len,
                   struct st_err *err)
{
    if (r->phase == PH_DEAD && r->o.problems->total > 0)
        return 0;
    return csv_result(r, st_csvin_feed(r->csv, data, len, err), err);
}

/* The checks that need the whole file. */
static void
finish_checks(struct st_settlement *r)
{
    if (r->pre.header_line == 0 && r->phase != PH_DEAD)
        problem(r, 0, 0,
                "no header row (a row starting with TransactionPostedDate)");
}

int
st_settlement_finish(struct st_settlement *r, struct st_err *err)
{
    int rc = 0;

    if (!(r->phase == PH_DEAD && r->o.problems->total > 0))
        rc = csv_result(r, st_csvin_finish(r->csv, err), err);
    if (rc == 0)
        finish_checks(r);
    return rc;
}

int
st_settlement_read_fd(struct st_settlement *r, int fd,
                      st_csvin_chunk_fn chunk_fn, void *chunk_ctx,
                      struct st_err *err)
{
    int rc = csv_result(
        r, st_csvin_read_fd(r->csv, fd, chunk_fn, chunk_ctx, err), err);

    if (rc == 0)
        finish_checks(r);
    return rc;
}

const struct st_settlement_preamble *
st_settlement_get_preamble(const struct st_settlement *r)
{
    return &r->pre;
}

long
st_settlement_rows(const struct st_settlement *r)
{
    return r->rows;
}

int
st_settlement_preamble(const char *data, size_t len,
                       struct st_settlement_preamble *out, struct st_err *err)
{
    int rc;
    struct st_settlement *r = NULL;
    struct st_problems *probs = NULL;
    struct st_settlement_opts o;

    memset(out, 0, sizeof(*out));
    rc = ST_ERR_NOMEM;
    probs = st_malloc(sizeof(*probs));
    if (probs == NULL) {
        st_err_set(err, rc, "out of memory reading a report preamble");
        goto out;
    }
    st_problems_init(probs);
    memset(&o, 0, sizeof(o));
    o.file = "report";
    o.problems = probs;
    if ((rc = st_settlement_new(&o, &r, err)) != 0)
        goto out;
    r->stop_after_first = 1;
    if ((rc = st_settlement_feed(r, data, len, err)) != 0 ||
        (rc = st_settlement_finish(r, err)) != 0)
        goto out;
    if (probs->total > 0) {
        const struct st_problem *p = &probs->kept[0];

        rc = st_err_set(err, ST_ERR_DATA, "%s", p->msg);
        st_err_at(err, NULL, p->line, p->col);
        goto out;
    }
    *out = r->pre;
    rc = 0;
out:
    st_settlement_free(r);
    st_free(probs);
    return rc;
}
