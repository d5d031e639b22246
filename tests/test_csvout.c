/*
 * test_csvout.c: lib/io/csvout, the spreadsheet CSV writer. Quoting per RFC
 * 4180, the formula guard on text cells (and never on numbers), amounts in
 * 0-, 2-, 3- and 4-decimal currencies with either decimal separator, the
 * BOM and line ends, and a write error that sticks to close.
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
#include "io/csvout.h"
#include "skip.h"
#include "tmpdir.h"
#include "core/banned.h"

struct mem {
    char *data;
    size_t len;
    FILE *fp;
};

static void
mem_open(struct mem *m)
{
    m->data = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->data, &m->len);
    assert_non_null(m->fp);
}

static void
mem_close(struct mem *m)
{
    assert_int_equal(fclose(m->fp), 0);
}

/* ---------------------------------------------------------------- text */

struct text_case {
    const char *in;
    char delimiter;
    int guard;
    const char *want; /* the cell followed by the row's LF */
};

static const struct text_case text_cases[] = {
    /* plain */
    {"abc", ',', 1, "abc\n"},
    {"", ',', 1, "\n"},
    {"Grüße", ',', 1, "Grüße\n"},
    /* quoting */
    {"a,b", ',', 1, "\"a,b\"\n"},
    {"a;b", ',', 1, "a;b\n"},
    {"a;b", ';', 1, "\"a;b\"\n"},
    {"say \"hi\"", ',', 1, "\"say \"\"hi\"\"\"\n"},
    {"\"", ',', 1, "\"\"\"\"\n"},
    {"two\nlines", ',', 1, "\"two\nlines\"\n"},
    {"cr\rin", ',', 1, "\"cr\rin\"\n"},
    /* the formula guard */
    {"=SUM(A1)", ',', 1, "'=SUM(A1)\n"},
    {"+1", ',', 1, "'+1\n"},
    {"-1 text", ',', 1, "'-1 text\n"},
    {"@x", ',', 1, "'@x\n"},
    {"\tTAB", ',', 1, "'\tTAB\n"},
    {"\rCR", ',', 1, "\"'\rCR\"\n"},
    {"=A1,B1", ',', 1, "\"'=A1,B1\"\n"},
    {"=\"x\"", ',', 1, "\"'=\"\"x\"\"\"\n"},
    {"a=b", ',', 1, "a=b\n"},
    {" =x", ',', 1, " =x\n"},
    /* guard off: a data interface */
    {"=SUM(A1)", ',', 0, "=SUM(A1)\n"},
    {"-1", ',', 0, "-1\n"},
};

static void
test_text(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        const struct text_case *tc = &text_cases[i];
        struct st_csvout_opts o = {.delimiter = tc->delimiter,
                                   .decimal = '.',
                                   .bom = 0,
                                   .crlf = 0,
                                   .guard = tc->guard ? 1u : 0u};
        struct st_csvout w;
        struct mem m;

        mem_open(&m);
        st_csvout_init(&w, m.fp, &o);
        st_csvout_str(&w, tc->in);
        st_csvout_end_row(&w);
        assert_int_equal(st_csvout_close(&w, NULL), 0);
        mem_close(&m);
        if (strcmp(m.data, tc->want) != 0)
            fail_msg("case %zu (%s): got [%s], want [%s]", i, tc->in, m.data,
                     tc->want);
        free(m.data);
    }
}

/* ---------------------------------------------------------------- numbers */

struct amount_case {
    int64_t minor;
    int exponent;
    char decimal;
    char delimiter;
    const char *want;
};

static const struct amount_case amount_cases[] = {
    {-59, 2, '.', ',', "-0.59"},
    {123456, 2, '.', ',', "1234.56"},
    {123456, 2, ',', ';', "1234,56"},
    {123456, 2, ',', ',', "\"1234,56\""}, /* comma in a comma file */
    {1500, 0, ',', ';', "1500"},
    {-1500, 0, '.', ',', "-1500"},
    {1250, 3, '.', ',', "1.250"},
    {-1, 3, ',', ';', "-0,001"},
    {12345, 4, '.', ',', "1.2345"},
    {0, 2, '.', ',', "0.00"},
    {INT64_MAX, 2, '.', ',', "92233720368547758.07"},
    {INT64_MIN, 2, '.', ',', "-92233720368547758.08"},
};

static void
test_amount(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(amount_cases) / sizeof(amount_cases[0]); i++) {
        const struct amount_case *ac = &amount_cases[i];
        struct st_csvout_opts o = {.delimiter = ac->delimiter,
                                   .decimal = ac->decimal,
                                   .bom = 0,
                                   .crlf = 0,
                                   .guard = 1};
        struct st_csvout w;
        struct mem m;
        char want[64];

        mem_open(&m);
        st_csvout_init(&w, m.fp, &o);
        st_csvout_amount(&w, ac->minor, ac->exponent);
        st_csvout_end_row(&w);
        assert_int_equal(st_csvout_close(&w, NULL), 0);
        mem_close(&m);
        assert_true(snprintf(want, sizeof(want), "%s\n", ac->want) > 0);
        if (strcmp(m.data, want) != 0)
            fail_msg("case %zu: got [%s], want [%s]", i, m.data, want);
        free(m.data);
    }
}

static void
test_number_and_int(void **state)
{
    struct st_csvout_opts o = {
        .delimiter = ';', .decimal = ',', .bom = 0, .crlf = 0, .guard = 1};
    struct st_csvout w;
    struct mem m;

    (void)state;
    mem_open(&m);
    st_csvout_init(&w, m.fp, &o);
    st_csvout_number(&w, "1.0856", 6);
    st_csvout_number(&w, "-0.5", 4);
    st_csvout_int(&w, -42);
    st_csvout_int(&w, INT64_MIN);
    st_csvout_empty(&w);
    st_csvout_end_row(&w);
    assert_int_equal(st_csvout_close(&w, NULL), 0);
    mem_close(&m);
    assert_string_equal(m.data, "1,0856;-0,5;-42;-9223372036854775808;\n");
    free(m.data);
}

