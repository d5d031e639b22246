/*
 * test_settlement.c: lib/amazon/settlement, the Amazon Pay settlement report
 * parser. TransactionType -> kind (the README's "Output columns"), the preamble
 * reader the fetch stage uses, typed lines, every validation rule as a
 * located problem, the bounded problem list, out-of-memory at every
 * allocation, the two reference samples of ../shared (skipped when that
 * folder is absent) with the values amazon-pay.md section 2.10 lists, and
 * the fuzzer's regression inputs in testdata/normalize/fuzz-regressions/.
 */
#include <dirent.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/fsutil.h"
#include "core/money.h"
#include "amazon/settlement.h"
#include "skip.h"
#include "core/banned.h"

#define SAMPLES     "../shared/reference/amazon-pay/*SETTLEMENT*.csv"
#define REGRESSIONS "testdata/normalize/fuzz-regressions"

/* ---------------------------------------------------------- kinds */

static const struct {
    const char *type;
    enum st_kind kind;
} kind_cases[] = {
    {"Capture", ST_KIND_CAPTURE},
    {"capture", ST_KIND_CAPTURE},
    {"CAPTURE", ST_KIND_CAPTURE},
    {"Refund", ST_KIND_REFUND},
    {"Chargeback", ST_KIND_CHARGEBACK},
    {"A-to-z Guarantee Claim", ST_KIND_ATOZ_CLAIM},
    {"a-to-z guarantee claim", ST_KIND_ATOZ_CLAIM},
    {"A-to-z claim", ST_KIND_ATOZ_CLAIM},
    {"A to Z Guarantee Claim", ST_KIND_ATOZ_CLAIM},
    {"Dispute", ST_KIND_DISPUTE},
    {"Authorization", ST_KIND_AUTHORIZATION},
    {"Adjustment", ST_KIND_ADJUSTMENT},
    {"Debt", ST_KIND_DEBT},
    {"Debt recovery", ST_KIND_DEBT},
    {"DEBT RECOVERY", ST_KIND_DEBT},
    {"Transfer", ST_KIND_TRANSFER},
    {"Reserve", ST_KIND_RESERVE},
    {"Carryover", ST_KIND_CARRYOVER},
    /* exact table: near misses are unknown, never guessed */
    {"Capture ", ST_KIND_UNKNOWN},
    {" Capture", ST_KIND_UNKNOWN},
    {"Captur", ST_KIND_UNKNOWN},
    {"Captures", ST_KIND_UNKNOWN},
    {"A-to-z", ST_KIND_UNKNOWN},
    {"AtoZ Guarantee Claim", ST_KIND_UNKNOWN},
    {"Carry over", ST_KIND_UNKNOWN},
    {"ServiceFee", ST_KIND_UNKNOWN},
    {"", ST_KIND_UNKNOWN},
};

static void
test_kinds(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(kind_cases) / sizeof(kind_cases[0]); i++) {
        enum st_kind k =
            st_kind_of(kind_cases[i].type, strlen(kind_cases[i].type));

        if (k != kind_cases[i].kind)
            fail_msg("'%s' -> %s, want %s", kind_cases[i].type, st_kind_name(k),
                     st_kind_name(kind_cases[i].kind));
    }
    assert_string_equal(st_kind_name(ST_KIND_ATOZ_CLAIM), "atoz_claim");
    assert_string_equal(st_kind_name(ST_KIND_UNKNOWN), "unknown");
    assert_string_equal(st_kind_name(ST_KIND_COUNT), "unknown");
}

/* ---------------------------------------------------------- helpers */

#define PRE                                                   \
    "\xEF\xBB\xBF\"Amazon Payments Advanced\",\n"             \
    "\"Settlement Report\",\n"                                \
    "\"SellerId\",\"A1TESTSELLER\"\n"                         \
    "\"SettlementStartDate\",\"2015-09-30T15:00:44 -0700\"\n" \
    "\"SettlementEndDate\",\"2015-10-01T14:59:44-0700\"\n"
