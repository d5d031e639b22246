/*
 * tmpdir.h: a scratch directory for a test, removed whole afterwards.
 * Shared by the unit tests that write files.
 */
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

#include <stddef.h>

/*
 * Creates a fresh directory /tmp/NAME-XXXXXX and writes its path into dir
 * (size bytes). Returns 0, or -1 (errno set) when it cannot.
 */
int test_tmpdir_make(char *dir, size_t size, const char *name);

/* Removes dir and everything below it, depth first. Returns 0 or -1. */
int test_tmpdir_remove(const char *dir);

/* A cmocka fixture: the scratch directory, and room for a path in it. */
struct test_tmpdir {
    char dir[64];
    char path[128];
};

/*
 * cmocka setup and teardown of a struct test_tmpdir in *state: a fresh
 * directory /tmp/settle-test-XXXXXX; removed whole, and freed, afterwards.
 */
int test_tmpdir_setup(void **state);
int test_tmpdir_teardown(void **state);

#endif
