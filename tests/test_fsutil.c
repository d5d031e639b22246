/*
 * test_fsutil.c: atomic output and directory creation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "tmpdir.h"
#include "core/banned.h"

static int
count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void
test_commit_and_abort(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_atomic_file af;
    struct st_err err;
    char path[128];
    char *data = NULL;
    size_t len = 0;

    assert_true(snprintf(path, sizeof(path), "%s/out.csv", fx->dir) <
                (int)sizeof(path));
    /* Aborted: neither the file nor a temporary remains. */
    assert_int_equal(st_atomic_open(&af, path, &err), 0);
    fputs("half", af.f);
    st_atomic_abort(&af);
    assert_int_equal(count_entries(fx->dir), 0);
    st_atomic_abort(&af); /* twice is harmless */
    /* Committed: exactly the file. */
    assert_int_equal(st_atomic_open(&af, path, &err), 0);
    fputs("whole\n", af.f);
    assert_int_equal(st_atomic_commit(&af, &err), 0);
    assert_int_equal(count_entries(fx->dir), 1);
    assert_int_equal(st_file_read_all(path, &data, &len, &err), 0);
    assert_int_equal(len, 6);
    assert_string_equal(data, "whole\n");
    st_free(data);
    /* Replacing keeps one file with the new content. */
    assert_int_equal(st_file_write_atomic(path, "new", 3, &err), 0);
    assert_int_equal(count_entries(fx->dir), 1);
    assert_int_equal(st_file_read_all(path, &data, &len, &err), 0);
    assert_string_equal(data, "new");
    st_free(data);
}

static void
test_errors(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_err err;
    char path[128];
    char *data = NULL;
    size_t len = 0;

    assert_true(snprintf(path, sizeof(path), "%s/missing", fx->dir) <
                (int)sizeof(path));
    assert_int_equal(st_file_read_all(path, &data, &len, &err), ST_ERR_NOINPUT);
    assert_null(data);
    /* A file where a directory is expected fails for root too. */
    assert_int_equal(st_file_write_atomic(path, "x", 1, &err), 0);
    assert_true(snprintf(path, sizeof(path), "%s/missing/sub/f", fx->dir) <
                (int)sizeof(path));
    assert_int_equal(st_file_write_atomic(path, "x", 1, &err),
                     ST_ERR_CANTCREAT);
    assert_true(snprintf(path, sizeof(path), "%s/missing/sub", fx->dir) <
                (int)sizeof(path));
    assert_int_equal(st_mkdir_p(path, 0755, &err), ST_ERR_CANTCREAT);
    assert_non_null(strstr(err.msg, "missing"));
}

static void
test_mkdir_p(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_err err;
    char path[128];
    struct stat st;

    assert_true(snprintf(path, sizeof(path), "%s/a/b/c", fx->dir) <
                (int)sizeof(path));
    assert_int_equal(st_mkdir_p(path, 0755, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st_mkdir_p(path, 0755, &err), 0); /* again: fine */
}

static void
test_fsync_path(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_err err;
    char path[128];

    assert_int_equal(st_fsync_path(fx->dir, &err), 0); /* a directory */
    assert_true(snprintf(path, sizeof(path), "%s/f", fx->dir) <
                (int)sizeof(path));
    assert_int_equal(st_file_write_atomic(path, "x", 1, &err), 0);
    assert_int_equal(st_fsync_path(path, &err), 0); /* a file */
    assert_true(snprintf(path, sizeof(path), "%s/missing", fx->dir) <
                (int)sizeof(path));
    assert_int_equal(st_fsync_path(path, &err), ST_ERR_IO);
    assert_non_null(strstr(err.msg, "missing"));
}

static void
test_remove_tree(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_err err;
    char dir[128];
    char path[160];
    struct stat st;

    assert_true(snprintf(dir, sizeof(dir), "%s/out", fx->dir) <
                (int)sizeof(dir));
    assert_int_equal(st_mkdir_p(dir, 0755, &err), 0);
    assert_true(snprintf(path, sizeof(path), "%s/a.csv", dir) <
                (int)sizeof(path));
    assert_int_equal(st_file_write_atomic(path, "a", 1, &err), 0);
    assert_true(snprintf(path, sizeof(path), "%s/.hidden", dir) <
                (int)sizeof(path));
    assert_int_equal(st_file_write_atomic(path, "h", 1, &err), 0);
    assert_int_equal(st_remove_tree(dir, &err), 0);
    assert_int_not_equal(stat(dir, &st), 0);
    assert_int_equal(count_entries(fx->dir), 0);
    /* Gone already: an error naming it, and NULL err is allowed. */
    assert_int_equal(st_remove_tree(dir, &err), ST_ERR_IO);
    assert_non_null(strstr(err.msg, "out"));
    assert_int_equal(st_remove_tree(dir, NULL), ST_ERR_IO);
    /* A subdirectory is not removed, so neither is dir. */
    assert_true(snprintf(path, sizeof(path), "%s/sub", dir) <
                (int)sizeof(path));
    assert_int_equal(st_mkdir_p(path, 0755, &err), 0);
    assert_int_equal(st_remove_tree(dir, &err), ST_ERR_IO);
    assert_int_equal(stat(path, &st), 0);
}

static void
test_nomem(void **state)
{
    struct test_tmpdir *fx = *state;
    struct st_err err;
    char path[128];
    long n;
    int rc = -1;

    assert_true(snprintf(path, sizeof(path), "%s/nomem", fx->dir) <
                (int)sizeof(path));
    for (n = 1; n < 50 && rc != 0; n++) {
        st_alloc_fail_at(n);
        rc = st_file_write_atomic(path, "x", 1, &err);
        st_alloc_fail_at(0);
        if (rc != 0)
            assert_int_equal(rc, ST_ERR_NOMEM);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count_entries(fx->dir), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_commit_and_abort, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_errors, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_p, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_fsync_path, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_remove_tree, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, test_tmpdir_setup,
                                        test_tmpdir_teardown),
    };

    return cmocka_run_group_tests_name("fsutil", tests, NULL, NULL);
}