#define HDR                                                                 \
    "\"TransactionPostedDate\",\"SettlementId\",\"AmazonTransactionId\","   \
    "\"SellerReferenceId\",\"TransactionType\",\"AmazonOrderReferenceId\"," \
    "\"SellerOrderId\",\"StoreName\",\"CurrencyCode\","                     \
    "\"TransactionDescription\",\"TransactionAmount\","                     \
    "\"TransactionPercentageFee\",\"TransactionFixedFee\","                 \
    "\"TotalTransactionFee\",\"NetTransactionAmount\",\n"
/* A good USD capture; line 7 when it follows PRE HDR. */
#define ROW(date, ccy, a, p, f, t, n)                                     \
    "\"" date "\",\"5984862222\",\"P01-1-2-C3\",\"R-1\",\"Capture\","     \
    "\"P01-1-2\",\"\",\"Shop\",\"" ccy "\",\"\",\"" a "\",\"" p "\",\"" f \
    "\",\"" t "\",\"" n "\"\n"
#define GOOD                                                           \
    ROW("2015-10-01T11:10:34 -0700", "USD", "10.00", "-0.29", "-0.30", \
        "-0.59", "9.41")

struct got {
    struct st_settlement_line line[8];
    char txn[8][64];
    char desc[8][64];
    int n;
    struct st_settlement_preamble pre;
};

static int
keep_line(void *ctx, const struct st_settlement_preamble *pre,
          const struct st_settlement_line *l, struct st_err *err)
{
    struct got *g = ctx;

    (void)err;
    if (g->n < 8) {
        g->line[g->n] = *l;
        assert_true(snprintf(g->txn[g->n], sizeof(g->txn[0]), "%s",
                             l->amazon_transaction_id.s) <
                    (int)sizeof(g->txn[0]));
        assert_true(snprintf(g->desc[g->n], sizeof(g->desc[0]), "%s",
                             l->description.s) < (int)sizeof(g->desc[0]));
        g->pre = *pre;
    }
    g->n++;
    return 0;
}

/* Parses text; returns the hard rc, fills g and probs. */
static int
parse(const char *text, size_t len, const char *seller, struct got *g,
      struct st_problems *probs)
{
    struct st_settlement_opts o;
    struct st_settlement *r = NULL;
    struct st_err err;
    int rc;

    memset(g, 0, sizeof(*g));
    st_problems_init(probs);
    memset(&o, 0, sizeof(o));
    o.file = "r.csv";
    o.expect_seller = seller;
    o.problems = probs;
    o.on_line = keep_line;
    o.ctx = g;
    st_err_clear(&err);
    rc = st_settlement_new(&o, &r, &err);
    if (rc == 0)
        rc = st_settlement_feed(r, text, len, &err);
    if (rc == 0)
        rc = st_settlement_finish(r, &err);
    st_settlement_free(r);
    return rc;
}

/* ---------------------------------------------------------- preamble */

static void
test_preamble(void **state)
{
    static const char good[] = PRE HDR GOOD;
    static const char empty[] = PRE HDR;
    static const char no_seller[] =
        "\"SettlementStartDate\",\"2015-09-30T15:00:44 -0700\"\n"
        "\"SettlementEndDate\",\"2015-10-01T14:59:44 -0700\"\n" HDR;
    static const char bad_date[] =
        "\"SellerId\",\"S\"\n"
        "\"SettlementStartDate\",\"2015-09-30\"\n"
        "\"SettlementEndDate\",\"2015-10-01T14:59:44 -0700\"\n" HDR;
    static const char bad_body[] =
        PRE HDR ROW("garbage", "XXX", "a", "b", "c", "d", "e");
    struct st_settlement_preamble p;
    struct st_err err;

    (void)state;
    assert_int_equal(st_settlement_preamble(good, sizeof(good) - 1, &p, &err),
                     0);
    assert_string_equal(p.seller_id, "A1TESTSELLER");
    assert_string_equal(p.settlement_id, "5984862222");
    assert_int_equal(p.settlement_start, 1443650444); /* 22:00:44Z */
    assert_int_equal(p.settlement_end, 1443736784);
    assert_int_equal(p.header_line, 6);

    assert_int_equal(st_settlement_preamble(empty, sizeof(empty) - 1, &p, &err),
                     0);
    assert_string_equal(p.settlement_id, "");

    /* The first row is not validated: only its SettlementId is read. */
    assert_int_equal(
        st_settlement_preamble(bad_body, sizeof(bad_body) - 1, &p, &err), 0);
    assert_string_equal(p.settlement_id, "5984862222");

    assert_int_equal(
        st_settlement_preamble(no_seller, sizeof(no_seller) - 1, &p, &err),
        ST_ERR_DATA);
    assert_non_null(strstr(err.msg, "SellerId"));
    assert_string_equal(p.seller_id, "");

    assert_int_equal(
        st_settlement_preamble(bad_date, sizeof(bad_date) - 1, &p, &err),
        ST_ERR_DATA);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 2);

    assert_int_equal(st_settlement_preamble("a,b\n", 4, &p, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.msg, "no header row"));
    assert_int_equal(st_settlement_preamble("", 0, &p, &err), ST_ERR_DATA);
}

