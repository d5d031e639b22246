/*
 * test_template.c: lib/report/template, the statement layouts. The parser on
 * valid files and on each mistake (located at file, line and column), the
 * row writer for every format into CSV, the shipped English and German
 * sets, and the directory lookup next to the program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "report/template.h"
#include "core/banned.h"

/* ---------------------------------------------------------------- parse */

struct parse_case {
    const char *text;
    enum st_template_kind kind;
    int rc;
    long line; /* of the error */
    long col;
    const char *msg; /* substring of the error, or of nothing */
    size_t ncols;
    char delimiter;
    char decimal;
};

/* Every account journal.tmpl requires. */
#define JOURNAL_MAP                               \
    "account clearing 1210 Amazon Pay clearing\n" \
    "account bank 1200\n"                         \
    "account reserve 1215 Reserve\n"              \
    "account sales 4000 Sales\n"                  \
    "account refunds 4010 Refunds\n"              \
    "account chargebacks 4020 Chargebacks\n"      \
    "account adjustments 4090 Adjustments\n"      \
    "account other 4099 Other\n"                  \
    "account debt 2210 Amazon Pay debt\n"         \
    "account fees 6100 Fees\n"                    \
    "account fx_rounding 7900 Rounding\n"

static const struct parse_case parse_cases[] = {
    /* valid */
    {"column amount amount 12 Amount\n", ST_TMPL_STATEMENT, 0, 0, 0, NULL, 1,
     ',', '.'},
    {"# c\n\ndelimiter ;\ndecimal ,\n"
     "column net amount 14 Netto (EUR)  \r\n"
     "column kind text 8 Art\n",
     ST_TMPL_STATEMENT, 0, 0, 0, NULL, 2, ';', ','},
    {"\xEF\xBB\xBF"
     "delimiter tab\ncolumn source_line text 5 Zeile",
     ST_TMPL_STATEMENT, 0, 0, 0, NULL, 1, '\t', '.'},
    {"sheet Meine Übersicht\ncolumn lines int 5 Anzahl\n", ST_TMPL_SUMMARY, 0,
     0, 0, NULL, 1, ',', '.'},
    {"column net_reporting amount 14 EUR\n", ST_TMPL_STATEMENT, 0, 0, 0, NULL,
     1, ',', '.'},
    {"column days_left int 3 Days\ncolumn respond_by date 10 By\n",
     ST_TMPL_DISPUTES, 0, 0, 0, NULL, 2, ',', '.'},
    {"column posted_at text 20 When\n", ST_TMPL_EXCEPTIONS, 0, 0, 0, NULL, 1,
     ',', '.'},
    {"column amount amount 255 A\ncolumn amount amount 1 B\n",
     ST_TMPL_STATEMENT, 0, 0, 0, NULL, 2, ',', '.'},
    /* unknown field, located */
    {"column amount amount 12 A\n  column no_such text 5 X\n",
     ST_TMPL_STATEMENT, ST_ERR_CONFIG, 2, 10, "unknown field 'no_such'", 0, 0,
     0},
    {"column lines int 5 X\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 8,
     "unknown field 'lines'", 0, 0, 0},
    /* formats */
    {"column kind amount 5 X\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 13,
     "format 'amount' does not suit field 'kind'", 0, 0, 0},
    {"column amount money 5 X\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 15,
     "format 'money'", 0, 0, 0},
    {"column amount\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 14,
     "needs a format", 0, 0, 0},
    /* widths */
    {"column amount amount 0 X\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 22,
     "width '0'", 0, 0, 0},
    {"column amount amount 256 X\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 22,
     "width '256'", 0, 0, 0},
    {"column amount amount 1x X\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 22,
     "width '1x'", 0, 0, 0},
    {"column amount amount\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 21,
     "width ''", 0, 0, 0},
    /* header */
    {"column amount amount 12\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 24,
     "needs a header", 0, 0, 0},
    {"column amount amount 12    \n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 28,
     "needs a header", 0, 0, 0},
    {"column amount amount 12 a\x01b\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1,
     26, "control character", 0, 0, 0},
    /* settings */
    {"delimiter ;;\ncolumn net amount 1 N\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG,
     1, 11, "delimiter", 0, 0, 0},
    {"delimiter \"\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 11, "delimiter", 0,
     0, 0},
    {"decimal ;\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 9, "decimal", 0, 0, 0},
    {"decimal , extra\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 11,
     "unexpected text", 0, 0, 0},
    {"colour red\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 1,
     "unknown setting 'colour'", 0, 0, 0},
    {"sheet X\ncolumn net amount 1 N\n", ST_TMPL_STATEMENT, ST_ERR_CONFIG, 1, 1,
     "named by currency", 0, 0, 0},
    {"sheet A/B\n", ST_TMPL_SUMMARY, ST_ERR_CONFIG, 1, 7, "sheet name", 0, 0,
     0},
    {"sheet 12345678901234567890123456\n", ST_TMPL_SUMMARY, ST_ERR_CONFIG, 1, 7,
     "sheet name", 0, 0, 0},
    /* the journal's account map and dates */
    {JOURNAL_MAP "column account_code text 8 A\n", ST_TMPL_JOURNAL, 0, 0, 0,
     NULL, 1, ',', '.'},
    {"account sales 4000\n", ST_TMPL_SUMMARY, ST_ERR_CONFIG, 1, 1,
     "only journal.tmpl", 0, 0, 0},
    {"account salez 4000 Sales\n", ST_TMPL_JOURNAL, ST_ERR_CONFIG, 1, 9,
     "unknown account 'salez'", 0, 0, 0},
    {"account sales\n", ST_TMPL_JOURNAL, ST_ERR_CONFIG, 1, 14, "needs a code",
     0, 0, 0},
    {"account sales 1 A\naccount sales 2 B\n", ST_TMPL_JOURNAL, ST_ERR_CONFIG,
     2, 1, "given twice", 0, 0, 0},
    {"tax fees\n", ST_TMPL_JOURNAL, ST_ERR_CONFIG, 1, 9, "tax needs a code", 0,
     0, 0},
    {"tax default A\ntax default B\n", ST_TMPL_JOURNAL, ST_ERR_CONFIG, 2, 1,
     "tax of 'default' given twice", 0, 0, 0},
    {"tax bank A\ntax default B\ncolumn line int 3 L\n", ST_TMPL_JOURNAL,
     ST_ERR_CONFIG, 0, 0, "no account 'clearing'", 0, 0, 0},
    {"sheet Journal\n", ST_TMPL_JOURNAL, ST_ERR_CONFIG, 1, 1, "CSV only", 0, 0,
     0},
    {"dates yyyy.mm.dd\n", ST_TMPL_SUMMARY, ST_ERR_CONFIG, 1, 7,
     "dates must be", 0, 0, 0},
    /* no columns at all */
    {"# nothing\n", ST_TMPL_DISPUTES, ST_ERR_CONFIG, 0, 0, "no column", 0, 0,
     0},
    {"", ST_TMPL_DISPUTES, ST_ERR_CONFIG, 0, 0, "no column", 0, 0, 0},
};

static void
test_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *pc = &parse_cases[i];
        struct st_template t;
        struct st_err err;
        int rc;

        st_err_clear(&err);
        rc = st_template_parse(pc->text, strlen(pc->text), "x.tmpl", pc->kind,
                               &t, &err);
        if (rc != pc->rc)
            fail_msg("case %zu: rc %d, want %d (%s)", i, rc, pc->rc, err.msg);
        if (rc == 0) {
            assert_int_equal(t.ncols, pc->ncols);
            assert_int_equal(t.csv.delimiter, pc->delimiter);
            assert_int_equal(t.csv.decimal, pc->decimal);
        } else {
            if (strstr(err.msg, pc->msg) == NULL)
                fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg,
                         pc->msg);
            assert_string_equal(err.file, "x.tmpl");
            if (err.line != pc->line || err.col != pc->col)
                fail_msg("case %zu: at %ld:%ld, want %ld:%ld", i, err.line,
                         err.col, pc->line, pc->col);
        }
        st_template_release(&t);
        st_template_release(&t); /* twice is harmless */
    }
}

