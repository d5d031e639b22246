/*
 * rates.c: settle.fx_rate. Storing stages the quotes with COPY (through
 * lib/fx/fx_csv) and moves them with sql/queries/upsert_fx_rate.sql
 * once select_fx_conflicts.sql found nothing to refuse; loading reads
 * sql/queries/select_fx_rates.sql, columns by name.
 */
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/money.h"
#include "io/dbvalue.h"
#include "io/sqltext.h"
#include "fx/fx_csv.h"
#include "fx/rates.h"
#include "core/banned.h"

/* ---------------------------------------------------------- storing */

/* The staging rows of one input, sent in pieces of 256 KiB. */
struct staging {
    struct st_db *db;
    struct st_buf out;
};

static int
stage_quote(void *ctx, const struct st_fx_quote *q, struct st_err *err)
{
    struct staging *sg = ctx;
    char d[ST_DATE_LEN + 1];
    int rc;

    st_date_format(q->date, d);
    st_buf_addf(&sg->out, "%s,%s,%.*s,%ld\n", d, q->code, (int)q->len, q->text,
                q->line);
    if (sg->out.len < (size_t)256 * 1024)
        return 0;
    if (st_buf_error(&sg->out) != 0)
        return st_err_set(err, ST_ERR_NOMEM, "out of memory");
    rc = st_db_copy_put(sg->db, sg->out.data, sg->out.len, err);
    st_buf_reset(&sg->out);
    return rc;
}

/* Reads in through r: the file, or the bytes in memory. */
static int
read_input(struct st_fx_csv *r, const struct st_rates_input *in,
           struct st_err *err)
{
    int rc;

    if (in->data == NULL)
        return st_fx_csv_read_file(r, in->name, err);
    if ((rc = st_fx_csv_feed(r, in->data, in->len, err)) != 0)
        return rc;
    return st_fx_csv_finish(r, in->empty_ok, err);
}

/* Stages every quote of in into fx_import (the COPY is open). */
static int
stage_input(struct st_db *db, const struct st_rates_input *in,
            struct st_problems *problems, long *quotes, struct st_err *err)
{
    struct staging sg = {.db = db};
    struct st_fx_csv *r = NULL;
    size_t base = problems->total;
    int rc;

    st_buf_init(&sg.out, (size_t)64 * 1024 * 1024);
    if ((rc = st_fx_csv_new(in->name, stage_quote, &sg, problems, &r, err)) !=
            0 ||
        (rc = read_input(r, in, err)) != 0)
        goto out;
    if (problems->total != base) {
        rc = st_err_set(err, ST_ERR_DATA, "'%s' refused: nothing stored",
                        in->name);
        goto out;
    }
    if (st_buf_error(&sg.out) != 0) {
        rc = st_err_set(err, ST_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = st_db_copy_put(db, sg.out.data, sg.out.len, err);
    *quotes = st_fx_csv_quotes(r);
out:
    st_fx_csv_free(r);
    st_buf_release(&sg.out);
    return rc;
}

#define CONFLICTS_QUERY "queries/select_fx_conflicts.sql"

/* Each staged quote that differs from a stored one becomes a problem. */
static int
refuse_conflicts(struct st_db *db, const struct st_rates_input *in,
                 struct st_problems *problems, struct st_err *err)
{
    static const char *const names[6] = {"line",   "rate_date", "currency",
                                         "quoted", "stored",    "total"};
    PGresult *res = NULL;
    int col[6];
    int64_t line = 0;
    int64_t total = 0;
    int i;
    int rc;

    if ((rc = st_db_query(db, CONFLICTS_QUERY, 0, NULL, &res, err)) != 0 ||
        (rc = st_db_columns(res, names, col, 6, CONFLICTS_QUERY, err)) != 0)
        goto out;
    for (i = 0; i < PQntuples(res); i++) {
        if ((rc = st_db_i64(res, i, col[0], CONFLICTS_QUERY, &line, err)) !=
                0 ||
            (rc = st_db_i64(res, i, col[5], CONFLICTS_QUERY, &total, err)) != 0)
            goto out;
        st_problems_add(problems, in->name, (long)line, 0,
                        "%s on %s: quoted %s, but settle.fx_rate holds %s",
                        st_db_text(res, i, col[2]), st_db_text(res, i, col[1]),
                        st_db_text(res, i, col[3]), st_db_text(res, i, col[4]));
    }
    if (total > 0)
        rc = st_err_set(err, ST_ERR_DATA,
                        "'%s' refused: %lld quote%s differ%s from the stored "
                        "one; nothing stored (an ECB correction is taken with "
                        "settle fx import --replace)",
                        in->name, (long long)total, total == 1 ? "" : "s",
                        total == 1 ? "s" : "");
out:
    PQclear(res);
    return rc;
}

#define UPSERT_QUERY "queries/upsert_fx_rate.sql"

/* fx_import into settle.fx_rate; stats gets the rows added and changed. */
static int
upsert_rates(struct st_db *db, int replace, struct st_rates_stats *stats,
             struct st_err *err)
{
    static const char *const names[2] = {"inserted", "updated"};
    const char *params[1] = {replace ? "true" : "false"};
    PGresult *res = NULL;
    int col[2];
    int64_t ins = 0;
    int64_t upd = 0;
    int rc;

    if ((rc = st_db_query(db, UPSERT_QUERY, 1, params, &res, err)) != 0 ||
        (rc = st_db_columns(res, names, col, 2, UPSERT_QUERY, err)) != 0)
        goto out;
    if (PQntuples(res) == 1 &&
        ((rc = st_db_i64(res, 0, col[0], UPSERT_QUERY, &ins, err)) != 0 ||
         (rc = st_db_i64(res, 0, col[1], UPSERT_QUERY, &upd, err)) != 0))
        goto out;
    stats->inserted = (long)ins;
    stats->updated = (long)upd;
    rc = 0;
out:
    PQclear(res);
    return rc;
}

int
st_rates_import(struct st_db *db, const struct st_rates_input *in,
                struct st_problems *problems, struct st_rates_stats *stats,
                struct st_err *err)
{
    const char *copy_sql = st_sql_text("queries/copy_fx_import.sql");
    int in_copy = 0;
    int rc;

    memset(stats, 0, sizeof(*stats));
    if (copy_sql == NULL)
        return st_err_set(err, ST_ERR_INTERNAL, "no copy_fx_import.sql");
    if ((rc = st_db_begin(db, err)) != 0)
        return rc;
    if ((rc = st_db_query(db, "queries/create_fx_import.sql", 0, NULL, NULL,
                          err)) != 0 ||
        (rc = st_db_copy_begin(db, copy_sql, err)) != 0)
        goto out;
    in_copy = 1;
    if ((rc = stage_input(db, in, problems, &stats->quotes, err)) != 0)
        goto out;
    in_copy = 0;
    if ((rc = st_db_copy_end(db, err)) != 0 ||
        (!in->replace && (rc = refuse_conflicts(db, in, problems, err)) != 0) ||
        (rc = upsert_rates(db, in->replace, stats, err)) != 0)
        goto out;
    rc = st_db_commit(db, err);
out:
    if (in_copy)
        st_db_copy_abort(db, "storing ECB rates failed");
    if (rc != 0)
        st_db_rollback(db);
    return rc;
}

/* ---------------------------------------------------------- loading */

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
