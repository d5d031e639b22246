/*
 * test_normalize.c: lib/normalize, the CSV path. Whole fixtures against
 * their golden files (testdata/normalize/README says how those were
 * checked by hand), quoting only where needed, the FX columns (rate 1 for
 * the same currency, a converted net that rounds to zero printed as 0.00,
 * never -0.00), refusal of a run with one bad file while every problem of
 * every file is still listed, a missing file, and a report big enough for
 * the writer thread to take many buffers, then failing to write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/currency.h"
#include "core/fsutil.h"
#include "fx/fx.h"
#include "normalize/normalize.h"
#include "amazon/settlement.h"
#include "core/banned.h"

#define T "testdata/normalize/"

struct sink {
    char *data;
    size_t len;
    FILE *f;
};

static void
sink_open(struct sink *s)
{
    memset(s, 0, sizeof(*s));
    s->f = open_memstream(&s->data, &s->len);
    assert_non_null(s->f);
}

static void
sink_close(struct sink *s)
{
    assert_int_equal(fclose(s->f), 0);
    s->f = NULL;
}

static void
opts_init(struct st_normalize_opts *o, struct st_problems *p)
{
    memset(o, 0, sizeof(*o));
    st_problems_init(p);
    o->problems = p;
    o->fx_max_age_days = 7;
}

static void
test_golden(void **state)
{
    static const char *const names[] = {
        "us-2024-03-all-types",  "jp-2024-03-jpy", "bh-2024-03-bhd",
        "gb-2024-03-gbp-no-bom", "empty-report",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char in[256];
        char gold[256];
        const char *files[1];
        struct st_normalize_opts o;
        struct st_problems p;
        struct st_normalize_stats stats;
        struct st_err err;
        struct sink s;
        char *want = NULL;
        size_t want_len = 0;

        assert_true(snprintf(in, sizeof(in), T "%s.csv", names[i]) <
                    (int)sizeof(in));
        assert_true(snprintf(gold, sizeof(gold), T "golden/%s.csv", names[i]) <
                    (int)sizeof(gold));
        files[0] = in;
        opts_init(&o, &p);
        sink_open(&s);
        assert_int_equal(st_normalize_files(&o, files, 1, s.f, &stats, &err),
                         0);
        sink_close(&s);
        assert_int_equal(st_file_read_all(gold, &want, &want_len, &err), 0);
        if (s.len != want_len || memcmp(s.data, want, want_len) != 0)
            fail_msg("%s differs from %s", in, gold);
        assert_int_equal(stats.files, 1);
        st_free(want);
        free(s.data);
    }
}

#define PRE                                                                 \
    "\"SellerId\",\"S1\"\n"                                                 \
    "\"SettlementStartDate\",\"2024-03-01T00:00:00Z\"\n"                    \
    "\"SettlementEndDate\",\"2024-03-02T00:00:00Z\"\n"                      \
    "\"TransactionPostedDate\",\"SettlementId\",\"AmazonTransactionId\","   \
    "\"SellerReferenceId\",\"TransactionType\",\"AmazonOrderReferenceId\"," \
    "\"SellerOrderId\",\"StoreName\",\"CurrencyCode\","                     \
    "\"TransactionDescription\",\"TransactionAmount\","                     \
    "\"TransactionPercentageFee\",\"TransactionFixedFee\","                 \
    "\"TotalTransactionFee\",\"NetTransactionAmount\"\n"

/* Converts into USD at invented quotes: JPY 1000 and USD 1.3 per EUR. */
static void
test_fx_columns(void **state)
{
    static const char text[] =
        PRE "\"2024-03-01T10:00:00Z\",\"9\",\"\",\"\",\"Capture\",\"\",\"\","
            "\"a,b\",\"JPY\",\"x\"\"y\",\"-1\",\"0\",\"0\",\"0\",\"-1\"\n"
            "\"2024-03-01T11:00:00Z\",\"9\",\"\",\"\",\"Capture\",\"\",\"\","
            "\"\",\"USD\",\"=1+1\",\"1.00\",\"0\",\"0\",\"0\",\"1.00\"\n";
    static const char want_tail[] =
        ",S1,9,2024-03-01T00:00:00Z,2024-03-02T00:00:00Z,"
        "2024-03-01T10:00:00Z,capture,Capture,,,,,\"a,b\",\"x\"\"y\",JPY,"
        "-1,0,0,0,-1,USD,0.0013,2024-03-01,0.00\n";
    static const char want_tail2[] =
        ",S1,9,2024-03-01T00:00:00Z,2024-03-02T00:00:00Z,"
        "2024-03-01T11:00:00Z,capture,Capture,,,,,,=1+1,USD,"
        "1.00,0.00,0.00,0.00,1.00,USD,1,2024-03-01,1.00\n";
    struct st_rate jpy = {1000, 0};
    struct st_rate usd = {13, 1};
    struct st_normalize_opts o;
    struct st_problems p;
    struct st_fx *fx = NULL;
    struct st_err err;
    struct sink s;
    char *nl;

    (void)state;
    opts_init(&o, &p);
    assert_int_equal(st_fx_new(&fx, &err), 0);
    assert_int_equal(st_fx_add(fx, 19783, "JPY", &jpy, &err), 0);
    assert_int_equal(st_fx_add(fx, 19783, "USD", &usd, &err), 0);
    st_fx_sort(fx);
    o.fx = fx;
    o.reporting = st_currency_find("USD", 3);
    sink_open(&s);
    assert_int_equal(
        st_normalize_buffer(&o, "b.csv", text, sizeof(text) - 1, s.f, &err), 0);
    sink_close(&s);
    assert_int_equal(p.total, 0);
    /* sha256 (64 hex), then the line number */
    assert_memory_equal(s.data + 64, ",5", 2);
    assert_memory_equal(s.data + 66, want_tail, sizeof(want_tail) - 1);
    nl = strchr(s.data, '\n');
    assert_non_null(nl);
    assert_memory_equal(nl + 1 + 64, ",6", 2);
    assert_string_equal(nl + 1 + 66, want_tail2);
    free(s.data);

    /* a maximum age of 0 days still takes the same day's quotes */
    o.fx_max_age_days = 0;
    st_problems_init(&p);
    sink_open(&s);
    assert_int_equal(
        st_normalize_buffer(&o, "b.csv", text, sizeof(text) - 1, s.f, &err), 0);
    sink_close(&s);
    assert_int_equal(p.total, 0);
    free(s.data);
    /* no rates at all: refused, one located problem */
    o.fx = NULL;
    sink_open(&s);
    assert_int_equal(
        st_normalize_buffer(&o, "b.csv", text, sizeof(text) - 1, s.f, &err),
        ST_ERR_DATA);
    sink_close(&s);
    assert_int_equal(p.kept[0].line, 5);
    assert_string_equal(p.kept[0].msg, "no FX rates loaded");
    free(s.data);
    st_fx_free(fx);
}