static void
test_parse_details(void **state)
{
    static const char text[] = "sheet Streitfälle\n"
                               "column respond_by date 12 Antwort bis\n"
                               "column amount amount 14 Betrag  \n";
    struct st_template t;
    struct st_err err;

    (void)state;
    assert_int_equal(st_template_parse(text, strlen(text), "d.tmpl",
                                       ST_TMPL_DISPUTES, &t, &err),
                     0);
    assert_string_equal(t.sheet, "Streitfälle");
    assert_int_equal(t.ncols, 2);
    assert_string_equal(t.xcols[0].header, "Antwort bis");
    assert_int_equal(t.xcols[0].width, 12);
    assert_string_equal(t.xcols[1].header, "Betrag");
    assert_int_equal(t.cols[0].format, ST_TYPE_DATE);
    assert_int_equal(t.cols[1].format, ST_TYPE_AMOUNT);
    st_template_release(&t);
}

/* The map's fallbacks: carryover to clearing, fee_ to fees, taxes. */
static void
test_journal_map(void **state)
{
    static const char text[] =
        JOURNAL_MAP "account fee_refunds 6110   Fees on refunds  \n"
                    "tax default No VAT\n"
                    "tax fees Reverse Charge Expenses (20%)\n"
                    "tax fee_chargebacks Exempt Expenses\n"
                    "dates dd/mm/yyyy\n"
                    "column journal_date date 10 Date\n"
                    "column account_code text 8 Account\n"
                    "column book_amount amount 12 Amount\n";
    static const char *const cells[] = {"31/03/2026,1210,-12.34\r\n"};
    const char *v[30] = {NULL};
    struct st_template t;
    struct st_account_ref a;
    struct st_csvout csv;
    struct st_err err;
    char *data = NULL;
    size_t len = 0;
    FILE *fp;

    (void)state;
    assert_int_equal(st_template_parse(text, strlen(text), "j.tmpl",
                                       ST_TMPL_JOURNAL, &t, &err),
                     0);
    a = st_template_account(&t, ST_ACC_BANK);
    assert_string_equal(a.code, "1200");
    assert_string_equal(a.name, "1200"); /* no name: the code */
    assert_string_equal(a.tax, "No VAT");
    a = st_template_account(&t, ST_ACC_CARRYOVER);
    assert_string_equal(a.code, "1210");
    assert_string_equal(a.name, "Amazon Pay clearing");
    a = st_template_account(&t, ST_ACC_FEE_SALES);
    assert_string_equal(a.code, "6100");
    assert_string_equal(a.tax, "Reverse Charge Expenses (20%)");
    a = st_template_account(&t, ST_ACC_FEE_REFUNDS);
    assert_string_equal(a.name, "Fees on refunds");
    assert_string_equal(a.tax, "Reverse Charge Expenses (20%)");
    a = st_template_account(&t, ST_ACC_FEE_CHARGEBACKS);
    assert_string_equal(a.code, "6100");
    assert_string_equal(a.tax, "Exempt Expenses");
    assert_int_equal(t.dates, ST_DATES_DMY);
    /* the date style reaches the CSV cell; the signed amount stays one */
    fp = open_memstream(&data, &len);
    assert_non_null(fp);
    st_csvout_init(&csv, fp, &t.csv);
    v[1] = "2026-03-31";
    v[4] = "1210";
    v[21] = "-1234";
    assert_int_equal(st_template_emit(&t, v, 2, 2, &csv, NULL, &err), 0);
    assert_int_equal(st_csvout_close(&csv, NULL), 0);
    assert_int_equal(fclose(fp), 0);
    assert_non_null(strstr(data, cells[0]));
    free(data);
    st_template_release(&t);
}

