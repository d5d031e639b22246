/*
 * rates.c: settle.fx_rate into a struct st_fx, through
 * sql/queries/select_fx_rates.sql, columns read by name.
 */
#include <string.h>

#include "core/date.h"
#include "core/money.h"
#include "io/dbvalue.h"
#include "normalize/rates.h"
#include "core/banned.h"

#define QUERY "queries/select_fx_rates.sql"

enum { COL_DATE, COL_CURRENCY, COL_PER_EUR, NCOL };

static const char *const cols[NCOL] = {"rate_date", "currency", "per_eur"};

/* One row of the result into fx. */
static int
add_row(const PGresult *res, int row, const int *col, struct st_fx *fx,
        struct st_err *err)
{
    const char *ds = st_db_text(res, row, col[COL_DATE]);
    const char *code = st_db_text(res, row, col[COL_CURRENCY]);
    const char *v = st_db_text(res, row, col[COL_PER_EUR]);
    int32_t day;
    struct st_rate rate;

    if (st_date_parse(ds, strlen(ds), &day, err) != 0 || strlen(code) != 3 ||
        st_rate_parse(v, strlen(v), &rate, err) != 0) {
        st_err_prefix(err, "settle.fx_rate");
        return ST_ERR_DATA;
    }
    return st_fx_add(fx, day, code, &rate, err);
}

int
st_rates_load(struct st_db *db, int32_t from, int32_t to, struct st_fx *fx,
              struct st_err *err)
{
    int rc;
    PGresult *res = NULL;
    char d1[ST_DATE_LEN + 1];
    char d2[ST_DATE_LEN + 1];
    const char *params[2] = {d1, d2};
    int col[NCOL];
    int i;

    st_date_format(from, d1);
    st_date_format(to, d2);
    if ((rc = st_db_query(db, QUERY, 2, params, &res, err)) != 0 ||
        (rc = st_db_columns(res, cols, col, NCOL, QUERY, err)) != 0)
        goto out;
    for (i = 0; i < PQntuples(res); i++)
        if ((rc = add_row(res, i, col, fx, err)) != 0)
            goto out;
    st_fx_sort(fx);
    rc = 0;
out:
    PQclear(res);
    return rc;
}
