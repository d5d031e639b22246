/*
 * sqltext.h: the SQL files of sql/, embedded into the binary at build time
 * (ops/embed-sql writes the table), so that migrations and queries need no
 * installed share directory. Names are paths under sql/, for example
 * "migrations/001_core.sql" or "queries/select_run.sql"; the table is sorted
 * by name.
 */
#ifndef ST_SQLTEXT_H
#define ST_SQLTEXT_H

#include <stddef.h>

struct st_sql_file {
    const char *name;
    const char *text;
};

extern const struct st_sql_file st_sql_files[];
extern const size_t st_sql_nfiles;

/* Returns the text of sql/<name>, or NULL when there is no such file. */
const char *st_sql_text(const char *name);

#endif