static void
test_parse_nomem(void **state)
{
    static const char text[] = "column amount amount 12 A\n"
                               "column net amount 12 B\n";
    long n;

    (void)state;
    for (n = 1; n < 20; n++) {
        struct st_template t;
        struct st_err err;
        int rc;

        st_alloc_fail_at(n);
        rc = st_template_parse(text, strlen(text), "x", ST_TMPL_STATEMENT, &t,
                               &err);
        st_alloc_fail_at(0);
        st_template_release(&t);
        if (rc == 0)
            break;
        assert_int_equal(rc, ST_ERR_NOMEM);
    }
    assert_true(n < 20);
}

/* ---------------------------------------------------------------- emit */

static void
test_emit_csv(void **state)
{
    static const char text[] = "delimiter ;\ndecimal ,\n"
                               "column posted_at datetime 20 P\n"
                               "column description text 20 D\n"
                               "column amount amount 10 A\n"
                               "column net_reporting amount 10 R\n"
                               "column fx_rate rate 10 F\n"
                               "column fx_date date 10 FD\n"
                               "column source_line int 5 L\n"
                               "column amount text 10 AT\n"
                               "column ledger_amount amount 10 LA\n";
    struct st_template t;
    struct st_err err;
    struct st_csvout w;
    const char *v[30];
    char *data = NULL;
    size_t len = 0;
    FILE *fp;
    size_t nf;
    size_t i;

    (void)state;
    (void)st_template_fields(ST_TMPL_STATEMENT, &nf);
    assert_int_equal(nf, 30);
    for (i = 0; i < nf; i++)
        v[i] = NULL;
    v[0] = "2026-11-19T10:00:00Z";
    v[9] = "=SUM(A1)";
    v[11] = "-123456";
    v[17] = "1.0856";
    v[18] = "2026-11-19";
    v[19] = "-1000";
    v[29] = "42";
    assert_int_equal(
        st_template_parse(text, strlen(text), "x", ST_TMPL_STATEMENT, &t, &err),
        0);
    fp = open_memstream(&data, &len);
    assert_non_null(fp);
    st_csvout_init(&w, fp, &t.csv);
    st_template_csv_header(&t, &w);
    assert_int_equal(st_template_emit(&t, v, 2, 0, &w, NULL, &err), 0);
    /* a value that is not its type is an error naming the field */
    v[11] = "12.5";
    assert_int_equal(st_template_emit(&t, v, 2, 0, &w, NULL, &err),
                     ST_ERR_DATA);
    assert_non_null(strstr(err.msg, "'amount'"));
    v[11] = "1";
    v[0] = "yesterday";
    assert_int_equal(st_template_emit(&t, v, 2, 0, &w, NULL, &err),
                     ST_ERR_DATA);
    assert_int_equal(st_csvout_close(&w, NULL), 0);
    assert_int_equal(fclose(fp), 0);
    /* up to the first error row's partial cells */
    assert_non_null(strstr(data, "\xEF\xBB\xBFP;D;A;R;F;FD;L;AT;LA\r\n"
                                 "2026-11-19T10:00:00Z;'=SUM(A1);-1234,56;"
                                 "-1000;1,0856;2026-11-19;42;'-123456;\r\n"));
    free(data);
    st_template_release(&t);
}

