/*
 * test_archive.c: lib/io/archive's content-addressed store (the database half
 * is covered by tests/integration/fetch_*.sh): the path layout, a new file
 * written whole, the same bytes again a no-op that leaves the file alone, a
 * damaged archive noticed, an archive that cannot be created, and no
 * temporary file left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "io/archive.h"
#include "core/hash.h"
#include "tmpdir.h"
#include "core/banned.h"

static const char abc_hex[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char empty_hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static int
setup(void **state)
{
    char *dir = malloc(64);

    if (dir == NULL || test_tmpdir_make(dir, 64, "test_archive") != 0) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

static int
teardown(void **state)
{
    test_tmpdir_remove(*state);
    free(*state);
    return 0;
}

/* Counts regular files under path whose name starts with prefix. */
static int
count_files(const char *path, const char *prefix)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[4096];
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >=
                (int)sizeof(sub) ||
            stat(sub, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            n += count_files(sub, prefix);
        else if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static void
test_hash_and_path(void **state)
{
    char hex[ST_SHA256_HEX_LEN + 1];
    struct st_buf b;

    (void)state;
    st_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, abc_hex);
    st_sha256_hex("", 0, hex);
    assert_string_equal(hex, empty_hex);
    st_buf_init(&b, 4096);
    st_archive_path("var/archive", abc_hex, &b);
    assert_string_equal(b.data, "var/archive/sha256/ba/"
                                "7816bf8f01cfea414140de5dae2223b00361a396177a"
                                "9cb410ff61f20015ad");
    st_buf_release(&b);
}

static void
test_store_once(void **state)
{
    const char *dir = *state;
    char hex[ST_SHA256_HEX_LEN + 1];
    char path[4096];
    char got[16];
    struct stat st1;
    struct stat st2;
    struct st_err err;
    FILE *f;
    int created = -1;

    assert_int_equal(st_archive_store(dir, "abc", 3, hex, &created, &err), 0);
    assert_string_equal(hex, abc_hex);
    assert_int_equal(created, 1);
    assert_true(snprintf(path, sizeof(path), "%s/sha256/ba/%s", dir,
                         abc_hex + 2) < (int)sizeof(path));
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(got, 1, sizeof(got), f), 3);
    assert_int_equal(fclose(f), 0);
    assert_memory_equal(got, "abc", 3);
    assert_int_equal(stat(path, &st1), 0);

    /* the same bytes again: nothing written, the file untouched */
    assert_int_equal(st_archive_store(dir, "abc", 3, hex, &created, &err), 0);
    assert_int_equal(created, 0);
    assert_int_equal(stat(path, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino);
    assert_int_equal(st1.st_mtime, st2.st_mtime);

    /* other bytes, another file; the empty file is a file too */
    assert_int_equal(st_archive_store(dir, "", 0, hex, &created, &err), 0);
    assert_string_equal(hex, empty_hex);
    assert_int_equal(created, 1);
    assert_int_equal(count_files(dir, ""), 2);
    assert_int_equal(count_files(dir, ".tmp-"), 0);
}

static void
test_damaged_archive(void **state)
{
    const char *dir = *state;
    char hex[ST_SHA256_HEX_LEN + 1];
    char path[4096];
    struct st_err err;
    FILE *f;

    assert_int_equal(st_archive_store(dir, "abc", 3, hex, NULL, &err), 0);
    assert_true(snprintf(path, sizeof(path), "%s/sha256/ba/%s", dir,
                         abc_hex + 2) < (int)sizeof(path));
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("abcd", f);
    assert_int_equal(fclose(f), 0);
    /* never overwritten, and the damage is reported */
    assert_int_equal(st_archive_store(dir, "abc", 3, hex, NULL, &err),
                     ST_ERR_IO);
    assert_non_null(strstr(err.msg, "not the expected 3 bytes"));
}

static void
test_cannot_create(void **state)
{
    const char *dir = *state;
    char blocker[4096];
    char under[4096];
    char hex[ST_SHA256_HEX_LEN + 1];
    struct st_err err;
    FILE *f;

    assert_true(snprintf(blocker, sizeof(blocker), "%s/file", dir) <
                (int)sizeof(blocker));
    assert_true(snprintf(under, sizeof(under), "%s/file/archive", dir) <
                (int)sizeof(under));
    f = fopen(blocker, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(st_archive_store(under, "abc", 3, hex, NULL, &err),
                     ST_ERR_CANTCREAT);
}

static void
test_alloc_failures(void **state)
{
    const char *dir = *state;
    char hex[ST_SHA256_HEX_LEN + 1];
    long nth;
    int rc = ST_ERR_NOMEM;

    for (nth = 1; nth < 100 && rc != 0; nth++) {
        struct st_err err;

        st_alloc_fail_at(nth);
        rc = st_archive_store(dir, "xyz", 3, hex, NULL, &err);
        st_alloc_fail_at(0);
        assert_true(rc == 0 || rc == ST_ERR_NOMEM || rc == ST_ERR_CANTCREAT);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count_files(dir, ".tmp-"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_and_path),
        cmocka_unit_test_setup_teardown(test_store_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_archive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cannot_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
