/*
 * problems.c: the bounded problem list.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/location.h"
#include "core/log.h"
#include "core/problems.h"
#include "core/banned.h"

void
st_problems_init(struct st_problems *p)
{
    p->nkept = 0;
    p->total = 0;
}

static void
copy_cut(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void
st_problems_add(struct st_problems *p, const char *file, long line, long col,
                const char *fmt, ...)
{
    struct st_problem *q;
    va_list ap;
    int n;

    p->total++;
    if (p->nkept >= ST_PROBLEMS_KEEP)
        return;
    q = &p->kept[p->nkept++];
    copy_cut(q->file, sizeof(q->file), file ? file : "");
    q->line = line;
    q->col = col;
    va_start(ap, fmt);
    n = vsnprintf(q->msg, sizeof(q->msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        q->msg[0] = '\0';
}

const char *
st_problem_format(const struct st_problem *q, char *out, size_t size)
{
    char where[ST_LOCATION_MAX];
    int n;

    st_location_prefix(where, sizeof(where), q->file, q->line, q->col);
    n = snprintf(out, size, "%s%s", where, q->msg);
    if (n < 0 && size > 0)
        out[0] = '\0';
    return out;
}

void
st_problems_log(const struct st_problems *p, struct st_log *log,
                const char *stage)
{
    char line[ST_LOCATION_MAX + 256];
    size_t i;

    for (i = 0; i < p->nkept; i++)
        st_log_msg(log, ST_LOG_ERROR, stage, "%s",
                   st_problem_format(&p->kept[i], line, sizeof(line)));
    if (p->total > p->nkept)
        st_log_msg(log, ST_LOG_ERROR, stage, "and %zu more problem%s",
                   p->total - p->nkept, p->total - p->nkept == 1 ? "" : "s");
}
