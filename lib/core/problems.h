/*
 * problems.h: a bounded list of validation failures, each located.
 *
 * Parsers that must report every problem of a file at once (the person who
 * fixes it wants them all, not the first) record them here instead of
 * returning an error: the first ST_PROBLEMS_KEEP in full, and the count of
 * all. The caller refuses the input when total grew.
 */
#ifndef ST_PROBLEMS_H
#define ST_PROBLEMS_H

#include <stddef.h>

struct st_log;

/* How many problems a list keeps in full; the rest are only counted. */
#define ST_PROBLEMS_KEEP 20

/* One validation failure, located; line and col are 0 when unknown. */
struct st_problem {
    char file[256];
    long line;
    long col;
    char msg[256];
};

/*
 * A bounded list of validation failures: the first ST_PROBLEMS_KEEP in
 * full, and the count of all. Lives in the caller (no allocation).
 */
struct st_problems {
    struct st_problem kept[ST_PROBLEMS_KEEP];
    size_t nkept;
    size_t total;
};

/* Empties p. */
void st_problems_init(struct st_problems *p);

/* Records a problem at file:line:col (file may be NULL; line, col 0). */
void st_problems_add(struct st_problems *p, const char *file, long line,
                     long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Writes problem q as one line, "FILE:LINE[:COL]: message" (lib/core/
 * location), into out (size bytes, cut short) and returns out.
 */
const char *st_problem_format(const struct st_problem *q, char *out,
                              size_t size);

/*
 * Logs each kept problem of p at ST_LOG_ERROR under stage, then "and N
 * more problems" when some were only counted.
 */
void st_problems_log(const struct st_problems *p, struct st_log *log,
                     const char *stage);

#endif
