/*
 * test_xlsx.c: lib/io/xlsx, the streaming workbook. A sheet continues on
 * "NAME (2)", "NAME (3)" at max_rows; the same cells give the same bytes;
 * bad sheet names and unwritable paths fail with the right codes. The
 * cells themselves are read back by tests/xlsx_check.py (integration).
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
#include "io/xlsx.h"
#include "tmpdir.h"
#include "core/banned.h"

static const struct st_xlsx_col cols[] = {
    {"Posted", 20}, {"Text", 10}, {"Amount", 12}, {"Line", 6}};

static int
write_book(const char *path, uint32_t max_rows, int rows, size_t *sheets)
{
    struct st_xlsx *x = NULL;
    struct st_err err;
    int rc;
    int r;

    rc = st_xlsx_open(path, 20412, "t", max_rows, &x, &err);
    if (rc != 0)
        return rc;
    rc = st_xlsx_sheet_begin(x, "USD", cols, 4, &err);
    for (r = 0; r < rows && rc == 0; r++) {
        rc = st_xlsx_row(x, &err);
        st_xlsx_datetime(x, 0, (int64_t)20411 * 86400 + r);
        st_xlsx_str(x, 1, r % 2 ? "=SUM(A1)" : "bell\x07text");
        st_xlsx_money(x, 2, -12345 + r, 2);
        st_xlsx_int(x, 3, r + 1);
    }
    if (rc == 0)
        rc = st_xlsx_sheet_end(x, &err);
    if (rc == 0)
        rc = st_xlsx_sheet_begin(x, "Exceptions", cols, 4, &err);
    if (rc == 0)
        rc = st_xlsx_sheet_end(x, &err);
    if (sheets != NULL)
        *sheets = st_xlsx_sheet_count(x);
    if (rc != 0) {
        st_xlsx_free(x);
        return rc;
    }
    return st_xlsx_close(x, &err);
}

static void
read_file(const char *path, char **data, long *len)
{
    FILE *fp = fopen(path, "rb");

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    *len = ftell(fp);
    assert_true(*len > 0);
    rewind(fp);
    *data = malloc((size_t)*len);
    assert_non_null(*data);
    assert_int_equal(fread(*data, 1, (size_t)*len, fp), (size_t)*len);
    assert_int_equal(fclose(fp), 0);
}

static void
test_continuation_and_determinism(void **state)
{
    char dir[] = "/tmp/test_xlsx.XXXXXX";
    char a[64];
    char b[64];
    char *da = NULL;
    char *db = NULL;
    long la;
    long lb;
    size_t sheets = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_true(snprintf(a, sizeof(a), "%s/a.xlsx", dir) > 0);
    assert_true(snprintf(b, sizeof(b), "%s/b.xlsx", dir) > 0);
    /* 7 rows at 3 per sheet: USD, USD (2), USD (3), then Exceptions */
    assert_int_equal(write_book(a, 3, 7, &sheets), 0);
    assert_int_equal((int)sheets, 4);
    /* exactly full: no empty continuation */
    assert_int_equal(write_book(b, 3, 6, &sheets), 0);
    assert_int_equal((int)sheets, 3);
    assert_int_equal(write_book(b, 3, 7, NULL), 0);
    read_file(a, &da, &la);
    read_file(b, &db, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, (size_t)la);
    free(da);
    free(db);
    assert_int_equal(unlink(a), 0);
    assert_int_equal(unlink(b), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void
test_errors(void **state)
{
    struct st_xlsx *x = NULL;
    struct st_err err;

    (void)state;
    assert_int_equal(
        st_xlsx_open("/tmp/never-written.xlsx", 0, "t", 0, &x, &err), 0);
    assert_int_equal(st_xlsx_sheet_begin(x, "", cols, 4, &err), ST_ERR_CONFIG);
    assert_int_equal(
        st_xlsx_sheet_begin(x, "12345678901234567890123456", cols, 4, &err),
        ST_ERR_CONFIG);
    assert_int_equal(st_xlsx_sheet_begin(x, "A", cols, 4, &err), 0);
    assert_int_equal(st_xlsx_sheet_begin(x, "B", cols, 4, &err),
                     ST_ERR_INTERNAL); /* A not ended */
    assert_int_equal(st_xlsx_sheet_end(x, &err), 0);
    assert_int_equal(st_xlsx_sheet_begin(x, "A", cols, 4, &err),
                     ST_ERR_CONFIG); /* name in use */
    st_xlsx_free(x);
    st_xlsx_free(NULL);
    assert_int_equal(st_xlsx_close(NULL, &err), 0);
    assert_int_equal(access("/tmp/never-written.xlsx", F_OK), -1);

    /* a directory that does not exist: the close fails */
    assert_int_equal(write_book("/nonexistent-dir/x.xlsx", 0, 2, NULL),
                     ST_ERR_CANTCREAT);
}

/* Every allocation of a workbook's writing failing in turn. */
static void
test_alloc_failures(void **state)
{
    struct test_tmpdir *t = *state;
    char *path = t->path;
    long nth;
    int rc = ST_ERR_NOMEM;

    assert_true(snprintf(t->path, sizeof(t->path), "%s/x.xlsx", t->dir) > 0);
    for (nth = 1; nth < 50 && rc != 0; nth++) {
        st_alloc_fail_at(nth);
        rc = write_book(path, 0, 3, NULL);
        st_alloc_fail_at(0);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM);
    }
    assert_int_equal(rc, 0);
    assert_true(nth > 2); /* at least one allocation failed first */
    assert_int_equal(access(path, F_OK), 0); /* written, in the end */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_continuation_and_determinism),
        cmocka_unit_test(test_errors),
        cmocka_unit_test_setup_teardown(test_alloc_failures, test_tmpdir_setup,
                                        test_tmpdir_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
