/*
 * buf.c: struct st_buf, the bounded string builder.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

/* Shared, never written: what data points at before the first allocation. */
static char empty[1];

void
st_buf_init(struct st_buf *b, size_t max)
{
    b->data = empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = 0;
}

void
st_buf_release(struct st_buf *b)
{
    if (b == NULL)
        return;
    if (b->cap > 0)
        st_free(b->data);
    st_buf_init(b, b->max);
}

void
st_buf_reset(struct st_buf *b)
{
    b->len = 0;
    b->err = 0;
    if (b->cap > 0) /* never write the shared empty string */
        b->data[0] = '\0';
}

int
st_buf_grow(struct st_buf *b, size_t n)
{
    size_t want;
    size_t cap;
    char *p;

    if (b->err != 0)
        return b->err;
    if (n > b->max - b->len) {
        b->err = ST_ERR_TOOLONG;
        return b->err;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return 0;
    cap = b->cap < 64 ? 64 : b->cap;
    while (cap < want)
        cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = st_realloc(b->cap > 0 ? b->data : NULL, cap);
    if (p == NULL) {
        b->err = ST_ERR_NOMEM;
        return b->err;
    }
    if (b->cap == 0)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return 0;
}

void
st_buf_add(struct st_buf *b, const void *p, size_t n)
{
    if (st_buf_grow(b, n) != 0)
        return;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    if (b->cap > 0)
        b->data[b->len] = '\0';
}

void
st_buf_addstr(struct st_buf *b, const char *s)
{
    st_buf_add(b, s, strlen(s));
}

void
st_buf_addch(struct st_buf *b, char c)
{
    st_buf_add(b, &c, 1);
}

void
st_buf_vaddf(struct st_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    if (b->err != 0)
        return;
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        b->err = ST_ERR_INTERNAL;
        return;
    }
    if (st_buf_grow(b, (size_t)n) != 0)
        return;
    if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n) {
        b->err = ST_ERR_INTERNAL;
        b->data[b->len] = '\0';
        return;
    }
    b->len += (size_t)n;
}

void
st_buf_addf(struct st_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void
st_buf_truncate(struct st_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

int
st_buf_error(const struct st_buf *b)
{
    return b->err;
}

char *
st_buf_detach(struct st_buf *b, size_t *len_out)
{
    char *s = NULL;

    if (len_out != NULL)
        *len_out = 0;
    if (b->err != 0) {
        st_buf_release(b);
        return NULL;
    }
    if (b->cap == 0) {
        s = st_strdup("");
        st_buf_release(b);
        return s;
    }
    s = b->data;
    if (len_out != NULL)
        *len_out = b->len;
    b->cap = 0; /* transferred */
    st_buf_init(b, b->max);
    return s;
}
