/*
 * dbvalue.c: result columns by name, integers exactly.
 */
#include <string.h>

#include "core/num.h"
#include "io/dbvalue.h"
#include "core/banned.h"

int
st_db_columns(const PGresult *res, const char *const *names, int *idx, size_t n,
              const char *query, struct st_err *err)
{
    size_t i;

    for (i = 0; i < n; i++) {
        idx[i] = PQfnumber(res, names[i]);
        if (idx[i] < 0)
            return st_err_set(err, ST_ERR_INTERNAL, "%s returns no column '%s'",
                              query, names[i]);
    }
    return 0;
}

int
st_db_i64(const PGresult *res, int row, int col, const char *query,
          int64_t *out, struct st_err *err)
{
    const char *name = PQfname(res, col);

    if (name == NULL)
        return st_err_set(err, ST_ERR_INTERNAL, "%s has no column %d", query,
                          col);
    if (PQgetisnull(res, row, col))
        return st_err_set(err, ST_ERR_INTERNAL, "%s: %s is NULL", query, name);
    if (st_parse_i64(PQgetvalue(res, row, col), INT64_MIN, INT64_MAX, out) != 0)
        return st_err_set(err, ST_ERR_INTERNAL,
                          "%s: %s is not an integer: '%.40s'", query, name,
                          PQgetvalue(res, row, col));
    return 0;
}

const char *
st_db_text(const PGresult *res, int row, int col)
{
    return PQgetvalue(res, row, col);
}

const char *
st_db_text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int
st_db_bool(const PGresult *res, int row, int col)
{
    return strcmp(PQgetvalue(res, row, col), "t") == 0;
}
