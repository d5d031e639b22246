/*
 * alloc.c: allocation wrappers with failure injection for tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/banned.h"

/*
 * Atomic: lib/io/csvin's reader thread allocates (libcsv growing a buffer)
 * while the calling thread does too.
 */
static _Atomic long fail_at; /* 0 = never fail */
static _Atomic long attempts;

static int
should_fail(void)
{
    attempts++;
    return fail_at > 0 && attempts >= fail_at;
}

void
st_alloc_fail_at(long nth)
{
    fail_at = nth;
    attempts = 0;
}

long
st_alloc_count(void)
{
    return attempts;
}

void *
st_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n == 0 ? 1 : n);
}

void *
st_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    if (count == 0 || size == 0)
        return calloc(1, 1);
    if (count > SIZE_MAX / size)
        return NULL;
    return calloc(count, size);
}

void *
st_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n == 0 ? 1 : n);
}

void *
st_reallocarray(void *p, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return st_realloc(p, count * size);
}

char *
st_memdup(const void *p, size_t n)
{
    char *s;

    if (n == SIZE_MAX)
        return NULL;
    s = st_malloc(n + 1);
    if (s == NULL)
        return NULL;
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

char *
st_strdup(const char *s)
{
    return st_memdup(s, strlen(s));
}

void
st_free(void *p)
{
    free(p);
}
