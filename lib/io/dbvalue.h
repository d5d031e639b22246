/*
 * dbvalue.h: values out of a query's result, by column name.
 *
 * A query's columns are looked up by name once per result
 * (st_db_columns), never taken by position, so that reordering a SELECT
 * list in sql/queries cannot shift one value into another's place. Integers
 * are read exactly (lib/core/num), never with strtol. Every failure is
 * ST_ERR_INTERNAL naming the query and the column: it means sql/ and the
 * code disagree, not that the data is bad.
 *
 * PGresult memory is borrowed: a string from st_db_text lives as long as
 * its result.
 */
#ifndef ST_DBVALUE_H
#define ST_DBVALUE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/err.h"

/*
 * Writes the number of each of the n columns named in names to idx.
 * query names the query in the error when one is missing.
 */
int st_db_columns(const PGresult *res, const char *const *names, int *idx,
                  size_t n, const char *query, struct st_err *err);

/*
 * Reads the value of row and column col as an integer into *out. A NULL
 * or a value that is not a whole int64 is an error naming query and the
 * column.
 */
int st_db_i64(const PGresult *res, int row, int col, const char *query,
              int64_t *out, struct st_err *err);

/* The value as text ("" for NULL), borrowed from res. */
const char *st_db_text(const PGresult *res, int row, int col);

/* The value as text, or NULL for SQL NULL; borrowed from res. */
const char *st_db_text_or_null(const PGresult *res, int row, int col);

/* Whether the value is the boolean true ("t"). */
int st_db_bool(const PGresult *res, int row, int col);

#endif