/* ---------------------------------------------------------- lines */

static void
test_lines(void **state)
{
    static const char text[] = PRE HDR GOOD
        "\"2015-05-18T15:48:50-0000\",\"5984862222\",\"\",\"\","
        "\"Transfer\",\"\",\"\",\"\",\"USD\",\"Payout, \"\"weekly\"\"\","
        "\"-1,234.56\",\"0\",\"0\",\"0\",\"-1,234.56\"\n" ROW(
            "2015-10-02T00:00:00+09:00", "JPY", "1,500", "-54.00", "0", "-54",
            "1446") ROW("2015-10-02T00:00:00Z", "BHD", "1.25", "-0.001", "0",
                        "-0.001", "1.249");
    struct got g;
    struct st_problems probs;

    (void)state;
    assert_int_equal(parse(text, sizeof(text) - 1, "A1TESTSELLER", &g, &probs),
                     0);
    assert_int_equal(probs.total, 0);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.pre.seller_id, "A1TESTSELLER");

    assert_int_equal(g.line[0].line, 7);
    assert_int_equal(g.line[0].posted_at, 1443723034);
    assert_int_equal(g.line[0].kind, ST_KIND_CAPTURE);
    assert_string_equal(g.line[0].currency->code, "USD");
    assert_int_equal(g.line[0].amount, 1000);
    assert_int_equal(g.line[0].percentage_fee, -29);
    assert_int_equal(g.line[0].fixed_fee, -30);
    assert_int_equal(g.line[0].total_fee, -59);
    assert_int_equal(g.line[0].net, 941);
    assert_string_equal(g.txn[0], "P01-1-2-C3");

    assert_int_equal(g.line[1].line, 8);
    assert_int_equal(g.line[1].posted_at, 1431964130);
    assert_int_equal(g.line[1].kind, ST_KIND_TRANSFER);
    assert_int_equal(g.line[1].amount, -123456);
    assert_int_equal(g.line[1].net, -123456);
    assert_string_equal(g.txn[1], "");
    assert_string_equal(g.desc[1], "Payout, \"weekly\"");

    assert_int_equal(g.line[2].posted_at, 1443711600); /* 10-01T15:00Z */
    assert_int_equal(g.line[2].amount, 1500);
    assert_int_equal(g.line[2].percentage_fee, -54);
    assert_int_equal(g.line[2].net, 1446);

    assert_string_equal(g.line[3].currency->code, "BHD");
    assert_int_equal(g.line[3].amount, 1250);
    assert_int_equal(g.line[3].total_fee, -1);
    assert_int_equal(g.line[3].net, 1249);
}

/* ---------------------------------------------------------- problems */

struct problem_case {
    const char *name;
    const char *text;
    const char *seller;
    long line;
    long col;
    const char *msg; /* substring of the first problem */
};

