/*
 * tmpdir.c: scratch directories for tests, with nftw for the removal.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tmpdir.h"
#include "core/banned.h"

int
test_tmpdir_make(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "/tmp/%s-XXXXXX", name);

    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int
test_tmpdir_remove(const char *dir)
{
    return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
test_tmpdir_setup(void **state)
{
    struct test_tmpdir *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return -1;
    if (test_tmpdir_make(t->dir, sizeof(t->dir), "settle-test") != 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

int
test_tmpdir_teardown(void **state)
{
    struct test_tmpdir *t = *state;
    int rc = test_tmpdir_remove(t->dir);

    if (rc != 0)
        fprintf(stderr, "cannot remove %s\n", t->dir);
    free(t);
    return rc;
}