/* ---------------------------------------------------------------- sets */

static void
check_set(const char *dir, char delimiter, char decimal)
{
    struct st_template_set set;
    struct st_err err;
    struct stat sb;
    int k;

    if (stat(dir, &sb) != 0)
        fail_msg("%s: the project's templates are missing", dir);
    if (st_template_set_load(dir, NULL, &set, &err) != 0)
        fail_msg("%s: %s:%ld: %s", dir, err.file, err.line, err.msg);
    for (k = 0; k < ST_TMPL_KINDS; k++) {
        assert_true(set.t[k].ncols > 0);
        assert_int_equal(set.t[k].csv.delimiter, delimiter);
        assert_int_equal(set.t[k].csv.decimal, decimal);
        assert_int_equal(set.t[k].csv.bom, 1);
        assert_int_equal(set.t[k].csv.crlf, 1);
        assert_int_equal(set.t[k].csv.guard, 1);
        assert_true(k == ST_TMPL_STATEMENT || k == ST_TMPL_JOURNAL ||
                    set.t[k].sheet != NULL);
    }
    st_template_set_release(&set);
}

static void
test_shipped_english(void **state)
{
    (void)state;
    check_set("templates", ',', '.');
}

static void
test_shipped_german(void **state)
{
    (void)state;
    check_set("templates/de", ';', ',');
}