static const struct problem_case problem_cases[] = {
    {"unknown currency",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "XYZ", "10.00", "-0.29", "-0.30",
                 "-0.59", "9.41"),
     NULL, 7, 9, "unknown currency 'XYZ'"},
    {"lower-case currency",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "usd", "10.00", "-0.29", "-0.30",
                 "-0.59", "9.41"),
     NULL, 7, 9, "unknown currency"},
    {"too many decimals",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "7.125", "0", "0", "0",
                 "7.125"),
     NULL, 7, 11, "more than 2 decimals"},
    {"JPY decimals",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "JPY", "1500.5", "0", "0", "0",
                 "1500.5"),
     NULL, 7, 11, "more than 0 decimals"},
    {"out of range",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "92233720368547758.08",
                 "0", "0", "0", "1"),
     NULL, 7, 11, "out of range"},
    {"bad date",
     PRE HDR ROW("2015-10-01 11:10:34", "USD", "10.00", "-0.29", "-0.30",
                 "-0.59", "9.41"),
     NULL, 7, 1, "invalid date-time"},
    {"total fee",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "10.00", "-0.29", "-0.30",
                 "-0.60", "9.40"),
     NULL, 7, 14, "TotalTransactionFee -0.60 != "},
    {"net",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "10.00", "-0.29", "-0.30",
                 "-0.59", "9.42"),
     NULL, 7, 15, "NetTransactionAmount 9.42 != "},
    {"net overflow",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "92233720368547758.07",
                 "0", "0", "0.01", "1"),
     NULL, 7, 14, "TotalTransactionFee"},
    {"empty amount",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "", "-0.29", "-0.30",
                 "-0.59", "9.41"),
     NULL, 7, 11, "TransactionAmount is empty"},
    {"junk amount",
     PRE HDR ROW("2015-10-01T11:10:34 -0700", "USD", "1O.00", "-0.29", "-0.30",
                 "-0.59", "9.41"),
     NULL, 7, 11, "invalid amount"},
    {"field count", PRE HDR "\"a\",\"b\"\n", NULL, 7, 0,
     "row has 2 fields, the header has 15"},
    {"seller", PRE HDR GOOD, "A9OTHER", 3, 2,
     "SellerId 'A1TESTSELLER' differs from the configured seller_id "
     "'A9OTHER'"},
    {"missing column", PRE "\"TransactionPostedDate\",\"SettlementId\"\n", NULL,
     6, 0, "missing required column 'AmazonTransactionId'"},
    {"duplicate column",
     PRE "\"TransactionPostedDate\",\"TransactionPostedDate\"\n", NULL, 6, 2,
     "duplicate column 'TransactionPostedDate'"},
    {"no header", PRE GOOD, NULL, 0, 0, "no header row"},
    {"no seller",
     "\"SettlementStartDate\",\"2015-09-30T15:00:44 -0700\"\n"
     "\"SettlementEndDate\",\"2015-10-01T14:59:44 -0700\"\n" HDR GOOD,
     NULL, 3, 0, "no SellerId"},
    {"malformed CSV", PRE HDR "\"a\"b\n", NULL, 7, 0, "malformed CSV"},
    {"unterminated", PRE HDR "\"2015", NULL, 7, 0, "unterminated"},
    {"invalid UTF-8",
     PRE HDR "\"2015-10-01T11:10:34 -0700\",\"1\",\"\",\"\",\"Capture\","
             "\"\",\"\",\"Caf\xE9\",\"USD\",\"\",\"1.00\",\"0\",\"0\","
             "\"0\",\"1.00\"\n",
     NULL, 7, 8, "StoreName: invalid UTF-8"},
};

static void
test_problems(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(problem_cases) / sizeof(problem_cases[0]); i++) {
        const struct problem_case *t = &problem_cases[i];
        struct got g;
        struct st_problems probs;

        assert_int_equal(parse(t->text, strlen(t->text), t->seller, &g, &probs),
                         0);
        if (probs.total == 0)
            fail_msg("%s: no problem found", t->name);
        if (probs.kept[0].line != t->line || probs.kept[0].col != t->col ||
            strstr(probs.kept[0].msg, t->msg) == NULL)
            fail_msg("%s: got %ld:%ld: %s", t->name, probs.kept[0].line,
                     probs.kept[0].col, probs.kept[0].msg);
        assert_string_equal(probs.kept[0].file, "r.csv");
        /* a refused file hands out no line with a problem */
        assert_true(g.n == 0 || strcmp(t->name, "seller") != 0);
    }
}

static void
test_problems_bounded(void **state)
{
    struct st_problems p;
    size_t i;

    (void)state;
    st_problems_init(&p);
    for (i = 0; i < 25; i++)
        st_problems_add(&p, "f", (long)i + 1, 0, "problem %zu", i);
    assert_int_equal(p.total, 25);
    assert_int_equal(p.nkept, ST_PROBLEMS_KEEP);
    assert_string_equal(p.kept[19].msg, "problem 19");
    assert_int_equal(p.kept[19].line, 20);
    st_problems_add(&p, NULL, 0, 0, "x");
    assert_int_equal(p.total, 26);
}