static void
test_refused(void **state)
{
    const char *files[] = {T "us-2024-03-all-types.csv", T "bad-net.csv",
                           T "bad-date.csv"};
    struct st_normalize_opts o;
    struct st_problems p;
    struct st_err err;
    struct sink s;

    (void)state;
    opts_init(&o, &p);
    sink_open(&s);
    assert_int_equal(st_normalize_files(&o, files, 3, s.f, NULL, &err),
                     ST_ERR_DATA);
    sink_close(&s);
    assert_int_equal(p.total, 2);
    assert_string_equal(p.kept[0].file, T "bad-net.csv");
    assert_int_equal(p.kept[0].line, 8);
    assert_int_equal(p.kept[0].col, 15);
    assert_string_equal(p.kept[1].file, T "bad-date.csv");
    assert_non_null(strstr(err.msg, "2 problems"));
    free(s.data);

    /* the configured seller */
    opts_init(&o, &p);
    o.expect_seller = "A9OTHER";
    sink_open(&s);
    assert_int_equal(st_normalize_files(&o, files, 1, s.f, NULL, &err),
                     ST_ERR_DATA);
    sink_close(&s);
    assert_int_equal(p.total, 1);
    assert_int_equal(p.kept[0].line, 3);
    free(s.data);
}

static void
test_missing(void **state)
{
    const char *files[] = {T "no-such-report.csv"};
    const char *dir[] = {T};
    struct st_normalize_opts o;
    struct st_problems p;
    struct st_err err;
    struct sink s;

    (void)state;
    opts_init(&o, &p);
    sink_open(&s);
    assert_int_equal(st_normalize_files(&o, files, 1, s.f, NULL, &err),
                     ST_ERR_NOINPUT);
    assert_non_null(strstr(err.msg, "no-such-report.csv"));
    assert_int_equal(st_normalize_files(&o, dir, 1, s.f, NULL, &err),
                     ST_ERR_NOINPUT);
    sink_close(&s);
    free(s.data);
}