/* ---------------------------------------------------------------- files */

static void
test_bom_crlf_rows(void **state)
{
    struct st_csvout w;
    struct mem m;

    (void)state;
    mem_open(&m);
    st_csvout_init(&w, m.fp, &st_csvout_excel);
    st_csvout_str(&w, "a");
    st_csvout_empty(&w);
    st_csvout_amount(&w, -5, 2);
    st_csvout_end_row(&w);
    st_csvout_str(&w, "b");
    st_csvout_end_row(&w);
    assert_int_equal((int)w.rows, 2);
    assert_int_equal(st_csvout_close(&w, NULL), 0);
    mem_close(&m);
    assert_int_equal((int)m.len, 3 + 10 + 3);
    assert_memory_equal(m.data,
                        "\xEF\xBB\xBF"
                        "a,,-0.05\r\nb\r\n",
                        m.len);
    free(m.data);
}

static void
test_open_close_file(void **state)
{
    char dir[] = "/tmp/test_csvout.XXXXXX";
    char path[64];
    char bad[96];
    struct st_csvout w;
    struct st_err err;
    FILE *fp;
    char buf[32];
    size_t n;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_true(snprintf(path, sizeof(path), "%s/x.csv", dir) > 0);
    assert_int_equal(st_csvout_open(&w, path, &st_csvout_excel, &err), 0);
    st_csvout_str(&w, "=1");
    st_csvout_end_row(&w);
    assert_int_equal(st_csvout_close(&w, &err), 0);
    /* closing twice is harmless */
    assert_int_equal(st_csvout_close(&w, &err), 0);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf), fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal((int)n, 8);
    assert_memory_equal(buf, "\xEF\xBB\xBF'=1\r\n", 8);
    /* a file where a directory should be: cannot create */
    assert_true(snprintf(bad, sizeof(bad), "%s/x.csv/y.csv", dir) > 0);
    assert_int_equal(st_csvout_open(&w, bad, &st_csvout_excel, &err),
                     ST_ERR_CANTCREAT);
    assert_non_null(strstr(err.msg, "y.csv"));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void
test_write_error_sticks(void **state)
{
    struct st_csvout w;
    struct st_err err;
    FILE *fp = fopen("/dev/full", "wb");

    (void)state;
    if (fp == NULL)
        SKIP_BECAUSE("no /dev/full to fail a write on");
    assert_int_equal(setvbuf(fp, NULL, _IONBF, 0), 0);
    st_csvout_init(&w, fp, &st_csvout_excel);
    st_csvout_str(&w, "x");
    st_csvout_end_row(&w);
    assert_int_equal(st_csvout_error(&w), ST_ERR_IO);
    assert_int_equal(st_csvout_close(&w, &err), ST_ERR_IO);
    assert_int_equal(err.code, ST_ERR_IO);
    /* the reason, not just "write failed" */
    assert_non_null(strstr(err.msg, "No space left on device"));
    (void)fclose(fp);
}

/* Every allocation of open, write and close failing in turn. */
static void
test_alloc_failures(void **state)
{
    struct test_tmpdir *t = *state;
    char *path = t->path;
    long nth;
    int rc = ST_ERR_NOMEM;

    assert_true(snprintf(t->path, sizeof(t->path), "%s/x.csv", t->dir) > 0);
    for (nth = 1; nth < 50 && rc != 0; nth++) {
        struct st_csvout w;
        struct st_err err;

        st_alloc_fail_at(nth);
        rc = st_csvout_open(&w, path, &st_csvout_excel, &err);
        if (rc == 0) {
            st_csvout_str(&w, "@x");
            st_csvout_end_row(&w);
            rc = st_csvout_close(&w, &err);
        }
        st_alloc_fail_at(0);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(access(path, F_OK), 0); /* written, in the end */
}

/* st_csv_put_text: every length around the eight-byte steps. */
static void
test_put_text(void **state)
{
    static const struct {
        const char *in;
        int always;
        const char *out;
    } cases[] = {
        {"", 0, ""},
        {"", 1, "\"\""},
        {"abc", 0, "abc"},
        {"abc", 1, "\"abc\""},
        {"a,b", 0, "\"a,b\""},
        {"abcd\"e", 0, "\"abcd\"\"e\""},
        {"abcdefgh", 0, "abcdefgh"},
        {"abcdefg\n", 0, "\"abcdefg\n\""},
        {"abcdefghi\r", 0, "\"abcdefghi\r\""},
        {"abcdefghijklmnopq", 0, "abcdefghijklmnopq"},
        {"abcdefgh,ijklmnop", 0, "\"abcdefgh,ijklmnop\""},
        {"\"\"", 0, "\"\"\"\"\"\""},
        {"-+=@ 0.59", 0, "-+=@ 0.59"}, /* no guard here */
    };
    char out[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].in);
        char *end;

        assert_true(ST_CSV_TEXT_ROOM(n) <= sizeof(out));
        end = st_csv_put_text(out, cases[i].in, n, cases[i].always);
        *end = '\0';
        assert_string_equal(out, cases[i].out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_put_text),
        cmocka_unit_test(test_amount),
        cmocka_unit_test(test_number_and_int),
        cmocka_unit_test(test_bom_crlf_rows),
        cmocka_unit_test(test_open_close_file),
        cmocka_unit_test(test_write_error_sticks),
        cmocka_unit_test_setup_teardown(test_alloc_failures, test_tmpdir_setup,
                                        test_tmpdir_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