/* A problem in a row keeps the other rows from being handed out too. */
static void
test_extra_column_and_trailing(void **state)
{
    static const char text[] =
        PRE "\"TransactionPostedDate\",\"SettlementId\","
            "\"AmazonTransactionId\",\"SellerReferenceId\",\"TransactionType\","
            "\"AmazonOrderReferenceId\",\"SellerOrderId\",\"StoreName\","
            "\"CurrencyCode\",\"TransactionDescription\","
            "\"TransactionAmount\",\"TransactionPercentageFee\","
            "\"TransactionFixedFee\",\"TotalTransactionFee\","
            "\"NetTransactionAmount\",\"Extra\"\n"
            "\"2015-10-01T11:10:34 -0700\",\"1\",\"\",\"\",\"Odd\",\"\",\"\","
            "\"\",\"EUR\",\"\",\"1.00\",\"0\",\"0\",\"0\",\"1.00\",\"x\"\n";
    struct got g;
    struct st_problems probs;

    (void)state;
    assert_int_equal(parse(text, sizeof(text) - 1, NULL, &g, &probs), 0);
    assert_int_equal(probs.total, 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.line[0].kind, ST_KIND_UNKNOWN);
}

static void
test_nomem(void **state)
{
    static const char text[] = PRE HDR GOOD GOOD;
    long nth;

    (void)state;
    for (nth = 1; nth < 40; nth++) {
        struct got g;
        struct st_problems probs;
        int rc;

        st_alloc_fail_at(nth);
        rc = parse(text, sizeof(text) - 1, NULL, &g, &probs);
        st_alloc_fail_at(0);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
        if (rc == 0) {
            assert_int_equal(g.n, 2);
            break;
        }
    }
    assert_true(nth < 40);
}

/* ---------------------------------------------------------- samples */

struct sample_want {
    const char *file_part;
    int64_t amount;
    int64_t fee; /* as a positive expense, like the upstream test */
    const char *txn;
    const char *order;
    int64_t posted;
    enum st_kind other; /* the non-capture row */
};

static const struct sample_want samples[] = {
    {"2015-10-01-SETTLEMENT_DATA_371273040777777", 1000, 59,
     "P01-1488694-1234567-C034811", "87654321-0", 1443723034, ST_KIND_TRANSFER},
    {"2018-09-18-SETTLEMENT_DATA_11308757837017792", 500, 41,
     "P01-5551212-4903176-C039376", "8032276654432210046", 1536786608,
     ST_KIND_RESERVE},
};

struct sample_got {
    int n;
    int captures;
    int other;
    const struct sample_want *w;
};

static int
check_sample_line(void *ctx, const struct st_settlement_preamble *pre,
                  const struct st_settlement_line *l, struct st_err *err)
{
    struct sample_got *g = ctx;

    (void)err;
    g->n++;
    assert_string_equal(l->currency->code, "USD");
    assert_int_equal(l->total_fee, l->percentage_fee + l->fixed_fee);
    assert_int_equal(l->net, l->amount + l->total_fee);
    assert_string_equal(pre->seller_id, "ABCDEFGHIJKLM");
    if (l->kind == ST_KIND_CAPTURE) {
        g->captures++;
        assert_int_equal(l->amount, g->w->amount);
        assert_int_equal(-l->total_fee, g->w->fee);
        assert_string_equal(l->amazon_transaction_id.s, g->w->txn);
        assert_string_equal(l->seller_reference_id.s, g->w->order);
        assert_int_equal(l->posted_at, g->w->posted);
    } else {
        assert_int_equal(l->kind, g->w->other);
        g->other++;
        assert_int_equal(l->amazon_transaction_id.len, 0);
        assert_int_equal(l->seller_reference_id.len, 0);
        assert_int_equal(l->amazon_order_reference_id.len, 0);
        assert_int_equal(l->total_fee, 0);
    }
    return 0;
}