/*
 * A report big enough for many hand-overs to the writer thread: the same
 * rows, in order, as the in-memory path; then a write error (/dev/full)
 * comes back as ST_ERR_IO.
 */
static void
test_large(void **state)
{
    char path[] = "/tmp/test_normalize_XXXXXX";
    const char *files[1] = {path};
    struct st_normalize_opts o;
    struct st_problems p;
    struct st_normalize_stats stats;
    struct st_err err;
    struct sink a;
    struct sink b;
    FILE *f;
    FILE *full;
    char *text = NULL;
    size_t len = 0;
    long i;
    int fd;

    (void)state;
    f = open_memstream(&text, &len);
    assert_non_null(f);
    fputs(PRE, f);
    for (i = 0; i < 6000; i++)
        fprintf(f,
                "\"2024-03-01T10:%02ld:%02ldZ\",\"9\",\"T-%ld\",\"R\","
                "\"Capture\",\"O-%ld\",\"S\",\"Store, Inc.\",\"USD\","
                "\"say \"\"%ld\"\"\",\"%ld.00\",\"-0.30\",\"-0.30\","
                "\"-0.60\",\"%ld.40\"\n",
                i / 60 % 60, i % 60, i, i, i, i + 1, i);
    assert_int_equal(fclose(f), 0);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);

    opts_init(&o, &p);
    sink_open(&a);
    assert_int_equal(st_normalize_files(&o, files, 1, a.f, &stats, &err), 0);
    sink_close(&a);
    assert_int_equal(stats.lines, 6000);
    assert_true(a.len > (size_t)1024 * 1024);
    sink_open(&b);
    assert_int_equal(st_normalize_buffer(&o, path, text, len, b.f, &err), 0);
    sink_close(&b);
    assert_int_equal(p.total, 0);
    assert_int_equal(a.len, strlen(st_normalize_csv_header) + b.len);
    assert_memory_equal(a.data + strlen(st_normalize_csv_header), b.data,
                        b.len);

    full = fopen("/dev/full", "w");
    if (full != NULL) {
        assert_int_equal(st_normalize_files(&o, files, 1, full, NULL, &err),
                         ST_ERR_IO);
        assert_non_null(strstr(err.msg, "cannot write output"));
        (void)fclose(full);
    }
    unlink(path);
    free(text);
    free(a.data);
    free(b.data);
}

static void
test_nomem(void **state)
{
    const char *files[] = {T "de-2024-03-eur-extra-column.csv"};
    long nth;

    (void)state;
    for (nth = 1; nth < 60; nth++) {
        struct st_normalize_opts o;
        struct st_problems p;
        struct st_err err;
        struct sink s;
        int rc;

        opts_init(&o, &p);
        sink_open(&s);
        st_alloc_fail_at(nth);
        rc = st_normalize_files(&o, files, 1, s.f, NULL, &err);
        st_alloc_fail_at(0);
        sink_close(&s);
        free(s.data);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
        if (rc == 0)
            break;
    }
    assert_true(nth < 60);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),  cmocka_unit_test(test_fx_columns),
        cmocka_unit_test(test_refused), cmocka_unit_test(test_missing),
        cmocka_unit_test(test_large),   cmocka_unit_test(test_nomem),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