/* The journal layouts for Xero and QuickBooks: the rest is built in. */
static void
check_layout(const char *dir, enum st_date_style dates, const char *first)
{
    struct st_template_set set;
    struct st_err err;
    const struct st_template *t;

    if (st_template_set_load(dir, "templates", &set, &err) != 0)
        fail_msg("%s: %s:%ld: %s", dir, err.file, err.line, err.msg);
    t = &set.t[ST_TMPL_JOURNAL];
    assert_non_null(strstr(t->path, dir));
    assert_int_equal(t->dates, dates);
    assert_string_equal(t->xcols[0].header, first);
    assert_non_null(strstr(set.t[ST_TMPL_SUMMARY].path, "templates/summary"));
    st_template_set_release(&set);
}

static void
test_shipped_layouts(void **state)
{
    (void)state;
    check_layout("templates/xero", ST_DATES_DMY, "*Narration");
    check_layout("templates/quickbooks", ST_DATES_MDY, "Journal No.");
}

static void
test_missing_file(void **state)
{
    struct st_template t;
    struct st_err err;

    (void)state;
    assert_int_equal(st_template_load("/nonexistent/statement.tmpl",
                                      ST_TMPL_STATEMENT, &t, &err),
                     ST_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "/nonexistent/statement.tmpl"));
    st_template_release(&t);
}

static void
test_find_dir(void **state)
{
    char top[] = "/tmp/test_template.XXXXXX";
    char path[256];
    char out[512];
    struct st_err err;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(top));
    /* source tree layout: TOP/build/bin/settle and TOP/templates */
    assert_true(snprintf(path, sizeof(path), "%s/build", top) > 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_true(snprintf(path, sizeof(path), "%s/build/bin", top) > 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_true(snprintf(path, sizeof(path), "%s/build/bin/settle", top) > 0);
    assert_int_equal(st_template_find_dir(path, out, sizeof(out), &err),
                     ST_ERR_CONFIG);
    assert_true(snprintf(path, sizeof(path), "%s/templates", top) > 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_true(
        snprintf(path, sizeof(path), "%s/templates/statement.tmpl", top) > 0);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fclose(fp), 0);
    assert_true(snprintf(path, sizeof(path), "%s/build/bin/settle", top) > 0);
    assert_int_equal(st_template_find_dir(path, out, sizeof(out), &err), 0);
    assert_true(
        snprintf(path, sizeof(path), "%s/build/bin/../../templates", top) > 0);
    assert_string_equal(out, path);
    /* configured wins */
    assert_int_equal(st_template_dir("/x/y", out, sizeof(out), &err), 0);
    assert_string_equal(out, "/x/y");
    assert_true(
        snprintf(path, sizeof(path), "%s/templates/statement.tmpl", top) > 0);
    assert_int_equal(unlink(path), 0);
    assert_true(snprintf(path, sizeof(path), "%s/templates", top) > 0);
    assert_int_equal(rmdir(path), 0);
    assert_true(snprintf(path, sizeof(path), "%s/build/bin", top) > 0);
    assert_int_equal(rmdir(path), 0);
    assert_true(snprintf(path, sizeof(path), "%s/build", top) > 0);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir(top), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_details),
        cmocka_unit_test(test_journal_map),
        cmocka_unit_test(test_parse_nomem),
        cmocka_unit_test(test_emit_csv),
        cmocka_unit_test(test_shipped_english),
        cmocka_unit_test(test_shipped_german),
        cmocka_unit_test(test_shipped_layouts),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_find_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
