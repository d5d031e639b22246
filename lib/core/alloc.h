/*
 * alloc.h: the one way lib/ allocates memory.
 *
 * Every allocation in lib/ goes through these wrappers so that tests can make
 * the Nth allocation fail (st_alloc_fail_at) and check that the code under
 * test returns ST_ERR_NOMEM and leaks nothing. Memory from st_malloc,
 * st_calloc, st_realloc, st_strdup and st_memdup is freed with st_free (or
 * free: they are the same heap).
 *
 * The failure counter is the only mutable global in lib/; it exists for
 * tests and is inert (0) in production.
 */
#ifndef ST_ALLOC_H
#define ST_ALLOC_H

#include <stddef.h>

/* malloc(n); returns NULL on failure (real or injected). */
void *st_malloc(size_t n);

/* calloc(count, size), overflow-checked; NULL on failure. */
void *st_calloc(size_t count, size_t size);

/* realloc(p, n); on failure returns NULL and leaves p untouched. */
void *st_realloc(void *p, size_t n);

/* Allocates count * size bytes for p, overflow-checked, like reallocarray. */
void *st_reallocarray(void *p, size_t count, size_t size);

/* Returns an owned NUL-terminated copy of s (st_free it), or NULL. */
char *st_strdup(const char *s);

/* Returns an owned NUL-terminated copy of the n bytes at p, or NULL. */
char *st_memdup(const void *p, size_t n);

/* free(p); accepts NULL. */
void st_free(void *p);

/*
 * Test hook: make the nth allocation from now fail (1 = the next one), and
 * every later one until reset; 0 turns injection off.
 */
void st_alloc_fail_at(long nth);

/* Test hook: how many allocations were attempted since the last fail_at. */
long st_alloc_count(void);

#endif
