/*
 * buf.h: a growable, bounded string buffer whose first error sticks.
 *
 * Invariants after st_buf_init: data is never NULL and always NUL-terminated
 * at data[len]; len <= max. An append that runs out of memory or would pass
 * max sets err (ST_ERR_NOMEM or ST_ERR_TOOLONG) and is dropped whole; every
 * later append is then a no-op, so a chain of appends needs one check of
 * st_buf_error() at the end. The buffer owns data until st_buf_detach().
 * Binary data (embedded NULs) is fine: len counts bytes.
 */
#ifndef ST_BUF_H
#define ST_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct st_buf {
    char *data;
    size_t len;
    size_t cap; /* 0 while data points at the shared empty string */
    size_t max; /* most bytes the buffer may hold, NUL excluded */
    int err;    /* 0, or the first ST_ERR_* an append met */
};

/* Prepares b, empty, holding at most max bytes. Allocates nothing. */
void st_buf_init(struct st_buf *b, size_t max);

/* Frees b's memory and leaves it as after st_buf_init with the same max. */
void st_buf_release(struct st_buf *b);

/* Empties b (len 0) and clears its error, keeping its memory. */
void st_buf_reset(struct st_buf *b);

/* Makes room for n more bytes. Returns 0 or the sticky error. */
int st_buf_grow(struct st_buf *b, size_t n);

/* Appends n bytes at p. */
void st_buf_add(struct st_buf *b, const void *p, size_t n);

/* Appends the NUL-terminated string s. */
void st_buf_addstr(struct st_buf *b, const char *s);

/* Appends one byte. */
void st_buf_addch(struct st_buf *b, char c);

/* Appends printf-style formatted text. */
void st_buf_addf(struct st_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like st_buf_addf, with a va_list. */
void st_buf_vaddf(struct st_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Shortens b to len bytes (no-op when len >= b->len). */
void st_buf_truncate(struct st_buf *b, size_t len);

/* Returns 0, or the first error an append met. */
int st_buf_error(const struct st_buf *b);

/*
 * Hands b's string to the caller, who frees it with st_free(); *len_out (if
 * not NULL) gets its length. Returns NULL, and releases b, if b is in error
 * or out of memory. b is left released.
 */
char *st_buf_detach(struct st_buf *b, size_t *len_out);

#endif