static void
test_reference_samples(void **state)
{
    glob_t gl;
    size_t i;
    size_t k;
    int checked = 0;

    (void)state;
    if (glob(SAMPLES, 0, NULL, &gl) != 0) {
        SKIP_BECAUSE("no reference samples at " SAMPLES);
        return;
    }
    for (i = 0; i < gl.gl_pathc; i++) {
        char *data = NULL;
        size_t len = 0;
        struct st_err err;
        struct st_problems probs;
        struct st_settlement_opts o;
        struct st_settlement *r = NULL;
        struct sample_got g;

        memset(&g, 0, sizeof(g));
        for (k = 0; k < sizeof(samples) / sizeof(samples[0]); k++)
            if (strstr(gl.gl_pathv[i], samples[k].file_part) != NULL)
                g.w = &samples[k];
        if (g.w == NULL)
            continue;
        assert_int_equal(st_file_read_all(gl.gl_pathv[i], &data, &len, &err),
                         0);
        /* the BOM is there in the raw bytes and gone after parsing */
        assert_memory_equal(data, "\xEF\xBB\xBF", 3);
        st_problems_init(&probs);
        memset(&o, 0, sizeof(o));
        o.file = gl.gl_pathv[i];
        o.expect_seller = "ABCDEFGHIJKLM";
        o.problems = &probs;
        o.on_line = check_sample_line;
        o.ctx = &g;
        assert_int_equal(st_settlement_new(&o, &r, &err), 0);
        assert_int_equal(st_settlement_feed(r, data, len, &err), 0);
        assert_int_equal(st_settlement_finish(r, &err), 0);
        assert_int_equal(probs.total, 0);
        assert_int_equal(g.n, 2);
        assert_int_equal(g.captures, 1);
        assert_int_equal(g.other, 1);
        assert_int_equal(st_settlement_rows(r), 2);
        assert_string_equal(st_settlement_get_preamble(r)->seller_id,
                            "ABCDEFGHIJKLM");
        st_settlement_free(r);
        st_free(data);
        checked++;
    }
    globfree(&gl);
    assert_int_equal(checked, 2);
}

/* ---------------------------------------------------------- fuzz */

static int
ignore_line(void *ctx, const struct st_settlement_preamble *pre,
            const struct st_settlement_line *l, struct st_err *err)
{
    (void)ctx;
    (void)pre;
    (void)l;
    (void)err;
    return 0;
}

/* Inputs the fuzzer once crashed on: they must parse without harm. */
static void
test_fuzz_regressions(void **state)
{
    DIR *d = opendir(REGRESSIONS);
    struct dirent *e;
    int n = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[512];
        char *data = NULL;
        size_t len = 0;
        struct st_err err;
        struct st_problems probs;
        struct st_settlement_opts o;
        struct st_settlement *r = NULL;
        struct st_settlement_preamble pre;

        if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
            continue;
        assert_true(snprintf(path, sizeof(path), "%s/%s", REGRESSIONS,
                             e->d_name) < (int)sizeof(path));
        assert_int_equal(st_file_read_all(path, &data, &len, &err), 0);
        st_problems_init(&probs);
        memset(&o, 0, sizeof(o));
        o.file = path;
        o.problems = &probs;
        o.on_line = ignore_line;
        assert_int_equal(st_settlement_new(&o, &r, &err), 0);
        assert_int_equal(st_settlement_feed(r, data, len, &err), 0);
        assert_int_equal(st_settlement_finish(r, &err), 0);
        st_settlement_free(r);
        (void)st_settlement_preamble(data, len, &pre, &err);
        if (len > 0) { /* what tests/fuzz/fuzz_amount.c feeds */
            int64_t v;
            struct st_rate rate;

            (void)st_money_parse(data + 1, len - 1, data[0] % 5,
                                 ST_MONEY_THOUSANDS, &v, &err);
            (void)st_rate_parse(data + 1, len - 1, &rate, &err);
            (void)st_datetime_parse(data + 1, len - 1, &v, &err);
        }
        st_free(data);
        n++;
    }
    closedir(d);
    assert_true(n >= 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_preamble),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_problems_bounded),
        cmocka_unit_test(test_extra_column_and_trailing),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_reference_samples),
        cmocka_unit_test(test_fuzz_regressions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
